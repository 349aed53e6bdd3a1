import {
  client,
  createTestIdentity,
  eventually,
  startApps,
  stopApps,
  type AppName,
  type RunningApp,
} from '@gridline/testing';

/**
 * Simulated time (GRIDLINE_SIMULATED_CLOCK, demos and history imports) stays in
 * the command that carries it. Issue 18 found one read with `X-Gridline-Time:
 * 2030-01-01` moving the deadline scanner's clock for the whole process: every
 * open assignment escalated, stamped 2030. Here a read may not carry it, a time
 * ahead of the real clock is refused, and the scanner's time is how far the
 * recorded case events have gone: a command as of a simulated time escalates
 * what was due by then, and nothing due later.
 */
describe('simulated time stays in its command', () => {
  let apps: Map<AppName, RunningApp>;
  const identity = createTestIdentity();
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  // A history twenty days back, to the second.
  const t0 = Math.floor((Date.now() - 20 * DAY) / 1000) * 1000;
  const at = (ms: number) => ({ 'x-gridline-time': new Date(ms).toISOString() });
  const url = (name: AppName) => {
    const found = apps.get(name);
    if (!found) throw new Error(`${name} not running`);
    return found.url;
  };
  let worker: ReturnType<typeof client>;
  let coordinator: ReturnType<typeof client>;
  let coordinatorToken: string;

  beforeAll(async () => {
    // Yellow: one day; blue: ten days. Deadlines scanned three times a second.
    const sla = {
      routine: { blue: 240, yellow: 24, orange: 240, red: 240 },
      emergency: { blue: 240, yellow: 24, orange: 240, red: 240 },
    };
    apps = await startApps(identity, {
      basePort: 16800,
      env: {
        GRIDLINE_SIMULATED_CLOCK: 'true',
        GRIDLINE_PROFILE: 'local',
        SWC_SLA_HOURS: JSON.stringify(sla),
        SWC_DEADLINE_SCAN_MS: '300',
      },
    });
    // Department systems importing history: service accounts.
    worker = client(
      url('street-service'),
      await identity.token({
        sub: 'import-street',
        agency: 'street',
        roles: ['grid-worker', 'service'],
      }),
    );
    coordinatorToken = await identity.token({
      sub: 'import-swc',
      agency: 'swc',
      roles: ['coordinator', 'service'],
    });
    coordinator = client(url('swc-service'), coordinatorToken);
  });

  afterAll(async () => {
    await stopApps(apps);
  });

  type CaseView = { assignments: Record<string, { agency: string; escalated: boolean }> };
  const report = async (time: number) =>
    worker.post<{ caseId: string }>(
      '/api/issues',
      {
        category: 'littering',
        severity: 'low',
        location: {
          street: 'Xinjiekou',
          community: 'Zhaodengyu',
          grid: 'G-0312',
          description: 'lane',
        },
        description: 'Rubbish left in the lane',
      },
      at(time),
    );
  const opened = (caseId: string) =>
    eventually(
      async () => {
        const r = await coordinator.get<CaseView>(`/api/cases/${caseId}`);
        return r.status === 200 ? r.body : undefined;
      },
      60_000,
      `case ${caseId} opened`,
    );
  const escalated = async (caseId: string) =>
    Object.values((await coordinator.get<CaseView>(`/api/cases/${caseId}`)).body.assignments).map(
      (a) => a.escalated,
    );
  const scans = () => new Promise((r) => setTimeout(r, 2_000)); // several scans

  it('a read cannot carry it, a time ahead is refused, and a command escalates only what was due by its time', async () => {
    const soon = await report(t0);
    const later = await report(t0);
    expect([soon.status, later.status]).toEqual([201, 201]);
    await opened(soon.body.caseId);
    await opened(later.body.caseId);
    for (const [caseId, riskLevel] of [
      [soon.body.caseId, 'yellow'], // due t0 + 1 h + 1 day
      [later.body.caseId, 'blue'], // due t0 + 1 h + 10 days
    ] as const) {
      const triaged = await coordinator.post(
        `/api/cases/${caseId}/triage`,
        { riskLevel, category: 'littering', leadAgency: 'street', coHandlers: [] },
        at(t0 + HOUR),
      );
      expect(triaged.status).toBe(200);
    }

    // A read with a simulated time: refused, and it moves nothing. (Before, a
    // read as of now moved the scanner to now: both escalated, twenty days early.)
    const read = await fetch(`${url('swc-service')}/api/cases/${soon.body.caseId}`, {
      headers: { authorization: `Bearer ${coordinatorToken}`, ...at(Date.now()) },
    });
    expect(read.status).toBe(400);
    expect(await read.text()).toMatch(/commands only/);
    // Ahead of the real clock: refused, nothing stored.
    const ahead = await report(Date.now() + DAY);
    expect(ahead.status).toBe(400);
    await scans();
    expect(await escalated(soon.body.caseId)).toEqual([false]);
    expect(await escalated(later.body.caseId)).toEqual([false]);

    // A command as of two days later (a new report, opened by SWC then): the
    // yellow assignment was due by then, the blue one not.
    const t1 = t0 + 2 * DAY;
    const third = await report(t1);
    expect(third.status).toBe(201);
    await eventually(
      async () => ((await escalated(soon.body.caseId))[0] ? true : undefined),
      30_000,
      'the yellow assignment escalated',
    );
    await scans();
    expect(await escalated(later.body.caseId)).toEqual([false]);

    // Recorded as of the simulated time, not the real one.
    const gateway = client(url('gateway'), coordinatorToken);
    const escalation = await eventually(
      async () => {
        const r = await gateway.get<{ entries: { type: string; time: string }[] }>(
          `/api/cases/${soon.body.caseId}/timeline`,
        );
        return r.body.entries?.find((e) => e.type === 'swc.case.assignment-escalated.v1');
      },
      60_000,
      'the escalation on the timeline',
    );
    expect(escalation.time).toBe(new Date(t1).toISOString());
  }, 180_000);
});
