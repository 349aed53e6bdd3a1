import { START, type EventStore, type LogPosition, type RecordedEvent } from './event-store.js';

export interface SubscriptionOptions {
  /** Resume after this position; default the start of the log. */
  readonly after?: LogPosition;
  readonly streamPrefixes?: readonly string[];
  readonly batchSize?: number;
  /** Longest wait for a wake-up before polling again. */
  readonly idleWaitMs?: number;
  readonly signal: AbortSignal;
  /** Handles one batch; the subscription moves on only when it resolves. */
  readonly onBatch: (events: readonly RecordedEvent[]) => Promise<void>;
  /** Called each time the subscription has read everything there is (caught up). */
  readonly onCaughtUp?: () => void;
}

/**
 * Catch-up subscription to the global log: reads what is there in batches, then
 * follows live appends. The handler's promise is the back-pressure: nothing is
 * read past a batch that is still being handled. Returns when the signal aborts;
 * rejects with the first error of the store or the handler (the caller decides
 * whether to restart from its checkpoint).
 */
export async function subscribeToAll(
  store: EventStore,
  options: SubscriptionOptions,
): Promise<void> {
  const { signal, onBatch } = options;
  const batchSize = options.batchSize ?? 256;
  const idleWaitMs = options.idleWaitMs ?? 1_000;
  let after = options.after ?? START;
  while (!signal.aborted) {
    const batch = await store.readAll({
      after,
      maxCount: batchSize,
      ...(options.streamPrefixes ? { streamPrefixes: options.streamPrefixes } : {}),
    });
    const last = batch.at(-1);
    if (!last) {
      options.onCaughtUp?.();
      await store.waitForAppend(idleWaitMs, signal);
      continue;
    }
    await onBatch(batch);
    after = last.position;
  }
}
