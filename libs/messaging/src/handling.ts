import { deadLetterTopic } from '@gridline/contracts';
import type { EachMessagePayload, Producer } from 'kafkajs';
import type { MessagingLogger } from './logger.js';
import { isTransient } from './transient.js';

export type HandlingOutcome<T> =
  | { readonly done: true; readonly value: T }
  | { readonly done: false; readonly error: unknown; readonly permanent: boolean };

/**
 * How every consumer runs its handler on one message: a dependency that is down
 * (isTransient) is waited out with growing pauses, the group heartbeat kept and
 * the attempt count reset, so a good message is never parked because a server
 * restarted; other failures are retried with backoff up to `maxAttempts`, unless
 * `permanent` says retrying cannot help. `waiting` hears the outage and its end.
 */
export async function handleWithRetries<T>(
  payload: EachMessagePayload,
  work: () => Promise<T>,
  options: {
    readonly maxAttempts: number;
    readonly baseDelayMs: number;
    readonly permanent: (error: unknown) => boolean;
    readonly waiting: (reason: string | undefined) => void;
    readonly logger: MessagingLogger;
    readonly messageId: string | undefined;
  },
): Promise<HandlingOutcome<T>> {
  const { baseDelayMs: base, logger, messageId } = options;
  let outage = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      const value = await work();
      options.waiting(undefined);
      return { done: true, value };
    } catch (error) {
      if (isTransient(error)) {
        options.waiting((error as Error).message);
        logger.warn('a dependency is unavailable; waiting before retrying', {
          eventId: messageId,
          error: (error as Error).message,
        });
        await new Promise((r) => setTimeout(r, Math.min(base * 2 ** Math.min(outage++, 6), 5_000)));
        // Stay in the group while waiting (the session times out after 10 s).
        await payload.heartbeat().catch(() => undefined);
        attempt = 0;
        continue;
      }
      const permanent = options.permanent(error);
      if (permanent || attempt >= options.maxAttempts) return { done: false, error, permanent };
      logger.warn('handler failed; retrying', {
        eventId: messageId,
        attempt,
        error: (error as Error).message,
      });
      await new Promise((r) => setTimeout(r, base * 2 ** (attempt - 1)));
    }
  }
}

/**
 * Parks a message in `<topic>.dlq`: its value and headers as they came (less any
 * named in `drop`), with why (`dlq_kind`, `dlq_reason`) and where from.
 */
export async function sendDeadLetter(
  producer: Producer,
  payload: EachMessagePayload,
  letter: {
    readonly value: string;
    readonly headers: Record<string, string>;
    readonly kind: string;
    readonly cause: unknown;
    readonly groupId: string;
    readonly key?: Buffer | string | null;
    readonly drop?: readonly string[];
  },
): Promise<string> {
  const { topic, partition, message } = payload;
  const reason = letter.cause instanceof Error ? letter.cause.message : String(letter.cause);
  const kept = Object.fromEntries(
    Object.entries(letter.headers).filter(([name]) => !letter.drop?.includes(name)),
  );
  await producer.send({
    topic: deadLetterTopic(topic),
    acks: -1,
    messages: [
      {
        key: letter.key === undefined ? message.key : letter.key,
        value: letter.value,
        headers: {
          ...kept,
          dlq_kind: letter.kind,
          dlq_reason: reason,
          dlq_source_topic: topic,
          dlq_source_partition: String(partition),
          dlq_source_offset: message.offset,
          dlq_consumer_group: letter.groupId,
          dlq_failed_at: new Date().toISOString(),
        },
      },
    ],
  });
  return reason;
}
