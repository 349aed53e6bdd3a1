// One command form's sending state. A submission gets one Idempotency-Key
// (crypto.randomUUID()) when it starts; sending the very same body again after
// the service did not answer (network, 5xx) reuses it, so the command is
// recorded once however often it is retried. Any definitive answer (recorded,
// or refused for a reason) ends the submission: the next one gets a new key.
// While a request is in flight, further submissions are ignored (and the form
// disables its button), so a double click sends once.
import { useCallback, useRef, useState } from 'react';
import {
  CommandRefused,
  retryable,
  send,
  type AgencyCode,
  type Refusal,
  type SendOptions,
} from '../api/commands';

export interface CommandState<T> {
  readonly sending: boolean;
  readonly refusal: Refusal | undefined;
  /** The service's answer to the last recorded submission. */
  readonly result: T | undefined;
  /** Sends the command; resolves to the answer, or undefined when it was refused (see `refusal`). */
  readonly submit: (
    body: unknown,
    options?: Pick<SendOptions, 'ifMatch'>,
  ) => Promise<T | undefined>;
  /** Forgets the last refusal (the person edits the form). */
  readonly clear: () => void;
}

interface Pending {
  readonly key: string;
  readonly fingerprint: string;
}

export function useCommand<T = unknown>(
  agency: AgencyCode,
  path: string,
  onRecorded?: (result: T) => void,
  onRefused?: (refusal: Refusal) => void,
): CommandState<T> {
  const [sending, setSending] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | undefined>(undefined);
  const [result, setResult] = useState<T | undefined>(undefined);
  const inFlight = useRef(false);
  const pending = useRef<Pending | undefined>(undefined);
  const recorded = useRef(onRecorded);
  recorded.current = onRecorded;
  const refused = useRef(onRefused);
  refused.current = onRefused;

  const submit = useCallback(
    async (body: unknown, options: Pick<SendOptions, 'ifMatch'> = {}) => {
      if (inFlight.current) return undefined;
      inFlight.current = true;
      const fingerprint = JSON.stringify([path, body]);
      // A retry of the same submission keeps its key; anything else is a new one.
      if (pending.current?.fingerprint !== fingerprint)
        pending.current = { key: crypto.randomUUID(), fingerprint };
      setSending(true);
      setRefusal(undefined);
      try {
        const answer = await send<T>(agency, path, body, {
          ...options,
          idempotencyKey: pending.current.key,
        });
        pending.current = undefined;
        setResult(answer);
        recorded.current?.(answer);
        return answer;
      } catch (error) {
        if (!(error instanceof CommandRefused)) throw error;
        if (!retryable(error.refusal)) pending.current = undefined;
        setRefusal(error.refusal);
        refused.current?.(error.refusal);
        return undefined;
      } finally {
        inFlight.current = false;
        setSending(false);
      }
    },
    [agency, path],
  );

  const clear = useCallback(() => setRefusal(undefined), []);
  return { sending, refusal, result, submit, clear };
}
