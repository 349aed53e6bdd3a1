import type { EventMetadata } from '@gridline/contracts';
import { ConcurrencyConflictError, handleCommand } from './command-handling.js';
import { DomainError, type Decider } from './decider.js';
import {
  WrongExpectedVersionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
} from './event-store.js';
import { InMemoryEventStore } from './in-memory-event-store.js';

// A counter that refuses to go above a limit: enough to see load-fold-decide-append.
type Counted = { type: 'street.counter.incremented.v1'; data: { by: number } };
type Increment = { by: number; limit: number };
const counter: Decider<Increment, Counted, number> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.data.by,
  decide: (command, total) => {
    if (total + command.by > command.limit)
      throw new DomainError('over-limit', 'limit reached', { limit: command.limit });
    return command.by === 0
      ? []
      : [{ type: 'street.counter.incremented.v1', data: { by: command.by } }];
  },
};

const metadata: EventMetadata = {
  caseId: 'case-1',
  correlationId: 'c',
  causationId: 'c',
  actor: { id: 'tester', agency: 'street', kind: 'user' },
};

let ids = 0;
const envelope = (command: Increment) => ({
  streamId: 'street-counter-1',
  command,
  metadata,
  now: new Date('2026-01-01T00:00:00.000Z'),
  eventId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
});

/** Lets another writer append just before each of our first `n` appends. */
class InterferingStore implements EventStore {
  constructor(
    private readonly inner: InMemoryEventStore,
    private interferences: number,
  ) {}
  readStream(...args: Parameters<EventStore['readStream']>) {
    return this.inner.readStream(...args);
  }
  readAll(...args: Parameters<EventStore['readAll']>) {
    return this.inner.readAll(...args);
  }
  readCase(...args: Parameters<EventStore['readCase']>) {
    return this.inner.readCase(...args);
  }
  waitForAppend(...args: Parameters<EventStore['waitForAppend']>) {
    return this.inner.waitForAppend(...args);
  }
  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options?: { expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult> {
    if (this.interferences-- > 0)
      await this.inner.appendToStream(streamId, [
        { ...events[0]!, id: `ffffffff-0000-4000-8000-${String(++ids).padStart(12, '0')}` },
      ]);
    return this.inner.appendToStream(streamId, events, options);
  }
}

describe('handleCommand', () => {
  it('appends what the decider decided, stamped with the command time and metadata', async () => {
    const store = new InMemoryEventStore();
    const result = await handleCommand(store, counter, envelope({ by: 2, limit: 10 }));
    expect(result.nextExpectedRevision).toBe(0);
    const [stored] = await store.readStream('street-counter-1');
    expect(stored).toMatchObject({
      type: 'street.counter.incremented.v1',
      data: { by: 2 },
      metadata,
      occurredAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('decides on the folded state: a broken rule appends nothing', async () => {
    const store = new InMemoryEventStore();
    await handleCommand(store, counter, envelope({ by: 8, limit: 10 }));
    await expect(handleCommand(store, counter, envelope({ by: 3, limit: 10 }))).rejects.toThrow(
      DomainError,
    );
    expect(await store.readStream('street-counter-1')).toHaveLength(1);
  });

  it('retries on a concurrent write and decides again on the fresh state', async () => {
    const inner = new InMemoryEventStore();
    const store = new InterferingStore(inner, 2);
    await handleCommand(store, counter, envelope({ by: 1, limit: 10 }));
    // Two interfering writes + ours: the retry saw them all.
    expect(await inner.readStream('street-counter-1')).toHaveLength(3);
  });

  it('the fresh state can make the retried command fail on its rule', async () => {
    const inner = new InMemoryEventStore();
    const store = new InterferingStore(inner, 1);
    await expect(handleCommand(store, counter, envelope({ by: 1, limit: 1 }))).rejects.toThrow(
      DomainError,
    );
  });

  it('gives up with ConcurrencyConflictError after the bounded retries', async () => {
    const store = new InterferingStore(new InMemoryEventStore(), 100);
    const failure = handleCommand(store, counter, envelope({ by: 1, limit: 1000 }), {
      maxRetries: 2,
    });
    await expect(failure).rejects.toBeInstanceOf(ConcurrencyConflictError);
    await expect(failure).rejects.toMatchObject({ attempts: 3 });
  });

  it('no events decided means nothing appended', async () => {
    const store = new InMemoryEventStore();
    const result = await handleCommand(store, counter, envelope({ by: 0, limit: 1 }));
    expect(result).toMatchObject({ events: [], nextExpectedRevision: 'no_stream' });
    expect(await store.readStream('street-counter-1')).toEqual([]);
  });

  it('a typed conflict error carries what was expected and what was found', () => {
    const error = new WrongExpectedVersionError('s', 3, 5);
    expect(error.message).toBe('stream s: expected revision 3, actual 5');
  });

  describe('with the revision the caller decided on (If-Match)', () => {
    it('appends when the stream is still at that revision', async () => {
      const store = new InMemoryEventStore();
      await handleCommand(store, counter, envelope({ by: 1, limit: 10 }));
      const result = await handleCommand(store, counter, envelope({ by: 1, limit: 10 }), {
        ifRevision: 0,
      });
      expect(result.nextExpectedRevision).toBe(1);
    });

    it('refuses at once, deciding nothing, when the stream moved on', async () => {
      const store = new InMemoryEventStore();
      await handleCommand(store, counter, envelope({ by: 1, limit: 10 }));
      await handleCommand(store, counter, envelope({ by: 1, limit: 10 }));
      // Even a command its rule would refuse: the caller first sees what changed.
      await expect(
        handleCommand(store, counter, envelope({ by: 100, limit: 10 }), { ifRevision: 0 }),
      ).rejects.toMatchObject({ name: 'WrongExpectedVersionError', expected: 0, actual: 1 });
      expect(await store.readStream('street-counter-1')).toHaveLength(2);
    });

    it('does not retry a concurrent write onto the fresh state', async () => {
      const inner = new InMemoryEventStore();
      await handleCommand(inner, counter, envelope({ by: 1, limit: 10 }));
      const store = new InterferingStore(inner, 1);
      await expect(
        handleCommand(store, counter, envelope({ by: 1, limit: 10 }), { ifRevision: 0 }),
      ).rejects.toBeInstanceOf(ConcurrencyConflictError);
      expect(await inner.readStream('street-counter-1')).toHaveLength(2);
    });
  });
});
