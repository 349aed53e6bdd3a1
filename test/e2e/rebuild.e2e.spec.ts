import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { ReadModelIndexes, openMongo, rebuildReadModels } from '@gridline/read-models';
import { openPostgresStore } from '@gridline/store-postgres';
import {
  client,
  createTestIdentity,
  eventually,
  readModelContents,
  startApps,
  stopApps,
  type AppName,
  testInfra,
  type RunningApp,
} from '@gridline/testing';

const root = path.resolve(import.meta.dirname, '..', '..');

/** The analysts' CLI (scripts/gridline.mjs), run as a user would. */
async function gridline(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['scripts/gridline.mjs', ...args],
      { cwd: root, env: { ...process.env, ...env }, timeout: 120_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * Blue/green rebuild across the processes: the read models are rebuilt from the
 * event store into a new collection set while the gateway keeps serving, readers
 * switch over, and afterwards the views are what they were and keep following
 * new events.
 */
describe('history over HTTP: blue/green rebuild, import, whole views at a past time', () => {
  let apps: Map<AppName, RunningApp> | undefined;
  const identity = createTestIdentity();
  const url = (name: AppName) => apps?.get(name)?.url ?? '';

  // A store and read models of their own: the rebuild replays exactly this test's history.
  const database = `gridline_rebuild_${randomUUID().slice(0, 8)}`;
  // The store an export of it is imported into, and that store's rebuilt read models.
  const copy = `${database}_copy`;
  const urlOf = (base: string, name: string) => {
    const url = new URL(base);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const serverAdmin = () => new pg.Client({ connectionString: testInfra().databaseUrl });

  let startedAt: Date;

  beforeAll(async () => {
    startedAt = new Date();
    const db = serverAdmin();
    await db.connect();
    await db.query(`CREATE DATABASE ${database}`);
    await db.end();
    const storeUrl = new URL(testInfra().databaseUrl);
    storeUrl.pathname = `/${database}`;
    const mongoUrl = new URL(testInfra().mongoUrl);
    mongoUrl.pathname = `/${database}`;
    apps = await startApps(identity, {
      basePort: 14000,
      env: {
        DATABASE_URL: storeUrl.toString(),
        MONGO_URL: mongoUrl.toString(),
        KAFKA_NAMESPACE: database.replace(/_/g, '-'),
      },
    });
  });
  afterAll(async () => {
    await stopApps(apps);
    const db = serverAdmin();
    await db.connect();
    await db.query(`DROP DATABASE IF EXISTS ${database}`);
    await db.query(`DROP DATABASE IF EXISTS ${copy}`);
    await db.end();
    for (const name of [database, copy]) {
      const mongo = await openMongo(urlOf(testInfra().mongoUrl, name));
      await mongo.db.dropDatabase();
      await mongo.close();
    }
  });

  it('rebuilds while serving, switches readers, and the views are unchanged', async () => {
    const worker = client(
      url('street-service'),
      await identity.token({ sub: 'w', agency: 'street', roles: ['grid-worker'] }),
    );
    const coordinator = client(
      url('swc-service'),
      await identity.token({ sub: 'c', agency: 'swc', roles: ['coordinator'] }),
    );
    const admin = client(
      url('gateway'),
      await identity.token({ sub: 'a', agency: 'swc', roles: ['admin'] }),
    );
    const analyst = client(
      url('gateway'),
      await identity.token({ sub: 'an', agency: 'swc', roles: ['analyst'] }),
    );
    const report = async (n: number) => {
      const r = await worker.post<{ caseId: string }>('/api/issues', {
        category: 'road-damage',
        severity: 'medium',
        location: {
          street: 'Zhanlanlu',
          community: 'Baiwanzhuang',
          grid: 'G-0505',
          description: `pothole ${n}`,
        },
        description: `Pothole number ${n}`,
      });
      expect(r.status).toBe(201);
      return r.body.caseId;
    };
    const caseIds = [await report(1), await report(2)];
    for (const caseId of caseIds) {
      await eventually(
        async () =>
          (await coordinator.get(`/api/cases/${caseId}`)).status === 200 ? true : undefined,
        60_000,
      );
      await coordinator.post(`/api/cases/${caseId}/triage`, {
        riskLevel: 'yellow',
        category: 'road-damage',
        leadAgency: 'street',
        coHandlers: [],
      });
    }
    const views = async () =>
      Promise.all(
        caseIds.map(async (id) => ({
          case: (await admin.get(`/api/cases/${id}`)).body,
          timeline: (
            await admin.get<{ entries: { eventId: string }[] }>(`/api/cases/${id}/timeline`)
          ).body.entries.map((e) => e.eventId),
        })),
      );
    // Wait for quiet: every reaction projected, two looks a moment apart alike.
    const before = await eventually(
      async () => {
        const first = await views();
        await new Promise((r) => setTimeout(r, 1_500));
        const second = await views();
        const complete = second.every((x) => x.timeline.length >= 5); // … and the inbox receipt
        return complete && JSON.stringify(first) === JSON.stringify(second) ? second : undefined;
      },
      60_000,
      'quiet read models',
    );

    expect((await analyst.post('/api/admin/rebuilds')).status).toBe(403);
    const start = await admin.get<{ live: string }>('/api/admin/rebuilds');
    expect((await admin.post('/api/admin/rebuilds')).status).toBe(202);
    expect((await admin.post('/api/admin/rebuilds')).status).toBe(409);
    const done = await eventually(
      async () => {
        const s = await analyst.get<{
          live: string;
          rebuild: { state: string; processed: number; total: number; eventsPerSecond: number };
        }>('/api/admin/rebuilds');
        return s.body.rebuild.state === 'completed' && s.body.live !== start.body.live
          ? s.body
          : undefined;
      },
      120_000,
      'the rebuild completed and readers switched',
    );
    expect(done.rebuild.processed).toBeGreaterThanOrEqual(done.rebuild.total);
    expect(done.live).toMatch(/^_v\d+$/);

    expect(await views()).toEqual(before);
    // The new set follows live events.
    const later = await report(3);
    await eventually(
      async () => {
        const r = await admin.get<{ entries: unknown[] }>(`/api/cases/${later}/timeline`);
        return r.status === 200 && r.body.entries.length >= 2 ? true : undefined;
      },
      60_000,
      'a new case on the rebuilt set',
    );
  });

  it('an export imported into an empty store rebuilds to the same read models; the CLI rebuilds with progress', async () => {
    const admin = await identity.token({ sub: 'a', agency: 'swc', roles: ['admin'] });
    const gateway = client(url('gateway'), admin);
    const liveSet = async () =>
      (await gateway.get<{ live: string }>('/api/admin/rebuilds')).body.live;
    const mongo = await openMongo(urlOf(testInfra().mongoUrl, database));
    const copyMongo = await openMongo(urlOf(testInfra().mongoUrl, copy));
    const livePool = new pg.Pool({
      connectionString: urlOf(testInfra().databaseUrl, database),
      max: 2,
    });
    // Each set's case index too (ADR 0007), in the PostgreSQL database beside it.
    const indexes = new Map<unknown, ReadModelIndexes>([
      [mongo.db, new ReadModelIndexes(livePool, mongo.db.databaseName)],
    ]);
    const live = (db: typeof mongo.db, suffix: string) =>
      readModelContents(db, suffix, indexes.get(db));
    try {
      // Quiet: every reaction of the first test projected, two looks alike.
      const before = await eventually(
        async () => {
          const first = await live(mongo.db, await liveSet());
          await new Promise((r) => setTimeout(r, 1_500));
          const second = await live(mongo.db, await liveSet());
          return JSON.stringify(first) === JSON.stringify(second) ? second : undefined;
        },
        60_000,
        'quiet read models',
      );
      expect((before['cases'] as unknown[]).length).toBe(3);

      // Export the whole store with the CLI, import it into an empty one.
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'gridline-export-')), 'all.ndjson');
      const source = { DATABASE_URL: urlOf(testInfra().databaseUrl, database) };
      const exported = await gridline(
        ['export', '--from', '2000-01-01T00:00:00Z', '--to', '2100-01-01T00:00:00Z', '--out', file],
        source,
      );
      expect(exported.stderr).toMatch(/exported \d+ events/);
      expect(exported.code).toBe(0);
      const db = serverAdmin();
      await db.connect();
      await db.query(`CREATE DATABASE ${copy}`);
      await db.end();
      const target = { DATABASE_URL: urlOf(testInfra().databaseUrl, copy) };
      const imported = await gridline(['import', file], target);
      expect(imported.stderr).toMatch(/imported \d+ events/);
      expect(imported.code).toBe(0);
      // A second import into the now non-empty store is refused, and changes nothing.
      const again = await gridline(['import', file], target);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/not empty/);

      // Rebuild the imported store's read models: the same as the live ones.
      const store = await openPostgresStore(target.DATABASE_URL, { poolSize: 2 });
      let rebuilt: Record<string, unknown>;
      const copyIndexes = new ReadModelIndexes(store.pool, copyMongo.db.databaseName);
      indexes.set(copyMongo.db, copyIndexes);
      try {
        await rebuildReadModels({
          db: copyMongo.db,
          store: store.store,
          suffix: '',
          indexes: copyIndexes,
        });
        rebuilt = await live(copyMongo.db, '');
      } finally {
        await store.close();
      }
      expect(Object.keys(rebuilt)).toEqual(Object.keys(before));
      for (const key of Object.keys(before))
        expect({ [key]: rebuilt[key] }).toEqual({ [key]: before[key] });

      // The CLI asks the gateway for a blue/green rebuild and follows it to the end.
      const previous = await liveSet();
      const cli = await gridline(['rebuild', '--gateway', url('gateway'), '--poll-ms', '200'], {
        GRIDLINE_TOKEN: admin,
      });
      expect(cli.stderr).toMatch(/rebuilt \d+ events into read-model set _v\d+/);
      expect(cli.code).toBe(0);
      const status = JSON.parse(cli.stdout) as { live: string; rebuild: { state: string } };
      expect(status.rebuild.state).toBe('completed');
      expect(status.live).not.toBe(previous);
      expect(await live(mongo.db, status.live)).toEqual(before);
      // Without a token, or with a non-admin one, the CLI says why.
      expect((await gridline(['rebuild', '--gateway', url('gateway')], {})).code).toBe(2);
      const analyst = await identity.token({ sub: 'an', agency: 'swc', roles: ['analyst'] });
      const refused = await gridline(['rebuild', '--gateway', url('gateway')], {
        GRIDLINE_TOKEN: analyst,
      });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/admin role/);
    } finally {
      await mongo.close();
      await copyMongo.close();
      await livePool.end();
    }
  }, 240_000);

  it('time travel over whole views: the case list and statistics as they stood then', async () => {
    const analyst = client(
      url('gateway'),
      await identity.token({ sub: 'an', agency: 'swc', roles: ['analyst'] }),
    );
    const street = client(
      url('gateway'),
      await identity.token({ sub: 'w', agency: 'street', roles: ['grid-worker'] }),
    );
    type Page = { items: { caseId: string; status: string }[] };
    const beforeAny = await analyst.get<Page>(`/api/cases?asOf=${startedAt.toISOString()}`);
    expect(beforeAny.status).toBe(200);
    expect(beforeAny.body.items).toEqual([]);
    expect(beforeAny.headers.get('x-gridline-as-of')).toBe(
      new Date(Math.floor(startedAt.getTime() / 1000) * 1000 + 999).toISOString(),
    );

    const now = new Date().toISOString();
    const live = await analyst.get<Page>('/api/cases?limit=100');
    const then = await analyst.get<Page>(`/api/cases?limit=100&asOf=${now}`);
    expect(then.status).toBe(200);
    expect(then.headers.get('x-gridline-as-of-cached')).toBe('false');
    expect(then.body.items.map((c) => c.caseId).sort()).toEqual(
      live.body.items.map((c) => c.caseId).sort(),
    );
    const again = await analyst.get<Page>(`/api/cases?limit=100&asOf=${now}`);
    expect(again.headers.get('x-gridline-as-of-cached')).toBe('true');
    // The same filters as the live list.
    expect((await street.get<Page>(`/api/cases?asOf=${now}&status=closed`)).body.items).toEqual([]);
    // Nothing happened since `now`: the statistics then are the live ones.
    for (const stats of ['sla', '721', 'response-times']) {
      const past = await analyst.get(`/api/stats/${stats}?asOf=${now}`);
      expect(past.status).toBe(200);
      expect(past.body).toEqual((await analyst.get(`/api/stats/${stats}`)).body);
    }
    const mixBefore = await analyst.get<{ totals: { steps: number } }>(
      `/api/stats/721?asOf=${startedAt.toISOString()}`,
    );
    expect(mixBefore.body.totals.steps).toBe(0);

    // Bad times are refused with the reason.
    for (const bad of ['yesterday', '2026-13-01T00:00:00Z', '2999-01-01T00:00:00Z']) {
      const r = await analyst.get<{ problems: { field: string; message: string }[] }>(
        `/api/cases?asOf=${bad}`,
      );
      expect(r.status).toBe(400);
      expect(r.body.problems[0]?.field).toBe('asOf');
    }
    expect((await analyst.get(`/api/cases?asOf=${now}&asOf=${now}`)).status).toBe(400);
  }, 120_000);
});
