import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '@gridline/contracts';
import {
  GENESIS_HASH,
  StreamOwnershipError,
  WrongExpectedVersionError,
  comparePositions,
  hashEvent,
  type EventStore,
  type IntegrityVerifiable,
  type NewEvent,
  type RecordedEvent,
} from '@gridline/eventsourcing';

export interface StoreUnderTest {
  /** A store that may write any stream. */
  readonly store: EventStore & IntegrityVerifiable;
  /** The same data, writable only by the street agency. */
  readonly streetWriter: EventStore;
}

const metadata = (caseId: string): EventMetadata => ({
  caseId,
  correlationId: caseId,
  causationId: caseId,
  actor: { id: 'contract-test', agency: 'street', kind: 'service' },
});

export function newEvent(type = 'street.test.happened.v1', data: unknown = { n: 1 }): NewEvent {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: metadata(randomUUID()),
    occurredAt: new Date('2026-01-02T03:04:05.000Z').toISOString(),
  };
}

/** Drains the global log after `after`, in batches, through the public port. */
export async function readWholeLog(store: EventStore, prefix: string): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  let after: RecordedEvent['position'] | undefined;
  for (;;) {
    const batch = await store.readAll({
      ...(after ? { after } : {}),
      maxCount: 100,
      streamPrefixes: [prefix],
    });
    if (batch.length === 0) return all;
    all.push(...batch);
    after = batch.at(-1)?.position;
  }
}

/**
 * Waits (bounded) until the global log shows the event `id` of a stream starting
 * with `prefix`. A store may hold an event back while an older transaction is
 * still running anywhere on its server (ADR 0004); other test files run
 * meanwhile, so a read straight after an append can briefly come back short.
 */
