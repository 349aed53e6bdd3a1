import { randomUUID } from 'node:crypto';
import { REFERENCE_DATA_EVENT_TYPES, type EventMetadata } from '@gridline/contracts';
import { InMemoryEventStore, toEnvelope, type RecordedEvent } from '@gridline/eventsourcing';
import { appendScripted, generatedHistory } from '@gridline/history';
import { liveArrival, readModelContents, testInfra } from '@gridline/testing';
import { CaseTimelineProjection } from './case-timeline.projection.js';
import {
  dropReadModelCollections,
  ensureReadModelIndexes,
  readModelCollections,
} from './collections.js';
import { openMongo, type MongoHandle } from './mongo.js';
import { ReadModelIndexes } from './read-model-indexes.js';
import { StatisticsQueries } from './statistics.queries.js';
import { PublicityQueries } from './queries.js';
import { prepareReadModelSet, rebuildReadModels } from './rebuild.js';
import pg from 'pg';

let mongo: MongoHandle;
let pool: pg.Pool;
let indexes: ReadModelIndexes;
const run = randomUUID().slice(0, 8);
const suffixes: string[] = [];
/** The sets made with the PostgreSQL tables (their suffixes are table names too). */
const withTables: string[] = [];
const suffix = (name: string) => {
  const s = `_${name}_${run}`;
  suffixes.push(s);
  return s;
};

beforeAll(async () => {
  mongo = await openMongo(testInfra().mongoUrl);
  pool = new pg.Pool({ connectionString: testInfra().databaseUrl, max: 4 });
  indexes = new ReadModelIndexes(pool, mongo.db.databaseName);
});
afterAll(async () => {
  for (const s of suffixes) await dropReadModelCollections(mongo.db, s);
  for (const s of withTables) await indexes.drop(s);
  await pool.end();
  await mongo.close();
});

const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const place = (street: string) => ({
  street,
  community: 'Zhaodengyu',
  grid: 'G-0312',
  description: 'market lane',
});

/**
 * The enforcement side the generated vendor stories lack: one subject with a
 * reminder, a warning and two penalties (repeats) over two cases (one step stream
 * carries both), publicity, an erasure between the two publications, a
 * retraction and an appeal that changes a penalty.
 */
async function enforcementHistory(store: InMemoryEventStore): Promise<void> {
  // Two cases of one subject: its step stream carries both.
  const cases = [randomUUID(), randomUUID()];
  let caseId = cases[0]!;
  const subjectId = randomUUID();
  const meta = (): EventMetadata => ({
    caseId,
    correlationId: caseId,
    causationId: caseId,
    actor: { id: 'officer-5', agency: 'street', kind: 'user' },
  });
  const write = (streamId: string, type: string, at: number, data: Record<string, unknown>) =>
    store.appendToStream(streamId, [
      { id: randomUUID(), type, metadata: meta(), occurredAt: iso(at), data: { caseId, ...data } },
    ]);
  const t = Date.parse('2026-02-02T09:00:00.000Z');
  const street = 'Shichahai';
  const steps = `street-enforcement-${subjectId}-vending`;
  const step = {
    subjectId,
    category: 'vending',
    place: place(street),
    issuedBy: { staffId: 'officer-5', officerId: 'officer-5' },
    evidence: [],
  };
  await write(steps, 'street.enforcement.reminder-issued.v1', t, step);
  caseId = cases[1]!;
  await write(steps, 'street.enforcement.warning-issued.v1', t + 40 * 24 * H, step);
  const penalty = { circumstance: 'repeat', amountYuan: 500 };
  const decisions = [randomUUID(), randomUUID()];
  for (const [i, decisionId] of decisions.entries()) {
    const at = t + (60 + i * 30) * 24 * H;
    const d = (type: string, offset: number, data: Record<string, unknown>) =>
      write(`street-decision-${decisionId}`, type, at + offset, { decisionId, ...data });
    await d('street.decision.penalty-proposed.v1', 0, {
      subjectId,
      category: 'vending',
      penalty,
      checkedAgainst: { version: 1, minYuan: 200, maxYuan: 2000 },
      evidence: [{ place: place(street) }],
    });
    await d('street.decision.issued.v1', H, { penalty, standardVersion: 1, issuedAt: iso(at + H) });
    await d('street.decision.published.v1', 2 * H, {
      subjectLabel: 'Individual W**',
      category: 'vending',
      penalty,
      standardVersion: 1,
      issuedAt: iso(at + H),
      publishedAt: iso(at + 2 * H),
    });
    if (i === 0)
      await write(`street-subject-${subjectId}`, 'street.subject.erased.v1', at + 3 * H, {
        subjectId,
        erasedBy: 'admin-1',
        erasedAt: iso(at + 3 * H),
      });
  }
  await write(
    `street-decision-${decisions[0]}`,
    'street.decision.publicity-retracted.v1',
    t + 100 * 24 * H,
    { decisionId: decisions[0], reason: 'revoked on appeal', retractedAt: iso(t + 100 * 24 * H) },
  );
  await write(
    `street-decision-${decisions[1]}`,
    'street.decision.appeal-decided.v1',
    t + 120 * 24 * H,
    {
      decisionId: decisions[1],
      outcome: 'changed',
      penalty: { circumstance: 'first-offence', amountYuan: 200 },
    },
  );
}

