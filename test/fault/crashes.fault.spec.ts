import {
  client,
  createTestIdentity,
  eventually,
  killApp,
  startApp,
  startApps,
  stopApps,
  testInfra,
  type AppName,
  type RunningApp,
} from '@gridline/testing';
import pg from 'pg';

type Client = ReturnType<typeof client>;

/**
 * Faults against the real servers, bounded in time: many concurrent commands on
 * one aggregate, and kill -9 of the street service, SWC and the projector while
 * reports keep coming. Afterwards every acknowledged command is in the store
 * exactly once, every reaction happened exactly once, and the consolidated
 * timeline of every case holds exactly the store's events of that case.
 */
describe('faults', () => {
  let apps: Map<AppName, RunningApp>;
  let db: pg.Pool;
  const identity = createTestIdentity();
  let worker: Client;
  let officer: Client;
  let coordinator: Client;
  let gateway: Client;
  const app = (name: AppName) => {
    const found = apps.get(name);
    if (!found) throw new Error(`${name} not running`);
    return found;
  };
  const report = (n: number) => ({
    category: 'littering',
    severity: 'low',
    location: {
      street: 'Desheng',
      community: 'Liupukang',
      grid: 'G-0603',
      description: `bin ${n}`,
    },
    description: `Overflowing bin number ${n}`,
  });

  beforeAll(async () => {
    db = new pg.Pool({ connectionString: testInfra().databaseUrl, max: 4 });
    apps = await startApps(identity, { basePort: 13800, env: { IDEMPOTENCY_LEASE_MS: '5000' } });
    const as = async (name: AppName, sub: string, agency: 'swc' | 'street', roles: string[]) =>
      client(app(name).url, await identity.token({ sub, agency, roles: roles as never }));
    worker = await as('street-service', 'worker-fault', 'street', ['grid-worker']);
    officer = await as('street-service', 'officer-fault', 'street', ['officer']);
    coordinator = await as('swc-service', 'coord-fault', 'swc', ['coordinator']);
    gateway = await as('gateway', 'coord-fault', 'swc', ['coordinator']);
  });

  afterAll(async () => {
    await stopApps(apps);
    await db.end();
  });

  it('many concurrent commands on one assignment: every accepted one stored once, none lost', async () => {
    const { body } = await worker.post<{ caseId: string }>('/api/issues', report(0));
    const caseId = body.caseId;
    await eventually(
      async () =>
        (await coordinator.get(`/api/cases/${caseId}`)).status === 200 ? true : undefined,
      60_000,
    );
    await coordinator.post(`/api/cases/${caseId}/triage`, {
      riskLevel: 'blue',
      category: 'littering',
      leadAgency: 'street',
      coHandlers: [],
    });
    const view = await coordinator.get<{ assignments: Record<string, unknown> }>(
      `/api/cases/${caseId}`,
    );
    const assignmentId = Object.keys(view.body.assignments)[0] ?? '';
    await eventually(
      async () =>
        (await officer.get(`/api/assignments/${assignmentId}`)).status === 200 ? true : undefined,
      60_000,
    );
    expect((await officer.post(`/api/assignments/${assignmentId}/accept`)).status).toBe(200);

    const attempts = 40;
    const responses = await Promise.all(
      Array.from({ length: attempts }, (_, i) =>
        officer.post<{ eventIds?: string[] }>(`/api/assignments/${assignmentId}/progress`, {
          note: `visit ${i}`,
        }),
      ),
    );
    const accepted = responses.filter((r) => r.status === 201);
    // Optimistic concurrency with bounded retries: the rest are told to retry (409).
    expect(responses.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect(accepted.length).toBeGreaterThan(0);
    const { rows } = await db.query<{ event_id: string }>(
      `SELECT event_id FROM gridline_events WHERE stream_id = $1 AND event_type = 'street.assignment.progress-reported.v1'`,
      [`street-assignment-${assignmentId}`],
    );
    expect(rows).toHaveLength(accepted.length);
    expect(new Set(rows.map((r) => r.event_id))).toEqual(
      new Set(accepted.flatMap((r) => r.body.eventIds ?? [])),
    );
  });

  it('kill -9 of the street service, SWC and the projector under load loses and doubles nothing', async () => {
    const total = 30;
    const run = Date.now().toString(36);
    const accepted = new Map<number, string>(); // report number → case id
    let sent = 0;
    // The load: reports one after another, each retried with its Idempotency-Key
    // until it is acknowledged — through crashes of the street service.
    const load = (async () => {
      for (let n = 1; n <= total; n++) {
        sent = n;
        for (let attempt = 0; ; attempt++) {
          try {
            const r = await worker.post<{ caseId: string }>('/api/issues', report(n), {
              'idempotency-key': `fault-report-${run}-${n}`,
            });
            if (r.status === 201) {
              accepted.set(n, r.body.caseId);
              break;
            }
          } catch {
            // connection refused or reset while the service is down
          }
          if (attempt > 200) throw new Error(`report ${n} never acknowledged`);
          await new Promise((r) => setTimeout(r, 250));
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const when = (n: number) =>
      eventually(() => Promise.resolve(sent >= n ? true : undefined), 120_000);
    await when(5);
    await killApp(app('projector'));
    await when(10);
    await killApp(app('street-service'));
    await new Promise((r) => setTimeout(r, 1_500));
    await startApp(app('street-service'));
    await when(15);
    await killApp(app('swc-service'));
    await startApp(app('projector'));
    await when(20);
    await startApp(app('swc-service'));
    await load;
    expect(accepted.size).toBe(total);

    // Each acknowledged report is stored once, and SWC opened each case once.
    const caseIds = [...accepted.values()];
    const counts = async (type: string) =>
      (
        await db.query<{ case_id: string; n: string }>(
          `SELECT metadata->>'caseId' AS case_id, count(*) AS n FROM gridline_events
            WHERE event_type = $1 AND metadata->>'caseId' = ANY($2) GROUP BY 1`,
          [type, caseIds],
        )
      ).rows;
    const reports = await counts('street.issue.reported.v1');
    expect(reports).toHaveLength(total);
    expect(reports.every((r) => r.n === '1')).toBe(true);
    await eventually(
      async () => {
        const opened = await counts('swc.case.opened.v1');
        return opened.length === total ? opened : undefined;
      },
      90_000,
      'every case opened after the restarts',
    );
    expect((await counts('swc.case.opened.v1')).every((r) => r.n === '1')).toBe(true);

    // The consolidated timeline of each case is exactly the store's events of that case.
    for (const caseId of caseIds) {
      const { rows } = await db.query<{ event_id: string }>(
        `SELECT event_id FROM gridline_events WHERE metadata->>'caseId' = $1`,
        [caseId],
      );
      const stored = rows.map((r) => r.event_id).sort();
      const shown = await eventually(
        async () => {
          const r = await gateway.get<{ entries: { eventId: string }[] }>(
            `/api/cases/${caseId}/timeline`,
          );
          const ids = r.status === 200 ? r.body.entries.map((e) => e.eventId).sort() : [];
          return ids.length >= stored.length ? ids : undefined;
        },
        90_000,
        `timeline of ${caseId}`,
      );
      expect(shown).toEqual(stored);
    }
  }, 300_000);
});
