import { randomUUID } from 'node:crypto';
import { InMemoryEventStore } from '@gridline/eventsourcing';
import { appendScripted, vendorStory } from '@gridline/history';
import { readModelContents, testInfra } from '@gridline/testing';
import type { Db } from 'mongodb';
import { dropReadModelCollections } from './collections.js';
import { openMongo, type MongoHandle } from './mongo.js';
import { PastViewsBusyError, PointInTimeViews } from './point-in-time.js';
import { CaseQueries } from './queries.js';
import { rebuildReadModels } from './rebuild.js';
import { StatisticsQueries } from './statistics.queries.js';
import { ReadModelIndexes } from './read-model-indexes.js';
import pg from 'pg';

// A database of its own: the sets made here are the only ones in its registry.
let mongo: MongoHandle;
let db: Db;
const store = new InMemoryEventStore();
const full = `_full_${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  mongo = await openMongo(testInfra().mongoUrl);
  db = mongo.client.db(`gridline_pit_${randomUUID().slice(0, 8)}`);
  for (let i = 0; i < 2; i++) await appendScripted(store, vendorStory());
});
afterAll(async () => {
  await db.dropDatabase();
  await mongo.close();
});

describe('whole views as they stood at a past time', () => {
  it('shows the case list and the statistics as they were, with SLA states of that time', async () => {
    const views = new PointInTimeViews(db, store);
    const early = await views.at(new Date('2026-03-09T10:30:00Z'));
    const late = await views.at(new Date('2026-03-23T00:00:00Z'));

    const earlyCases = await new CaseQueries(early.collections).listCases(
      {},
      { all: true },
      early.at,
    );
    expect(earlyCases.items).toHaveLength(2);
    expect(earlyCases.items.every((c) => c.status === 'open')).toBe(true);
    // Both assignments were then still running, due on 12 March: on time.
    const slas = earlyCases.items.flatMap((c) => c.assignments.map((a) => a.sla));
    expect(slas.length).toBeGreaterThan(0);
    expect(slas.every((s) => s === 'on-time')).toBe(true);
    const lateCases = await new CaseQueries(late.collections).listCases({}, { all: true }, late.at);
    expect(lateCases.items.map((c) => c.status)).toEqual(['closed', 'closed']);
    // Filters and paging work on a past view as on the live one.
    const closedEarly = await new CaseQueries(early.collections).listCases(
      { status: 'closed' },
      { all: true },
      early.at,
    );
    expect(closedEarly.items).toEqual([]);

    // The street office reminded each vendor at 11:00 on 9 March: not yet at 10:30.
    const earlyMix = (await new StatisticsQueries(early.collections).ratio721({})).totals;
    const lateMix = (await new StatisticsQueries(late.collections).ratio721({})).totals;
    expect(earlyMix.steps).toBe(0);
    expect(lateMix.service).toBe(2);

    // Before the first report there was nothing.
    const before = await views.at(new Date('2026-03-01T00:00:00Z'));
    expect((await new CaseQueries(before.collections).listCases({})).items).toEqual([]);
  });

  it('a view as of after the last event equals a full rebuild', async () => {
    const views = new PointInTimeViews(db, store);
    const after = await views.at(new Date('2027-01-01T00:00:00Z'));
    await rebuildReadModels({ db, store, suffix: full });
    expect(await readModelContents(db, PointInTimeViews.suffixOf(after.at))).toEqual(
      await readModelContents(db, full),
    );
    await dropReadModelCollections(db, full);
  });

  it('makes each time once, shares it, and drops the least recently used beyond its limit', async () => {
    const views = new PointInTimeViews(db, store, { maxSets: 2 });
    const t1 = new Date('2026-03-09T12:00:00Z');
    const [a, b] = await Promise.all([views.at(t1), views.at(new Date(t1.getTime() + 300))]);
    expect(a).toBe(b); // one materialisation for two requests in the same second
    expect((await views.at(t1)).cached).toBe(true);

    await views.at(new Date('2026-03-15T00:00:00Z'));
    await views.at(new Date('2026-03-16T00:00:00Z'));
    await views.at(new Date('2026-03-17T00:00:00Z'));
    const names = (await db.listCollections().toArray()).map((c) => c.name);
    const sets = new Set(
      names.filter((n) => n.includes('_asof_')).map((n) => n.slice(n.indexOf('_asof_'))),
    );
    expect(sets.size).toBe(2);
    expect(sets.has(PointInTimeViews.suffixOf(t1))).toBe(false);
    expect((await views.at(t1)).cached).toBe(false); // made again when asked again
  });

  it('builds one past view at a time: another time is refused while it builds, a cached one is served', async () => {
    const views = new PointInTimeViews(db, store, { maxBuilding: 1 });
    const cachedAt = new Date('2026-03-10T00:00:00Z');
    await views.at(cachedAt);
    const building = views.at(new Date('2026-03-11T00:00:00Z'));
    // Once it is admitted (its registry lookup done); a build takes far longer than this wait.
    for (let i = 0; i < 1000 && views.busy() === 0; i++) await new Promise((r) => setTimeout(r, 1));
    expect(views.busy()).toBe(1);
    await expect(views.at(new Date('2026-03-12T00:00:00Z'))).rejects.toBeInstanceOf(
      PastViewsBusyError,
    );
    // The same time as the one being built shares it; a cached time is served.
    const [same, cached] = await Promise.all([
      views.at(new Date('2026-03-11T00:00:00.500Z')),
      views.at(cachedAt),
    ]);
    expect(same).toBe(await building);
    expect(cached.cached).toBe(true);
    // Once it is built, the next time may be.
    expect((await views.at(new Date('2026-03-12T00:00:00Z'))).cached).toBe(false);
  });

  it('keeps a past view in the PostgreSQL tables too, answers from them as from the collections, and drops them with the set', async () => {
    const pool = new pg.Pool({ connectionString: testInfra().databaseUrl, max: 2 });
    try {
      const indexes = new ReadModelIndexes(pool, db.databaseName);
      const withTables = new PointInTimeViews(db, store, { indexes, maxSets: 1 });
      const onCollections = new PointInTimeViews(db, store);
      const at = new Date('2026-03-12T06:00:00Z');
      // Made by an earlier release, without the tables: made again, with them.
      expect((await onCollections.at(at)).tables).toBeUndefined();
      const a = await withTables.at(at);
      expect(a.cached).toBe(false);
      expect((await withTables.at(at)).cached).toBe(true);
      const tables = a.tables as NonNullable<typeof a.tables>;
      expect(tables).toBeDefined();
      const fromTables = {
        cases: new CaseQueries(a.collections, () => tables.cases),
        stats: new StatisticsQueries(a.collections, () => tables.stats),
      };
      const fromCollections = {
        cases: new CaseQueries(a.collections),
        stats: new StatisticsQueries(a.collections),
      };
      for (const query of [{}, { status: 'open' }, { limit: '1' }])
        expect(await fromTables.cases.listCases(query, { all: true }, a.at)).toEqual(
          await fromCollections.cases.listCases(query, { all: true }, a.at),
        );
      // The statistics are in the tables, not the collections: the two differ.
      const mix = (await fromTables.stats.ratio721({})).totals;
      expect(mix.service).toBe(2);
      expect((await fromCollections.stats.ratio721({})).totals.steps).toBe(0);
      // Beyond its one set, the set and its tables go.
      await withTables.at(new Date('2026-03-20T00:00:00Z'));
      const { rows } = await pool.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [
        tables.cases.table,
      ]);
      expect(rows[0]?.t).toBeNull();
    } finally {
      await pool.end();
    }
  });
});
