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
 * follows live appends. While a full batch is being handled the next one is read
 * (one batch ahead at most): the store's read and the handler's work overlap, and
 * the handler's promise stays the back-pressure. Returns when the signal aborts;
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
  const read = (after: LogPosition) =>
    store.readAll({
      after,
      maxCount: batchSize,
      ...(options.streamPrefixes ? { streamPrefixes: options.streamPrefixes } : {}),
    });
  let after = options.after ?? START;
  let ahead: Promise<readonly RecordedEvent[]> | undefined;
  // Set while an append this process was told of may not be readable yet.
  let lookAgainMs = 0;
  try {
    while (!signal.aborted) {
      const batch = await (ahead ?? read(after));
      ahead = undefined;
      const last = batch.at(-1);
      if (!last) {
        options.onCaughtUp?.();
        if (lookAgainMs > 0) {
          await store.waitForAppend(lookAgainMs, signal);
          lookAgainMs = lookAgainMs * 2 < idleWaitMs ? lookAgainMs * 2 : 0;
          continue;
        }
        const waited = performance.now();
        await store.waitForAppend(idleWaitMs, signal);
        // Woken by an append. The log may not show it yet: an event is read only
        // once every transaction that began before it has ended (PostgresEventStore),
        // so look again after 1, 2, 4 ... ms rather than wait the whole idle time.
        if (performance.now() - waited < idleWaitMs) lookAgainMs = 1;
        continue;
      }
      lookAgainMs = 0;
      // A full batch: more is probably waiting. A short one: caught up, read after it.
      if (batch.length === batchSize) ahead = read(last.position);
      await onBatch(batch);
      after = last.position;
    }
  } finally {
    // A read ahead that nobody will use must not become an unhandled rejection.
    ahead?.catch(() => undefined);
  }
}