export async function untilInLog(store: EventStore, prefix: string, id: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await readWholeLog(store, prefix)).some((e) => e.id === id)) {
    if (Date.now() > deadline) throw new Error(`event ${id} never became readable in the log`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The behaviour every EventStore adapter must have. Each adapter's test file calls
 * this with a factory; stream names are unique per test so suites can share a database.
 */
export function eventStoreContract(name: string, open: () => Promise<StoreUnderTest>) {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore & IntegrityVerifiable;
    let streetWriter: EventStore;
    let stream: string;

    beforeAll(async () => {
      ({ store, streetWriter } = await open());
    });
    beforeEach(() => {
      stream = `street-contract-${randomUUID()}`;
    });

    it('appends to a new stream with no_stream and reads it back in order', async () => {
      const events = [newEvent(), newEvent(), newEvent()];
      const result = await store.appendToStream(stream, events, { expectedRevision: 'no_stream' });
      expect(result.nextExpectedRevision).toBe(2);
      const read = await store.readStream(stream);
      expect(read.map((e) => e.id)).toEqual(events.map((e) => e.id));
      expect(read.map((e) => e.revision)).toEqual([0, 1, 2]);
      expect(read[0]).toMatchObject({
        type: events[0]?.type,
        data: events[0]?.data,
        metadata: events[0]?.metadata,
        occurredAt: events[0]?.occurredAt,
        streamId: stream,
      });
    });

    it('rejects no_stream on an existing stream with a typed error', async () => {
      await store.appendToStream(stream, [newEvent()], { expectedRevision: 'no_stream' });
      await expect(
        store.appendToStream(stream, [newEvent()], { expectedRevision: 'no_stream' }),
      ).rejects.toMatchObject({ name: 'WrongExpectedVersionError', actual: 0 });
    });

    it('appends at an exact revision and rejects a stale one', async () => {
      await store.appendToStream(stream, [newEvent(), newEvent()]);
      await store.appendToStream(stream, [newEvent()], { expectedRevision: 1 });
      const stale = store.appendToStream(stream, [newEvent()], { expectedRevision: 1 });
      await expect(stale).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect(await store.readStream(stream)).toHaveLength(3);
    });

    it('requires an existing stream for stream_exists', async () => {
      await expect(
        store.appendToStream(stream, [newEvent()], { expectedRevision: 'stream_exists' }),
      ).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await store.appendToStream(stream, [newEvent()]);
      await store.appendToStream(stream, [newEvent()], { expectedRevision: 'stream_exists' });
      expect(await store.readStream(stream)).toHaveLength(2);
    });

    it('stores nothing twice when an append is retried with the same event ids', async () => {
      const events = [newEvent(), newEvent()];
      const first = await store.appendToStream(stream, events, { expectedRevision: 'no_stream' });
      const again = await store.appendToStream(stream, events, { expectedRevision: 'no_stream' });
      expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
      expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
      expect(await store.readStream(stream)).toHaveLength(2);
    });

    it('exactly one of many concurrent appends at the same revision wins', async () => {
      await store.appendToStream(stream, [newEvent()]);
      const attempts = await Promise.allSettled(
        Array.from({ length: 8 }, () =>
          store.appendToStream(stream, [newEvent()], { expectedRevision: 0 }),
        ),
      );
      expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      for (const failed of attempts.filter((a) => a.status === 'rejected'))
        expect(failed.reason).toBeInstanceOf(WrongExpectedVersionError);
      expect(await store.readStream(stream)).toHaveLength(2);
    });

    it('reads a stream backwards and from a revision', async () => {
      const events = Array.from({ length: 5 }, () => newEvent());
      await store.appendToStream(stream, events);
      const backwards = await store.readStream(stream, { direction: 'backwards', maxCount: 2 });
      expect(backwards.map((e) => e.revision)).toEqual([4, 3]);
      const fromThree = await store.readStream(stream, { fromRevision: 3 });
      expect(fromThree.map((e) => e.revision)).toEqual([3, 4]);
      const backFromOne = await store.readStream(stream, {
        direction: 'backwards',
        fromRevision: 1,
      });
      expect(backFromOne.map((e) => e.revision)).toEqual([1, 0]);
      expect(await store.readStream(`street-missing-${randomUUID()}`)).toEqual([]);
    });

    it('reads the global log in order, after a position, filtered by prefix', async () => {
      const prefix = `street-log-${randomUUID()}-`;
      const a = [newEvent(), newEvent()];
      const b = [newEvent()];
      await store.appendToStream(`${prefix}a`, a);
      await store.appendToStream(`${prefix}b`, b);
      await store.appendToStream(`street-other-${randomUUID()}`, [newEvent()]);
      await untilInLog(store, prefix, b[0]!.id);
      const log = await readWholeLog(store, prefix);
      expect(log.map((e) => e.id)).toEqual([...a, ...b].map((e) => e.id));
      for (let i = 1; i < log.length; i++)
        expect(comparePositions(log[i - 1]!.position, log[i]!.position)).toBeLessThan(0);
      const tail = await store.readAll({
        after: log[0]!.position,
        maxCount: 10,
        streamPrefixes: [prefix],
      });
      expect(tail.map((e) => e.id)).toEqual([a[1]!.id, b[0]!.id]);
    });

    it('reads the global log within an occurredAt range', async () => {
      const prefix = `street-range-${randomUUID()}-`;
      const at = (iso: string): NewEvent => ({ ...newEvent(), occurredAt: iso });
      const early = at('2026-01-01T00:00:00.000Z');
      const middle = at('2026-02-01T00:00:00.000Z');
      const late = at('2026-03-01T00:00:00.000Z');
      await store.appendToStream(`${prefix}a`, [early, middle, late]);
      await untilInLog(store, prefix, late.id);
      const read = await store.readAll({
        maxCount: 10,
        streamPrefixes: [prefix],
        occurredFrom: new Date('2026-02-01T00:00:00.000Z'),
        occurredUntil: new Date('2026-02-15T00:00:00.000Z'),
      });
      expect(read.map((e) => e.id)).toEqual([middle.id]);
      const fromOnly = await store.readAll({
        maxCount: 10,
        streamPrefixes: [prefix],
        occurredFrom: new Date('2026-01-15T00:00:00.000Z'),
      });
      expect(fromOnly.map((e) => e.id)).toEqual([middle.id, late.id]);
    });

    it("reads a case's events across streams in log order, optionally until a time", async () => {
      const caseId = randomUUID();
      const ofCase = (iso: string): NewEvent => ({
        ...newEvent(),
        metadata: metadata(caseId),
        occurredAt: iso,
      });
      const report = ofCase('2026-01-01T08:00:00.000Z');
      const opened = ofCase('2026-01-01T08:01:00.000Z');
      const later = ofCase('2026-01-03T10:00:00.000Z');
      await store.appendToStream(`street-issue-${randomUUID()}`, [report]);
      await store.appendToStream(`swc-case-${randomUUID()}`, [opened]);
      await store.appendToStream(`street-other-${randomUUID()}`, [newEvent()]);
      const lastStream = `drc-project-${randomUUID()}`;
      await store.appendToStream(lastStream, [later]);
      await untilInLog(store, lastStream, later.id);
      const all = await store.readCase(caseId);
      expect(all.map((e) => e.id)).toEqual([report.id, opened.id, later.id]);
      expect(all[1]).toMatchObject({ metadata: opened.metadata, occurredAt: opened.occurredAt });
      const until = await store.readCase(caseId, { until: new Date('2026-01-01T08:01:00.000Z') });
      expect(until.map((e) => e.id)).toEqual([report.id, opened.id]);
      expect(await store.readCase(randomUUID())).toEqual([]);
      // One agency's own streams only (references checked: assertCaseKnown), and the first n.
      const streets = await store.readCase(caseId, { streamPrefixes: ['street-'] });
      expect(streets.map((e) => e.id)).toEqual([report.id]);
      const own = await store.readCase(caseId, { streamPrefixes: ['swc-', 'drc-'], maxCount: 1 });
      expect(own.map((e) => e.id)).toEqual([opened.id]);
      expect(await store.readCase(caseId, { streamPrefixes: ['drc-inbox-'] })).toEqual([]);
    });

    it("refuses appends outside the writer agency's prefix", async () => {
      await expect(
        streetWriter.appendToStream(`swc-case-${randomUUID()}`, [newEvent()]),
      ).rejects.toBeInstanceOf(StreamOwnershipError);
      await streetWriter.appendToStream(stream, [newEvent()]);
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('chains each event to the one before it in its stream, across appends', async () => {
      // Keys out of order, nesting, non-ASCII text and fractions: what a store's
      // JSON type may normalise must not change the hash read back.
      const odd = { z: 1, a: { y: [3, 1.5, 'grid 网格 7'], b: null }, m: 0.1 + 0.2 };
      await store.appendToStream(stream, [newEvent(), newEvent('street.test.happened.v1', odd)]);
      await store.appendToStream(stream, [newEvent()]);
      const events = await store.readStream(stream);
      expect(events.map((e) => e.integrity?.previousHash)).toEqual([
        GENESIS_HASH,
        events[0]?.integrity?.hash,
        events[1]?.integrity?.hash,
      ]);
      for (const event of events)
        expect(hashEvent(event, event.integrity?.previousHash ?? '')).toBe(event.integrity?.hash);
      expect(new Set(events.map((e) => e.integrity?.hash)).size).toBe(3);
      const report = await store.verifyIntegrity({ streamId: stream });
      expect(report).toMatchObject({ intact: true, streams: 1, events: 3, brokenStreams: 0 });
      await untilInLog(store, stream, events[2]!.id);
      expect((await readWholeLog(store, stream))[2]?.integrity).toEqual(events[2]?.integrity);
    });

    it('wakes a waiting reader when an event is appended', async () => {
      const started = Date.now();
      const waiting = store.waitForAppend(10_000);
      await new Promise((r) => setTimeout(r, 50));
      await store.appendToStream(stream, [newEvent()]);
      await waiting;
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });
}
