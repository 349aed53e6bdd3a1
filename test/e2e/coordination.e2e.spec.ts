import {
  client,
  createTestIdentity,
  eventually,
  killApp,
  startApp,
  startApps,
  stopApps,
  type AppName,
  type RunningApp,
} from '@gridline/testing';

/**
 * SWC coordinating a case across the three agencies, over HTTP and Kafka, with
 * short SLAs so deadlines pass during the test: triage, the assignments reaching
 * the street and DRC inboxes, handoffs recorded on the case, escalation that
 * survives a kill -9 of the SWC service, a DRC warning opening a prevention case,
 * and closure only after verification.
 */
describe('coordination across agencies', () => {
  let apps: Map<AppName, RunningApp>;
  const identity = createTestIdentity();
  const app = (name: AppName) => {
    const found = apps.get(name);
    if (!found) throw new Error(`${name} not running`);
    return found;
  };
  let worker: ReturnType<typeof client>;
  let coordinator: ReturnType<typeof client>;
  let streetOfficer: ReturnType<typeof client>;
  let drcCoordinator: ReturnType<typeof client>;
  let gateway: ReturnType<typeof client>;

  beforeAll(async () => {
    // Routine yellow: 4 s; everything else long. Deadlines are scanned twice a second.
    const hours = (s: number) => s / 3600;
    const sla = {
      routine: { blue: 100, yellow: hours(4), orange: 100, red: 100 },
      emergency: { blue: 100, yellow: hours(2), orange: 100, red: 100 },
    };
    apps = await startApps(identity, {
      basePort: 13300,
      env: { SWC_SLA_HOURS: JSON.stringify(sla), SWC_DEADLINE_SCAN_MS: '500' },
    });
    const as = async (
      name: AppName,
      sub: string,
      agency: 'swc' | 'drc' | 'street',
      roles: string[],
    ) => client(app(name).url, await identity.token({ sub, agency, roles: roles as never }));
    worker = await as('street-service', 'worker-17', 'street', ['grid-worker']);
    streetOfficer = await as('street-service', 'officer-3', 'street', ['officer']);
    coordinator = await as('swc-service', 'coord-1', 'swc', ['coordinator']);
    drcCoordinator = await as('drc-service', 'drc-coord', 'drc', ['coordinator']);
    gateway = await as('gateway', 'coord-1', 'swc', ['coordinator']);
  });

  afterAll(async () => {
    await stopApps(apps);
  });

  const reportIssue = async () => {
    const { status, body } = await worker.post<{ caseId: string; eventId: string }>('/api/issues', {
      category: 'street-vending',
      location: {
        street: 'Xinjiekou',
        community: 'Zhaodengyu',
        grid: 'G-0312',
        description: 'school gate',
      },
      description: 'Unlicensed vending near the school gate',
      severity: 'medium',
    });
    expect(status).toBe(201);
    return body;
  };
  const swcCase = (caseId: string) =>
    coordinator.get<{
      status: string;
      mode: string;
      verified: boolean;
      assignments: Record<string, { agency: string; status: string; escalated: boolean }>;
    }>(`/api/cases/${caseId}`);
  const caseOpen = (caseId: string) =>
    eventually(
      async () => {
        const response = await swcCase(caseId);
        return response.status === 200 ? response.body : undefined;
      },
      60_000,
      `case ${caseId} opened`,
    );

  it('triage → inboxes → handoffs → verification → feedback → closure, all on one timeline', async () => {
    const { caseId, eventId: reportId } = await reportIssue();
    await caseOpen(caseId);

    const triage = await coordinator.post<{ eventIds: string[] }>(`/api/cases/${caseId}/triage`, {
      riskLevel: 'orange',
      category: 'street-vending',
      leadAgency: 'street',
      coHandlers: ['drc'],
      instructions: 'Talk to the vendor; look for a legal pitch nearby',
    });
    expect(triage.status).toBe(200);
    const view = await swcCase(caseId);
    const assignmentOf = (agency: string) =>
      Object.entries(view.body.assignments).find(([, a]) => a.agency === agency)?.[0] ?? '';
    const streetAssignment = assignmentOf('street');
    const drcAssignment = assignmentOf('drc');

    // The assignments reach the agencies' inboxes over Kafka.
    const inbox = (who: ReturnType<typeof client>, id: string) =>
      eventually(
        async () => {
          const r = await who.get<{ status: string; caseId: string }>(`/api/assignments/${id}`);
          return r.status === 200 ? r.body : undefined;
        },
        60_000,
        `assignment ${id} in the inbox`,
      );
    expect(await inbox(streetOfficer, streetAssignment)).toMatchObject({
      status: 'received',
      caseId,
    });
    expect(await inbox(drcCoordinator, drcAssignment)).toMatchObject({
      status: 'received',
      caseId,
    });

    // Closure is refused while assignments are open.
    expect((await coordinator.post(`/api/cases/${caseId}/close`)).status).toBe(422);
    const early = await coordinator.post<{ error: string }>(`/api/cases/${caseId}/verification`, {
      note: 'too early',
    });
    expect(early).toMatchObject({ status: 422, body: { error: 'assignments-open' } });

    expect((await streetOfficer.post(`/api/assignments/${streetAssignment}/accept`)).status).toBe(
      200,
    );
    expect(
      (
        await streetOfficer.post(`/api/assignments/${streetAssignment}/progress`, {
          note: 'Vendor reminded',
        })
      ).status,
    ).toBe(201);
    const decline = await drcCoordinator.post(`/api/assignments/${drcAssignment}/decline`, {});
    expect(decline.status).toBe(400); // a reason is required
    expect(
      (
        await drcCoordinator.post(`/api/assignments/${drcAssignment}/decline`, {
          reason: 'No project budget this quarter',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await streetOfficer.post(`/api/assignments/${streetAssignment}/complete`, {
          outcome: 'Vendor moved to the market',
        })
      ).status,
    ).toBe(200);

    // SWC records every handoff from the agencies' events.
    await eventually(
      async () => {
        const { body } = await swcCase(caseId);
        const a = body.assignments;
        return a[streetAssignment]?.status === 'completed' &&
          a[drcAssignment]?.status === 'declined'
          ? body
          : undefined;
      },
      60_000,
      'handoffs recorded',
    );

    expect(
      (await coordinator.post(`/api/cases/${caseId}/verification`, { note: 'Checked on site' }))
        .status,
    ).toBe(200);
    expect(
      (
        await coordinator.post(`/api/cases/${caseId}/feedback`, {
          satisfaction: 4,
          channel: 'phone',
        })
      ).status,
    ).toBe(201);
    expect((await coordinator.post(`/api/cases/${caseId}/close`)).status).toBe(200);
    expect((await swcCase(caseId)).body.status).toBe('closed');

    // One timeline with all three agencies, causation linking each reaction to its trigger.
    interface Entry {
      eventId: string;
      agency: string;
      type: string;
      causationId: string;
    }
    const entries = await eventually(
      async () => {
        const { status, body } = await gateway.get<{ entries: Entry[] }>(
          `/api/cases/${caseId}/timeline`,
        );
        // Each agency's topic is projected on its own: wait for all the entries checked below.
        const seen = new Set(status === 200 ? body.entries.map((e) => e.type) : []);
        const needed = [
          'swc.case.closed.v1',
          'swc.case.outcome-verified.v1',
          'swc.case.triaged.v1',
          'street.assignment.received.v1',
          'drc.assignment.received.v1',
          'drc.assignment.declined.v1',
          'swc.case.assignment-declined.v1',
        ];
        return needed.every((type) => seen.has(type)) ? body.entries : undefined;
      },
      60_000,
      'timeline up to closure',
    );
    expect(new Set(entries.map((e) => e.agency))).toEqual(new Set(['street', 'swc', 'drc']));
    const byType = (type: string) => entries.filter((e) => e.type === type);
    expect(byType('swc.case.opened.v1')[0]?.causationId).toBe(reportId);
    const made = byType('swc.case.assignment-made.v1').map((e) => e.eventId);
    for (const received of [
      ...byType('street.assignment.received.v1'),
      ...byType('drc.assignment.received.v1'),
    ])
      expect(made).toContain(received.causationId);
    const declined = byType('drc.assignment.declined.v1')[0];
    expect(byType('swc.case.assignment-declined.v1')[0]?.causationId).toBe(declined?.eventId);
    const types = entries.map((e) => e.type);
    expect(types.indexOf('swc.case.triaged.v1')).toBeLessThan(
      types.indexOf('street.assignment.received.v1'),
    );
    expect(types.indexOf('swc.case.outcome-verified.v1')).toBeLessThan(
      types.indexOf('swc.case.closed.v1'),
    );
  });

  it('an overdue assignment is escalated, even when SWC was killed before the deadline passed', async () => {
    const { caseId } = await reportIssue();
    await caseOpen(caseId);
    const swc = app('swc-service');
    expect(
      (
        await coordinator.post(`/api/cases/${caseId}/triage`, {
          riskLevel: 'yellow',
          category: 'street-vending',
          leadAgency: 'street',
          coHandlers: [],
        })
      ).status,
    ).toBe(200);
    await killApp(swc); // kill -9 right after the assignment: the 4 s deadline passes while it is down
    await new Promise((r) => setTimeout(r, 5_000));
    await startApp(swc);
    const escalated = await eventually(
      async () => {
        const { body } = await swcCase(caseId);
        const assignment = Object.values(body.assignments)[0];
        return assignment?.escalated ? assignment : undefined;
      },
      60_000,
      'escalation after restart',
    );
    expect(escalated).toMatchObject({ agency: 'street', status: 'pending' });
  });

  it('a DRC risk warning opens a prevention case at its level; red means emergency once triaged', async () => {
    const analyst = client(
      app('drc-service').url,
      await identity.token({ sub: 'drc-analyst', agency: 'drc', roles: ['analyst'] }),
    );
    const warning = await analyst.post<{ caseId: string }>('/api/warnings', {
      kind: 'tourism-surge',
      level: 'red',
      area: { street: 'Shichahai' },
      description: 'Holiday visitors expected at three times the usual count',
    });
    expect(warning.status).toBe(201);
    const opened = await caseOpen(warning.body.caseId);
    expect(opened).toMatchObject({ status: 'open', riskLevel: 'red', mode: 'routine' });
    const triage = await coordinator.post(`/api/cases/${warning.body.caseId}/triage`, {
      riskLevel: 'red',
      category: 'tourism-surge',
      leadAgency: 'street',
      coHandlers: ['drc'],
    });
    expect(triage.status).toBe(200);
    expect((await swcCase(warning.body.caseId)).body.mode).toBe('emergency');
    const back = await coordinator.post<{ error: string }>(
      `/api/cases/${warning.body.caseId}/mode`,
      {
        mode: 'routine',
        reason: 'calmer now',
      },
    );
    expect(back).toMatchObject({ status: 422, body: { error: 'red-stays-emergency' } });
  });

  it('refuses case commands from another agency, bad bodies, and unknown cases', async () => {
    const { caseId } = await reportIssue();
    await caseOpen(caseId);
    expect((await worker.post(`/api/cases/${caseId}/close`)).status).toBe(404); // street-service has no such route
    const streetOnSwc = client(
      app('swc-service').url,
      await identity.token({ sub: 'o', agency: 'street', roles: ['coordinator'] }),
    );
    expect((await streetOnSwc.post(`/api/cases/${caseId}/close`)).status).toBe(403);
    const bad = await coordinator.post<{ problems: { field: string }[] }>(
      `/api/cases/${caseId}/triage`,
      {
        riskLevel: 'purple',
        leadAgency: 'swc',
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.problems.map((p) => p.field)).toEqual(
      expect.arrayContaining(['/riskLevel', '/leadAgency', '/category', '/coHandlers']),
    );
    expect(
      (await coordinator.post(`/api/cases/00000000-0000-4000-8000-000000000000/close`)).status,
    ).toBe(404);
  });
});
