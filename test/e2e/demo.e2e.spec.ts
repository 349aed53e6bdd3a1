import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { openMongo, rebuildReadModels, dropReadModelCollections } from '@gridline/read-models';
import { openPostgresStore } from '@gridline/store-postgres';
import {
  client,
  createIsolatedStores,
  createTestIdentity,
  eventually,
  readModelContents,
  startApps,
  stopApps,
  type AppName,
  type IsolatedStores,
  type RunningApp,
} from '@gridline/testing';

const root = path.resolve(import.meta.dirname, '..', '..');

/**
 * `npm run demo` against the five apps with simulated time: it seeds two months
 * of history through the public APIs, and the events carry the simulated times.
 * A store of its own, so that a rebuild from it is exactly the demo.
 */
describe('demo command', () => {
  let apps: Map<AppName, RunningApp> | undefined;
  let stores: IsolatedStores;
  const identity = createTestIdentity();

  beforeAll(async () => {
    stores = await createIsolatedStores('gridline_demo');
    apps = await startApps(identity, {
      basePort: 13500,
      env: { ...stores.env, GRIDLINE_SIMULATED_CLOCK: 'true' },
    });
  });

  afterAll(async () => {
    await stopApps(apps);
    await stores?.drop();
  });

  it('seeds a multi-street, multi-month scenario that the gateway shows with its own dates', async () => {
    const seed = String(Date.now() % 100_000);
    const run = spawnSync(
      process.execPath,
      [
        'scripts/demo.mjs',
        '--base-port',
        '13500',
        '--months',
        '2',
        '--from',
        '2026-03',
        '--streets',
        '2',
        '--seed',
        seed,
      ],
      {
        cwd: root,
        encoding: 'utf8',
        env: {
          ...process.env,
          GRIDLINE_SIGNING_KEY_FILE: identity.privateKeyFile,
          JWT_ISSUER: identity.issuer,
          JWT_AUDIENCE: identity.audience,
        },
        timeout: 240_000,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const summary = /✔ demo seeded 2 months × 2 streets: (\d+) cases \((\d+) closed\)/.exec(
      run.stdout,
    );
    expect(summary).not.toBeNull();
    expect(Number(summary?.[1])).toBeGreaterThanOrEqual(12);
    expect(Number(summary?.[2])).toBeGreaterThan(0);

    // A seeded case reads back with March/April dates, not today's.
    const street = client(
      apps?.get('street-service')?.url ?? '',
      await identity.token({
        sub: 'worker-17',
        agency: 'street',
        roles: ['grid-worker', 'service'],
      }),
    );
    const reported = await street.post<{ caseId: string }>(
      '/api/issues',
      {
        category: 'littering',
        severity: 'low',
        location: {
          street: 'Xinjiekou',
          community: 'Zhaodengyu',
          grid: 'G-0312',
          description: 'bus stop',
        },
        description: 'Bags of rubbish left at the bus stop',
      },
      { 'x-gridline-time': '2026-03-15T09:30:00.000Z' },
    );
    expect(reported.status).toBe(201);
    const gateway = client(
      apps?.get('gateway')?.url ?? '',
      await identity.token({ sub: 'coord-1', agency: 'swc', roles: ['coordinator'] }),
    );
    const entries = await eventually(
      async () => {
        const r = await gateway.get<{ entries: { type: string; time: string }[] }>(
          `/api/cases/${reported.body.caseId}/timeline`,
        );
        return r.status === 200 && r.body.entries.length >= 2 ? r.body.entries : undefined;
      },
      60_000,
      'the timeline of a case reported in the past',
    );
    // The report and SWC's reaction to it both happened "then".
    expect(entries.map((e) => e.time.slice(0, 10))).toEqual(['2026-03-15', '2026-03-15']);

    // Without the service role the simulated time is refused.
    const plain = client(
      apps?.get('street-service')?.url ?? '',
      await identity.token({ sub: 'worker-18', agency: 'street', roles: ['grid-worker'] }),
    );
    const refused = await plain.post(
      '/api/issues',
      {},
      { 'x-gridline-time': '2026-03-15T09:30:00.000Z' },
    );
    expect(refused.status).toBe(403);
  });

  it('a rebuild of the demo from the event store equals the live read models', async () => {
    const mongo = await openMongo(stores.mongoUrl);
    const store = await openPostgresStore(stores.databaseUrl, { poolSize: 2 });
    try {
      // Quiet: every reaction projected, two looks a moment apart alike.
      const live = await eventually(
        async () => {
          const first = await readModelContents(mongo.db, '');
          await new Promise((r) => setTimeout(r, 2_000));
          const second = await readModelContents(mongo.db, '');
          return JSON.stringify(first) === JSON.stringify(second) ? second : undefined;
        },
        120_000,
        'quiet read models after the demo',
      );
      expect((live['cases'] as unknown[]).length).toBeGreaterThanOrEqual(13);
      const done = await rebuildReadModels({ db: mongo.db, store: store.store, suffix: '_check' });
      expect(done.processed).toBeGreaterThan(100);
      const rebuilt = await readModelContents(mongo.db, '_check');
      expect(Object.keys(rebuilt)).toEqual(Object.keys(live));
      for (const key of Object.keys(live))
        expect({ [key]: rebuilt[key] }).toEqual({ [key]: live[key] });
      await dropReadModelCollections(mongo.db, '_check');
    } finally {
      await store.close();
      await mongo.close();
    }
  }, 240_000);
});
