import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  client,
  createTestIdentity,
  eventually,
  startApps,
  stopApps,
  type AppName,
  testInfra,
  type RunningApp,
} from '@gridline/testing';

/**
 * Blue/green rebuild across the processes: the read models are rebuilt from the
 * event store into a new collection set while the gateway keeps serving, readers
 * switch over, and afterwards the views are what they were and keep following
 * new events.
 */
describe('rebuilding the read models (blue/green)', () => {
  let apps: Map<AppName, RunningApp> | undefined;
  const identity = createTestIdentity();
  const url = (name: AppName) => apps?.get(name)?.url ?? '';

  // A store and read models of their own: the rebuild replays exactly this test's history.
  const database = `gridline_rebuild_${randomUUID().slice(0, 8)}`;
  const serverAdmin = () => new pg.Client({ connectionString: testInfra().databaseUrl });

  beforeAll(async () => {
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
    await db.end();
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
});
