import { randomUUID } from 'node:crypto';
import { newEvent } from '@gridline/testing';
import type { RecordedEvent } from './event-store.js';
import { InMemoryEventStore } from './in-memory-event-store.js';
import { subscribeToAll } from './subscription.js';

describe('subscribeToAll', () => {
  it('catches up in batches, then follows live appends, resuming after a position', async () => {
    const store = new InMemoryEventStore();
    const stream = `street-s-${randomUUID()}`;
    await store.appendToStream(stream, [newEvent(), newEvent(), newEvent()]);
    const seen: RecordedEvent[] = [];
    const batches: number[] = [];
    const caughtUpAfter: number[] = [];
    const controller = new AbortController();
    const running = subscribeToAll(store, {
      batchSize: 2,
      idleWaitMs: 10_000,
      signal: controller.signal,
      onCaughtUp: () => caughtUpAfter.push(seen.length),
      onBatch: (batch) => {
        seen.push(...batch);
        batches.push(batch.length);
        return Promise.resolve();
      },
    });
    await new Promise((r) => setTimeout(r, 20));
    await store.appendToStream(stream, [newEvent()]);
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await running;
    expect(seen.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
    expect(batches).toEqual([2, 1, 1]);
    // Caught up once after the backlog and once after the live append.
    expect(caughtUpAfter).toEqual([3, 4]);

    const resumed: RecordedEvent[] = [];
    const again = new AbortController();
    const resuming = subscribeToAll(store, {
      after: seen[1]!.position,
      idleWaitMs: 10,
      signal: again.signal,
      onBatch: (batch) => {
        resumed.push(...batch);
        again.abort();
        return Promise.resolve();
      },
    });
    await resuming;
    expect(resumed.map((e) => e.revision)).toEqual([2, 3]);
  });

  it('looks again soon when an append it was woken for cannot be read yet', async () => {
    // As PostgresEventStore while an older transaction is still open: the append
    // has committed and woken the readers, but the log does not show it yet.
    class NotYetVisible extends InMemoryEventStore {
      hiddenUntil = 0;
      override readAll(...args: Parameters<InMemoryEventStore['readAll']>) {
        return Date.now() < this.hiddenUntil ? Promise.resolve([]) : super.readAll(...args);
      }
    }
    const store = new NotYetVisible();
    const controller = new AbortController();
    let delivered = 0;
    const running = subscribeToAll(store, {
      idleWaitMs: 30_000,
      signal: controller.signal,
      onBatch: () => {
        delivered = Date.now();
        controller.abort();
        return Promise.resolve();
      },
    });
    await new Promise((r) => setTimeout(r, 20));
    const appended = Date.now();
    store.hiddenUntil = appended + 50;
    await store.appendToStream(`street-s-${randomUUID()}`, [newEvent()]);
    await running;
    // Read within moments of becoming visible, not after the 30 s idle wait.
    expect(delivered - appended).toBeGreaterThanOrEqual(50);
    expect(delivered - appended).toBeLessThan(5_000);
  });

  it('stops on the first handler error so the caller restarts from its checkpoint', async () => {
    const store = new InMemoryEventStore();
    await store.appendToStream(`street-s-${randomUUID()}`, [newEvent()]);
    const running = subscribeToAll(store, {
      signal: new AbortController().signal,
      onBatch: () => Promise.reject(new Error('kafka down')),
    });
    await expect(running).rejects.toThrow('kafka down');
  });

  it('reads the next full batch while one is handled, never more than one ahead, in order', async () => {
    const store = new InMemoryEventStore();
    const stream = `street-s-${randomUUID()}`;
    await store.appendToStream(
      stream,
      Array.from({ length: 7 }, () => newEvent()),
    );
    let reads = 0;
    const readAll = store.readAll.bind(store);
    store.readAll = (options) => {
      reads++;
      return readAll(options);
    };
    const readsWhenHandled: number[] = [];
    const readsDuringHandling: number[] = [];
    const seen: number[] = [];
    const controller = new AbortController();
    const running = subscribeToAll(store, {
      batchSize: 3,
      idleWaitMs: 10_000,
      signal: controller.signal,
      onCaughtUp: () => controller.abort(),
      onBatch: async (batch) => {
        const before = reads;
        readsWhenHandled.push(reads);
        await new Promise((r) => setTimeout(r, 5));
        readsDuringHandling.push(reads - before);
        seen.push(...batch.map((e) => e.revision));
      },
    });
    await running;
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Batches of 3, 3, 1: a full batch is handled with the next read already
    // issued (reads 2 and 3), the short one without (still 3); none is issued while
    // a batch is handled, and the last read finds the log caught up.
    expect(readsWhenHandled).toEqual([2, 3, 3]);
    expect(readsDuringHandling).toEqual([0, 0, 0]);
    expect(reads).toBe(4);
  });
});