async function liveProjection(name: string, store: InMemoryEventStore, events: RecordedEvent[]) {
  const s = suffix(name);
  const collections = readModelCollections(mongo.db, s);
  await ensureReadModelIndexes(collections);
  const projection = new CaseTimelineProjection(collections, store);
  for (const e of events) await projection.apply(toEnvelope(e));
  return s;
}

describe('the rebuild folds in memory and writes in bulk, with the live projection’s results', () => {
  it('gives the same documents as the per-event projection, across flushes and a small case cache', async () => {
    const store = new InMemoryEventStore();
    for (const scripted of generatedHistory({ seed: 11, events: 400 }))
      await appendScripted(store, scripted);
    await enforcementHistory(store);
    const log = [...(await store.readAll({ maxCount: 100_000 }))];

    const live = await liveProjection('live', store, liveArrival(log));
    const rebuilt = suffix('bulk');
    const done = await rebuildReadModels({
      db: mongo.db,
      store,
      suffix: rebuilt,
      batchSize: 37,
      // Several flushes, and case documents dropped from memory and read back between them.
      flushEvery: 100,
      maxCachedCases: 3,
    });
    expect(done.processed).toBe(log.length);

    const [a, b] = [
      await readModelContents(mongo.db, live),
      await readModelContents(mongo.db, rebuilt),
    ];
    for (const key of Object.keys(a)) expect({ [key]: b[key] }).toEqual({ [key]: a[key] });
    expect((a['cases'] as unknown[]).length).toBeGreaterThan(15);
    expect(a['publicity']).toHaveLength(2);
    expect(a['publicity']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subjectLabel: '(erased data subject)', retracted: true }),
        expect.objectContaining({ subjectLabel: '(erased data subject)', amountYuan: 200 }),
      ]),
    );
    const buckets = b['streetStats'] as { repeats?: number }[];
    expect(buckets.reduce((n, x) => n + (x.repeats ?? 0), 0)).toBe(3);
  });

  it('with the PostgreSQL tables (ADR 0007): the same figures and feed, live and rebuilt, as on the collections', async () => {
    const store = new InMemoryEventStore();
    for (const scripted of generatedHistory({ seed: 13, events: 300 }))
      await appendScripted(store, scripted);
    await enforcementHistory(store);
    const log = [...(await store.readAll({ maxCount: 100_000 }))];
    const onCollections = await liveProjection('coll', store, liveArrival(log));
    const live = suffix('tables');
    withTables.push(live);
    await prepareReadModelSet(mongo.db, live, indexes);
    const projection = new CaseTimelineProjection(
      readModelCollections(mongo.db, live),
      store,
      indexes.of(live),
    );
    const arrival = liveArrival(log).map(toEnvelope);
    for (let i = 0; i < arrival.length; i += 11)
      await projection.applyBatch(arrival.slice(i, i + 11));
    const rebuilt = suffix('tablesbulk');
    withTables.push(rebuilt);
    await rebuildReadModels({ db: mongo.db, store, suffix: rebuilt, indexes, batchSize: 41 });

    const [a, b] = [
      await readModelContents(mongo.db, live, indexes),
      await readModelContents(mongo.db, rebuilt, indexes),
    ];
    for (const key of Object.keys(a)) expect({ [key]: b[key] }).toEqual({ [key]: a[key] });
    // The feed's table holds the collection's entries: published, erased, retracted, changed.
    expect(a['publicityIndex']).toEqual(a['publicity']);
    expect(a['publicity']).toHaveLength(2);
    // What the statistics and the feed answer, from the tables, is what they answer
    // from the collections of a set projected without them.
    const reference = readModelCollections(mongo.db, onCollections);
    const asked = [{}, { from: '2026-02', to: '2026-05' }];
    for (const [suffixed, fromTables] of [
      [live, true],
      [rebuilt, true],
      [onCollections, false],
    ] as const) {
      const collections = readModelCollections(mongo.db, suffixed);
      const stats = fromTables
        ? new StatisticsQueries(collections, () => indexes.stats(suffixed))
        : new StatisticsQueries(collections);
      const feed = fromTables
        ? new PublicityQueries(collections, () => indexes.publicity(suffixed))
        : new PublicityQueries(collections);
      for (const range of asked) {
        expect(await stats.ratio721(range)).toEqual(
          await new StatisticsQueries(reference).ratio721(range),
        );
        expect(await stats.responseTimes(range)).toEqual(
          await new StatisticsQueries(reference).responseTimes(range),
        );
        expect(await stats.sla(range)).toEqual(await new StatisticsQueries(reference).sla(range));
      }
      for (const query of [
        {},
        { includeRetracted: 'true' },
        { includeRetracted: 'true', limit: '1' },
      ])
        expect(await feed.list(query)).toEqual(await new PublicityQueries(reference).list(query));
    }
    const all = await new StatisticsQueries(reference).ratio721({});
    expect(all.totals.steps).toBeGreaterThan(0);
    expect(all.totals.repeats).toBeGreaterThan(0);
  });

  it('hands the set to live writers after its last bulk write and finishes the log one event at a time', async () => {
    const store = new InMemoryEventStore();
    const cases = [...generatedHistory({ seed: 12, events: 150 })];
    const [late, ...early] = cases;
    for (const scripted of early) await appendScripted(store, scripted);
    const rebuilt = suffix('tail');
    const collections = readModelCollections(mongo.db, rebuilt);
    let handedOver = false;
    await rebuildReadModels({
      db: mongo.db,
      store,
      suffix: rebuilt,
      batchSize: 50,
      onBulkDone: async () => {
        handedOver = true;
        // As the live projector does from now on: events appended meanwhile reach the set
        // through it (half of them here) and through the rebuild's tail (all of them).
        const live = new CaseTimelineProjection(collections, store);
        const before = (await store.readAll({ maxCount: 100_000 })).length;
        await appendScripted(store, late!);
        const added = (await store.readAll({ maxCount: 100_000 })).slice(before);
        for (const e of added.slice(0, Math.ceil(added.length / 2)))
          await live.apply(toEnvelope(e));
      },
    });
    expect(handedOver).toBe(true);

    const fresh = suffix('fresh');
    await rebuildReadModels({ db: mongo.db, store, suffix: fresh });
    const [a, b] = [
      await readModelContents(mongo.db, fresh),
      await readModelContents(mongo.db, rebuilt),
    ];
    for (const key of Object.keys(a)) expect({ [key]: b[key] }).toEqual({ [key]: a[key] });
    expect((b['cases'] as { _id: string }[]).map((c) => c._id)).toContain(late!.caseId);
  });
});

