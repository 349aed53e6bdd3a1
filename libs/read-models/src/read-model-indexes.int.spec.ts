import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { AGENCIES, type Agency } from '@gridline/contracts';
import { InMemoryEventStore, toEnvelope, type RecordedEvent } from '@gridline/eventsourcing';
import { appendScripted, vendorStory } from '@gridline/history';
import { freshReadModelSet, liveArrival, readModelContents, testInfra } from '@gridline/testing';
import { CaseTimelineProjection } from './case-timeline.projection.js';
import { readModelCollections, type CaseDocument } from './collections.js';
import type { WorkItemDocument } from './work-items.js';
import { WorkQueries, type WorkPrincipal } from './work-queries.js';
import { covers } from './postgres-case-index.js';
import { ReadModelIndexes } from './read-model-indexes.js';
import { CaseQueries, type CaseView, type Visibility } from './queries.js';
import { StatisticsQueries } from './statistics.queries.js';
import type { BucketUpdate } from './statistics.projection.js';
import {
  dropReadModelSet,
  ensureIndexes,
  prepareReadModelSet,
  rebuildReadModels,
} from './rebuild.js';

const set = freshReadModelSet('caseindex');
/** Half-way through the vendor story: drafts, assignments and a DRC warning open. */
const HALF_WAY = '2026-03-10T12:00:00.000Z';
let pool: pg.Pool;
let indexes: ReadModelIndexes;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: testInfra().databaseUrl, max: 4 });
  indexes = new ReadModelIndexes(pool, set.mongo.db.databaseName);
  await indexes.prepare(set.suffix);
});
afterAll(async () => {
  await indexes.drop(set.suffix);
  await pool.end();
});

/** A deterministic spread of case documents, with ties in `lastEventAt`. */
function caseDocuments(n: number, seed: number): CaseDocument[] {
  let x = seed;
  const next = () => (x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const t0 = Date.parse('2026-01-01T00:00:00.000Z');
  return Array.from({ length: n }, (_, i) => {
    const caseId = randomUUID();
    const agencies = AGENCIES.filter(() => next() < 0.6);
    const due = pick([null, -1, 1]);
    return {
      _id: caseId,
      caseId,
      status: pick(['reported', 'open', 'open', 'closed'] as const),
      ...(next() < 0.9 ? { category: pick(['street-vending', 'noise', '占道经营']) } : {}),
      ...(next() < 0.8 ? { riskLevel: pick(['blue', 'yellow', 'orange', 'red'] as const) } : {}),
      ...(next() < 0.8 ? { mode: pick(['routine', 'emergency'] as const) } : {}),
      ...(next() < 0.9
        ? {
            location: {
              street: pick(['Xinjiekou', 'Causeway', '新街口街道']),
              community: 'C-1',
              grid: pick(['G-01', 'G-02', 'G-03']),
            },
          }
        : {}),
      agencies: agencies.length > 0 ? agencies : ['swc'],
      nextDueAt: due === null ? null : new Date(t0 + due * 86_400_000 + i).toISOString(),
      // Five cases to each hour: the id breaks the ties.
      lastEventAt: new Date(t0 + Math.floor(i / 5) * 3_600_000).toISOString(),
      streams: { [`swc-case-${caseId}`]: Math.floor(next() * 5) },
    };
  });
}

/** Every page of a listing, following the cursors. */
async function walk(
  queries: CaseQueries,
  query: Record<string, string>,
  visibility: Visibility,
  now: Date,
): Promise<CaseView[]> {
  const seen: CaseView[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<CaseQueries['listCases']>> = await queries.listCases(
      { ...query, limit: '16', ...(cursor ? { cursor } : {}) },
      visibility,
      now,
    );
    seen.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return seen;
}

describe('the index tables in PostgreSQL (ADR 0007)', () => {
  it('answers every filter, visibility and page exactly as the collection does', async () => {
    const docs = caseDocuments(240, 7);
    await set.collections.cases.insertMany(docs.map((d) => structuredClone(d)));
    const index = indexes.cases(set.suffix);
    await index.write(docs, () => Promise.reject(new Error('no race here')));
    const fromCollection = new CaseQueries(set.collections);
    const fromIndex = new CaseQueries(set.collections, () => index);
    const now = new Date('2026-01-01T00:00:00.000Z');
    const queries: Record<string, string>[] = [
      {},
      { status: 'open' },
      { status: 'closed' },
      { street: 'Xinjiekou' },
      { street: '新街口街道' },
      { grid: 'G-02' },
      { riskLevel: 'red' },
      { mode: 'emergency' },
      { agency: 'drc' },
      { category: '占道经营' },
      { overdue: 'true' },
      { overdue: 'false' },
      { status: 'open', street: 'Causeway', overdue: 'true' },
      { street: 'nowhere' },
    ];
    const visibilities: Visibility[] = [
      { all: true },
      ...AGENCIES.map((agency: Agency) => ({ all: false as const, agency })),
    ];
    let compared = 0;
    for (const query of queries)
      for (const visibility of visibilities) {
        const expected = await walk(fromCollection, query, visibility, now);
        const actual = await walk(fromIndex, query, visibility, now);
        expect({ query, visibility, ids: actual.map((c) => c.caseId) }).toEqual({
          query,
          visibility,
          ids: expected.map((c) => c.caseId),
        });
        expect(actual).toEqual(expected);
        compared += expected.length;
      }
    // The comparisons were about something: most filters match cases.
    expect(compared).toBeGreaterThan(1_000);
    const sorted = await walk(fromIndex, {}, { all: true }, now);
    expect(sorted).toHaveLength(docs.length);
  });

  it('keeps the newest document when writers race, and re-reads one that lost to an incomparable write', async () => {
    const index = indexes.cases(set.suffix);
    const caseId = randomUUID();
    const base = caseDocuments(1, 11)[0] as CaseDocument;
    const doc = (streams: Record<string, number>, status: CaseDocument['status']) =>
      ({ ...base, _id: caseId, caseId, status, streams }) as CaseDocument;
    const noReread = () => Promise.reject(new Error('nothing to re-read'));
    await index.write([doc({ swc: 3, street: 5 }, 'open')], noReread);
    // Older on one stream: refused, and the row covers it — no re-read.
    await index.write([doc({ swc: 2, street: 5 }, 'reported')], noReread);
    expect((await index.get(caseId))?.status).toBe('open');
    // Newer on one stream, older on another: the collection's document holds both writes.
    const merged = doc({ swc: 3, street: 6, drc: 0 }, 'closed');
    const asked: string[][] = [];
    await index.write([doc({ swc: 2, street: 6, drc: 0 }, 'reported')], (ids: string[]) => {
      asked.push(ids);
      return Promise.resolve([merged]);
    });
    expect(asked).toEqual([[caseId]]);
    expect(await index.get(caseId)).toEqual(merged);
    expect(covers({ a: 1, b: 2 }, { a: 1 })).toBe(true);
    expect(covers({ a: 1 }, { a: 1, b: 0 })).toBe(false);
  });

  it('is written by the live projection and by a rebuild with the documents of the collections', async () => {
    const store = new InMemoryEventStore();
    for (let i = 0; i < 3; i++) await appendScripted(store, vendorStory());
    const log: RecordedEvent[] = [...(await store.readAll({ maxCount: 10_000 }))];
    const live = `${set.suffix}l`;
    const rebuilt = `${set.suffix}r`;
    const middle = `${set.suffix}m`;
    const older = `${set.suffix}o`;
    const db = set.mongo.db;
    const statistics = (suffix: string) =>
      new StatisticsQueries(readModelCollections(db, suffix), () => indexes.stats(suffix));
    try {
      await prepareReadModelSet(db, live, indexes);
      const projection = new CaseTimelineProjection(
        readModelCollections(db, live),
        store,
        indexes.of(live),
      );
      // Half event by event (gap repair on a free interleaving), half in batches.
      const arrival = liveArrival(log).map(toEnvelope);
      const half = Math.floor(arrival.length / 2);
      for (const e of arrival.slice(0, half)) await projection.apply(e);
      for (let i = half; i < arrival.length; i += 9)
        await projection.applyBatch(arrival.slice(i, i + 9));
      await rebuildReadModels({ db, store, suffix: rebuilt, indexes: indexes, batchSize: 13 });

      const liveContents = await readModelContents(db, live, indexes);
      const rebuiltContents = await readModelContents(db, rebuilt, indexes);
      expect((liveContents['cases'] as unknown[]).length).toBe(3);
      expect(liveContents['caseIndex']).toEqual(liveContents['cases']);
      expect(liveContents['workIndex']).toEqual(liveContents['workItems']);
      expect(rebuiltContents['caseIndex']).toEqual(liveContents['caseIndex']);
      expect(rebuiltContents['workIndex']).toEqual(liveContents['workIndex']);

      // A set that has no index yet gets one, filled from its case documents.
      // "My work" from the work index is what it is from the collection, for
      // everyone who has work in these stories half-way through (the drafts under
      // review, the assignments to accept or finish, the DRC's warning).
      await rebuildReadModels({ db, store, suffix: middle, indexes, until: new Date(HALF_WAY) });
      const items = (await readModelContents(db, middle))['workItems'] as WorkItemDocument[];
      const people: WorkPrincipal[] = [
        ...new Set(items.flatMap((w) => (w.queue ? [w.queue] : []))),
      ].map((queue) => {
        const [agency = '', role = ''] = queue.split(':');
        return { id: `someone-${role}`, agency, roles: [role] };
      });
      for (const w of items)
        if (w.principal) people.push({ id: w.principal, agency: w.agency, roles: [] });
      expect(people.length).toBeGreaterThanOrEqual(2);
      const at = new Date(HALF_WAY);
      const fromCollection = new WorkQueries(readModelCollections(db, middle));
      const fromIndex = new WorkQueries(readModelCollections(db, middle), () =>
        indexes.work(middle),
      );
      let open = 0;
      for (const person of people) {
        const expected = await fromCollection.forPrincipal(person, at);
        expect({ person, work: await fromIndex.forPrincipal(person, at) }).toEqual({
          person,
          work: expected,
        });
        open += expected.total;
      }
      expect(open).toBeGreaterThan(0);
      // The counts kept by the writes are a recount of the rows, in every set.
      for (const suffix of [live, rebuilt, middle]) {
        const { kept, counted } = await indexes.work(suffix).countsKeptAndCounted();
        expect({ suffix, kept }).toEqual({ suffix, kept: counted });
      }
      const { kept } = await indexes.work(middle).countsKeptAndCounted();
      expect(kept.length).toBeGreaterThan(0);

      // The statistics: kept in the tables by the live projection and by the
      // rebuild, and answered as a set whose collections keep them (an older
      // release's, or READ_MODEL_LISTS=mongodb) answers, for every range asked.
      await prepareReadModelSet(db, older);
      const onCollections = new CaseTimelineProjection(readModelCollections(db, older), store);
      for (const e of arrival.slice(0, half)) await onCollections.apply(e);
      for (let i = half; i < arrival.length; i += 9)
        await onCollections.applyBatch(arrival.slice(i, i + 9));
      const olderContents = await readModelContents(db, older);
      const buckets =
        (olderContents['streetStats'] as unknown[]).length +
        (olderContents['agencyStats'] as unknown[]).length;
      expect(buckets).toBeGreaterThan(2);
      expect(liveContents['streetStats']).toEqual([]); // in the tables instead
      expect(rebuiltContents['statistics']).toEqual(liveContents['statistics']);
      expect(rebuiltContents['statMarkers']).toEqual(liveContents['statMarkers']);
      const months = olderContents['streetStats'] as { month: string; street: string }[];
      const asked = [
        {},
        { from: months[0]?.month, to: months[0]?.month },
        { street: months.at(-1)?.street, from: '2026-01' },
        { agency: 'street', to: '2026-02' },
      ];
      const answers = async (q: StatisticsQueries) =>
        Promise.all(
          asked.map(async (range) => ({
            range,
            ratio721: 'agency' in range ? null : await q.ratio721(range),
            responseTimes: 'agency' in range ? null : await q.responseTimes(range),
            sla: 'street' in range ? null : await q.sla(range),
          })),
        );
      const expected = await answers(new StatisticsQueries(readModelCollections(db, older)));
      expect(expected[0]?.ratio721?.totals.steps).toBeGreaterThan(0);
      expect(expected[0]?.sla?.rows.length).toBeGreaterThan(0);
      for (const suffix of [live, rebuilt])
        expect({ suffix, answers: await answers(statistics(suffix)) }).toEqual({
          suffix,
          answers: expected,
        });

      // A set that has no index tables yet gets them: the case and work tables
      // filled from its documents, the statistics moved from its collections.
      const collections = readModelCollections(db, older);
      const works = (liveContents['workItems'] as unknown[]).length;
      expect(works).toBeGreaterThan(3);
      expect(await ensureIndexes(collections, indexes, older)).toEqual({
        stats: buckets,
        cases: 3,
        work: works,
        publicity: 0,
      });
      expect(await ensureIndexes(collections, indexes, older)).toEqual({});
      const moved = await readModelContents(db, older, indexes);
      expect(moved['caseIndex']).toEqual(liveContents['cases']);
      expect(moved['workIndex']).toEqual(liveContents['workItems']);
      expect(moved['statistics']).toEqual(liveContents['statistics']);
      expect(moved['statMarkers']).toEqual(liveContents['statMarkers']);
      expect(await answers(statistics(older))).toEqual(expected);
    } finally {
      for (const suffix of [live, rebuilt, middle, older])
        await dropReadModelSet(db, suffix, indexes);
    }
  });

  it('applies each statistics update once, whoever redelivers it and however writers overlap', async () => {
    const suffix = `${set.suffix}s`;
    const update = (n: number, marker: string): BucketUpdate => ({
      kind: 'street',
      id: `2026-0${1 + (n % 3)}|street-${n % 2}`,
      init: { street: `street-${n % 2}`, month: `2026-0${1 + (n % 3)}` },
      marker,
      inc: { service: 1, 'closure.count': 1, 'closure.sumMs': 1_000 * n },
      max: { 'closure.maxMs': 1_000 * n },
    });
    const updates = Array.from({ length: 60 }, (_, n) => update(n, `event-${n}`));
    try {
      await indexes.prepare(suffix);
      const stats = indexes.stats(suffix);
      // Overlapping batches from four writers at once, each redelivered, and a
      // marker twice in one batch.
      await Promise.all(
        [0, 15, 30, 45].map(async (from) => {
          const batch = updates.slice(from, from + 25);
          await stats.apply([...batch, ...batch.slice(0, 1)]);
          await stats.apply(batch);
        }),
      );
      const { buckets, markers } = await stats.all();
      expect(markers).toHaveLength(60);
      const expected = new Map<string, { service: number; sum: number; max: number }>();
      for (const [n, u] of updates.entries()) {
        const e = expected.get(u.id) ?? { service: 0, sum: 0, max: 0 };
        expected.set(u.id, {
          service: e.service + 1,
          sum: e.sum + 1_000 * n,
          max: Math.max(e.max, 1_000 * n),
        });
      }
      expect(
        buckets.map(({ doc }) => [
          doc._id,
          {
            service: doc['service'],
            sum: (doc['closure'] as { sumMs: number }).sumMs,
            max: (doc['closure'] as { maxMs: number }).maxMs,
          },
        ]),
      ).toEqual([...expected.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
    } finally {
      await indexes.drop(suffix);
    }
  });

  it('answers "my work" as the collection does past the limit, with exclusions, ties and personal work', async () => {
    const me = { id: 'officer-9', agency: 'street', roles: ['officer', 'legal-reviewer'] };
    const t0 = Date.parse('2026-05-01T00:00:00.000Z');
    let revision = 0;
    const item = (n: number, fields: Partial<WorkItemDocument>): WorkItemDocument => ({
      _id: `assignment:${String(n).padStart(4, '0')}-${randomUUID()}`,
      caseId: randomUUID(),
      streamId: `swc-case-${n}`,
      revision: revision++,
      agency: 'street',
      queue: 'street:officer',
      principal: null,
      notFor: [],
      kind: 'accept-assignment',
      label: 'lead assignment',
      // Ties in due and in since: the id decides.
      since: new Date(t0 + (n % 7) * 60_000).toISOString(),
      dueAt: n % 5 === 0 ? null : new Date(t0 + (n % 11) * 3_600_000).toISOString(),
      doneAt: null,
      memo: {},
      ...fields,
    });
    const docs = [
      ...Array.from({ length: 230 }, (_, n) => item(n, {})),
      ...Array.from({ length: 6 }, (_, n) =>
        item(300 + n, {
          queue: 'street:legal-reviewer',
          kind: 'legal-review',
          notFor: n < 3 ? [me.id] : [],
        }),
      ),
      item(400, { queue: null, principal: me.id, kind: 'revise-draft' }),
      item(401, { queue: null, principal: me.id, kind: 'revise-draft', agency: 'drc' }),
      item(402, { kind: null, doneAt: new Date(t0).toISOString() }),
      item(403, { queue: 'street:grid-worker' }),
    ];
    const collections = set.collections;
    await collections.workItems.insertMany(docs.map((d) => structuredClone(d)));
    const work = indexes.work(set.suffix);
    await work.write(docs);
    // A document again at its revision, and an older one: the rows and counts stay.
    await work.write([
      docs[0] as WorkItemDocument,
      { ...(docs[1] as WorkItemDocument), revision: -1, kind: null },
    ]);
    const at = new Date(t0 + 5 * 3_600_000);
    const expected = await new WorkQueries(collections).forPrincipal(me, at);
    const actual = await new WorkQueries(collections, () => work).forPrincipal(me, at);
    expect(expected.items).toHaveLength(200);
    expect(expected.total).toBe(230 + 3 + 1);
    expect(actual).toEqual(expected);
    const { kept, counted } = await work.countsKeptAndCounted();
    expect(kept).toEqual(counted);
  });

  it("makes again, empty, the tables of another release's layout (they are refilled from the collections)", async () => {
    const suffix = `${set.suffix}x`;
    try {
      expect(await indexes.prepare(suffix)).toEqual(['cases', 'work', 'stats', 'publicity']);
      expect(await indexes.prepare(suffix)).toEqual([]);
      const work = indexes.work(suffix);
      // As an older release left it: other columns, another layout.
      await pool.query(`DROP TABLE ${work.table}`);
      await pool.query(`CREATE TABLE ${work.table} (id text PRIMARY KEY, doc jsonb NOT NULL)`);
      await pool.query(`INSERT INTO ${work.counts} VALUES ('swc:coordinator', 'triage', 7)`);
      expect(await indexes.prepare(suffix)).toEqual(['work']);
      expect(await work.countsKeptAndCounted()).toEqual({ kept: [], counted: [] });
    } finally {
      await indexes.drop(suffix);
    }
  });

  it('refuses a table name made of anything but a set suffix and a database name', () => {
    expect(() => indexes.cases('; DROP TABLE x')).toThrow(/suffix/);
    expect(() => new ReadModelIndexes(pool, 'a"b').cases('')).toThrow(/database name/);
  });
});