describe('the live projector applies a batch at a time, with the per-event results', () => {
  async function history(seed: number) {
    const store = new InMemoryEventStore();
    for (const scripted of generatedHistory({ seed, events: 300 }))
      await appendScripted(store, scripted);
    await enforcementHistory(store);
    return { store, log: [...(await store.readAll({ maxCount: 100_000 }))] };
  }

  /** Consecutive slices of 1, 2, 3, ... 60, 1, 2, ... events: batches as fetches bring them. */
  function batches<T>(items: readonly T[]): T[][] {
    const out: T[][] = [];
    for (let i = 0, size = 1; i < items.length; i += size, size = (size % 60) + 1)
      out.push(items.slice(i, i + size));
    return out;
  }

  it('gives the same documents as one event at a time, whatever the batch sizes, duplicates and gaps', async () => {
    const { store, log } = await history(21);
    const arrival = liveArrival(log);
    const live = await liveProjection('one-by-one', store, arrival);
    const batched = suffix('batched');
    const collections = readModelCollections(mongo.db, batched);
    await ensureReadModelIndexes(collections);
    const projection = new CaseTimelineProjection(collections, store);
    let applied = 0;
    for (const batch of batches(arrival))
      applied += (await projection.applyBatch(batch.map(toEnvelope))).applied;
    // Each event once: the duplicates liveArrival sends were recognised as such.
    expect(applied).toBe(log.filter((e) => !REFERENCE_DATA_EVENT_TYPES.has(e.type)).length);

    const [a, b] = [
      await readModelContents(mongo.db, live),
      await readModelContents(mongo.db, batched),
    ];
    for (const key of Object.keys(a)) expect({ [key]: b[key] }).toEqual({ [key]: a[key] });
    expect((a['cases'] as unknown[]).length).toBeGreaterThan(10);
  });

  it('settles a batch another writer applied between its reads and its writes (a rebalance)', async () => {
    const { store, log } = await history(22);
    const once = await liveProjection('once', store, log);
    const twice = suffix('twice');
    const collections = readModelCollections(mongo.db, twice);
    await ensureReadModelIndexes(collections);
    const other = new CaseTimelineProjection(collections, store);
    for (const batch of batches(log.map(toEnvelope))) {
      // The late writer reads the cases, then waits at its first write while the
      // other applies the whole batch: new cases then collide on insert, the
      // others on their revision guards, and the late writer goes event by event.
      let reached: () => void = () => undefined;
      let release: () => void = () => undefined;
      const atFirstWrite = new Promise<void>((resolve) => (reached = resolve));
      const gate = new Promise<void>((resolve) => (release = resolve));
      const late = new CaseTimelineProjection(
        { ...collections, timeline: gatedInserts(collections.timeline, reached, gate) },
        store,
      );
      const lateDone = late.applyBatch(batch);
      await Promise.race([atFirstWrite, lateDone]);
      await other.applyBatch(batch);
      release();
      await lateDone;
    }

    const [a, b] = [
      await readModelContents(mongo.db, once),
      await readModelContents(mongo.db, twice),
    ];
    for (const key of Object.keys(a)) expect({ [key]: b[key] }).toEqual({ [key]: a[key] });
  });
});

/** The collection, whose `insertMany` says it was called and then waits for `gate`. */
function gatedInserts<T extends object>(
  collection: T,
  reached: () => void,
  gate: Promise<void>,
): T {
  return new Proxy(collection, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (key !== 'insertMany') return method.bind(target);
      return async (...args: unknown[]) => {
        reached();
        await gate;
        return method.apply(target, args);
      };
    },
  });
}
