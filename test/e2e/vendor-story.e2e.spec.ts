import { randomBytes } from 'node:crypto';
import {
  client,
  createTestIdentity,
  eventually,
  startApps,
  stopApps,
  type AppName,
  type RunningApp,
} from '@gridline/testing';

type Client = ReturnType<typeof client>;

/**
 * The vendor story of docs/domain.md across the five processes and the real
 * servers: a grid worker's report, SWC's case with the street office leading and
 * the DRC co-handling (due in 3 days), the 721 progression ending in a penalty
 * within the discretion range, published masked; the DRC's vending zone; SWC's
 * verification, the resident's rating and closure; the vendor's appeal upheld —
 * all on one timeline. A second vendor's penalty revoked on appeal reopens the
 * closed case.
 */
describe('the vendor story', () => {
  let apps: Map<AppName, RunningApp> | undefined;
  const identity = createTestIdentity();
  const category = `vending-${randomBytes(3).toString('hex')}`;
  const place = {
    street: 'Xinjiekou',
    community: 'Zhaodengyu',
    grid: 'G-0312',
    description: 'school gate',
  };
  const photo = {
    kind: 'photo',
    sha256: 'b7'.repeat(32),
    description: 'stall at the gate during pick-up',
    capturedAt: '2026-03-09T07:40:00.000Z',
    place,
  };
  let worker: Client;
  let officer: Client;
  let streetAdmin: Client;
  let coordinator: Client;
  let drcCoordinator: Client;
  let drcOfficer: Client;
  let gateway: Client;

  beforeAll(async () => {
    apps = await startApps(identity, { basePort: 13400 });
    const at = (name: AppName) => apps?.get(name)?.url ?? '';
    const as = async (
      name: AppName,
      sub: string,
      agency: 'swc' | 'drc' | 'street',
      roles: string[],
      credentialId?: string,
    ) =>
      client(
        at(name),
        await identity.token({
          sub,
          agency,
          roles: roles as never,
          ...(credentialId ? { credentialId } : {}),
        }),
      );
    worker = await as('street-service', 'worker-17', 'street', ['grid-worker']);
    officer = await as('street-service', 'officer-5', 'street', ['officer'], 'ZF-110105-0042');
    streetAdmin = await as('street-service', 'admin-1', 'street', ['admin']);
    coordinator = await as('swc-service', 'coord-1', 'swc', ['coordinator']);
    drcCoordinator = await as('drc-service', 'drc-coord', 'drc', ['coordinator']);
    drcOfficer = await as('drc-service', 'drc-officer', 'drc', ['officer']);
    gateway = await as('gateway', 'coord-1', 'swc', ['coordinator']);
    const standard = await streetAdmin.post(`/api/discretion-standards/${category}`, {
      ranges: [
        { circumstance: 'first-offence', minYuan: 50, maxYuan: 200 },
        { circumstance: 'repeat', minYuan: 200, maxYuan: 2000 },
      ],
      legalBasis: 'City appearance and environmental sanitation regulations, art. 17',
    });
    expect(standard.status).toBe(201);
  });

  afterAll(async () => {
    await stopApps(apps);
  });

  const ok = async <T>(call: Promise<{ status: number; body: T }>, status = 201): Promise<T> => {
    const response = await call;
    if (response.status !== status)
      throw new Error(
        `expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`,
      );
    return response.body;
  };
  const swcCase = (caseId: string) =>
    coordinator.get<{
      status: string;
      assignments: Record<
        string,
        { agency: string; status: string; dueAt: string; assignedAt: string }
      >;
    }>(`/api/cases/${caseId}`);
  const until = <T>(what: string, probe: () => Promise<T | undefined>) =>
    eventually(probe, 60_000, what);

  /** Report, case, triage, inboxes: the story's first two steps. */
  async function openCoordinatedCase(description: string) {
    const { caseId, eventId } = await ok(
      worker.post<{ caseId: string; eventId: string }>('/api/issues', {
        category: 'street-vending',
        severity: 'medium',
        location: place,
        description,
      }),
    );
    await until('the SWC case', async () =>
      (await swcCase(caseId)).status === 200 ? true : undefined,
    );
    await ok(
      coordinator.post(`/api/cases/${caseId}/triage`, {
        riskLevel: 'yellow',
        category: 'street-vending',
        leadAgency: 'street',
        coHandlers: ['drc'],
        instructions: 'Serve first: explain the rules; look for a legal pitch',
      }),
      200,
    );
    const assignments = (await swcCase(caseId)).body.assignments;
    const idOf = (agency: string) =>
      Object.entries(assignments).find(([, a]) => a.agency === agency)?.[0] ?? '';
    for (const [who, id] of [
      [officer, idOf('street')],
      [drcCoordinator, idOf('drc')],
    ] as const)
      await until(`assignment ${id} in its inbox`, async () =>
        (await who.get(`/api/assignments/${id}`)).status === 200 ? true : undefined,
      );
    return { caseId, reportId: eventId, assignments, street: idOf('street'), drc: idOf('drc') };
  }

  /** The 721 progression for one vendor, ending in an issued, published penalty. */
  async function remindWarnPenalise(caseId: string, name: string) {
    const { subjectId } = await ok(
      officer.post<{ subjectId: string }>('/api/subjects', {
        caseId,
        kind: 'person',
        name,
        identifier: `1101051990${randomBytes(4).toString('hex')}`,
        contact: '+86 138 0013 8000',
      }),
    );
    const step = { subjectId, category, caseId, place };
    await ok(
      worker.post('/api/enforcement/reminders', {
        ...step,
        explanation: 'Vending at the gate blocks pupils; the market has free pitches',
      }),
    );
    // Penalising before a warning is refused: the 721 order.
    const penalty = {
      subjectId,
      category,
      caseId,
      facts: 'Third time vending at the school gate after a reminder and a warning',
      legalBasis: 'City appearance and environmental sanitation regulations, art. 17',
      evidence: [photo],
      penalty: { circumstance: 'repeat', amountYuan: 500 },
    };
    const tooEarly = await officer.post<{ error: string }>('/api/enforcement/penalties', penalty);
    expect(tooEarly.status).toBe(422);
    await ok(
      officer.post('/api/enforcement/warnings', {
        ...step,
        explanation: 'Second time: a fine follows next time',
        evidence: [photo],
      }),
    );
    const { decisionId, major } = await ok(
      officer.post<{ decisionId: string; major: boolean }>('/api/enforcement/penalties', penalty),
    );
    expect(major).toBe(false); // 500 yuan is below the major-decision threshold
    const decision = `/api/decisions/${decisionId}`;
    await ok(officer.post(`${decision}/issue`));
    await ok(officer.post(`${decision}/publish`));
    return { subjectId, decision, decisionId };
  }

  it('runs from the report to closure, and the appeal shows on the same timeline', async () => {
    const story = await openCoordinatedCase(
      'Unlicensed vending near the school gate at pick-up time',
    );
    const { caseId } = story;
    // Due in 3 days (yellow, routine).
    for (const a of Object.values(story.assignments))
      expect(Date.parse(a.dueAt) - Date.parse(a.assignedAt)).toBe(72 * 3_600_000);
    await ok(officer.post(`/api/assignments/${story.street}/accept`), 200);
    await ok(drcCoordinator.post(`/api/assignments/${story.drc}/accept`), 200);

    const { decision } = await remindWarnPenalise(caseId, 'Wang Wei');

    // DRC: a designated vending zone near the school, funded; the vendor is offered a stall.
    const { projectId } = await ok(
      drcOfficer.post<{ projectId: string }>('/api/projects', {
        caseId,
        title: 'Designated vending zone, Zhaodengyu school',
        description: 'Twelve stalls on the market square, 150 m from the gate, free for a year',
        budget: 180_000,
        location: { ...place, description: 'market square' },
      }),
    );
    await ok(drcCoordinator.post(`/api/projects/${projectId}/approve`, {}));
    await ok(drcCoordinator.post(`/api/projects/${projectId}/fundings`, { amount: 180_000 }));
    await ok(
      drcOfficer.post(`/api/projects/${projectId}/complete`, {
        outcome: 'Zone open; the vendor took stall 4',
      }),
    );
    await ok(
      drcCoordinator.post(`/api/assignments/${story.drc}/complete`, {
        outcome: 'Vending zone funded and open',
      }),
      200,
    );
    await ok(
      officer.post(`/api/assignments/${story.street}/complete`, {
        outcome: 'Vendor moved to the zone; gate clear',
      }),
      200,
    );

    // SWC verifies, the resident rates the outcome, the case closes.
    await until('both completions recorded', async () => {
      const a = Object.values((await swcCase(caseId)).body.assignments);
      return a.every((x) => x.status === 'completed') ? true : undefined;
    });
    await ok(
      coordinator.post(`/api/cases/${caseId}/verification`, {
        note: 'Gate clear at pick-up on three visits',
      }),
      200,
    );
    await ok(
      coordinator.post(`/api/cases/${caseId}/feedback`, { satisfaction: 5, channel: 'phone' }),
    );
    await ok(coordinator.post(`/api/cases/${caseId}/close`), 200);

    // The vendor appeals; the reconsideration body upholds the penalty.
    await ok(
      officer.post(`${decision}/appeals`, {
        appellant: 'subject',
        grounds: 'I had nowhere else to sell',
      }),
    );
    await ok(
      officer.post(`${decision}/appeal-outcome`, {
        outcome: 'upheld',
        reasons: 'Facts proven; fine within the range',
      }),
    );

    interface Entry {
      eventId: string;
      agency: string;
      type: string;
      summary: string;
      causationId: string;
    }
    const order = [
      'street.issue.reported.v1',
      'swc.case.opened.v1',
      'swc.case.triaged.v1',
      'street.enforcement.reminder-issued.v1',
      'street.enforcement.warning-issued.v1',
      'street.decision.penalty-proposed.v1',
      'street.decision.issued.v1',
      'street.decision.published.v1',
      'drc.project.proposed.v1',
      'drc.project.completed.v1',
      'swc.case.outcome-verified.v1',
      'swc.case.feedback-recorded.v1',
      'swc.case.closed.v1',
      'street.decision.appeal-filed.v1',
      'street.decision.appeal-decided.v1',
    ];
    // Agencies' topics are projected independently: wait until every one has arrived.
    const entries = await until('the whole story on the timeline', async () => {
      const r = await gateway.get<{ entries: Entry[] }>(`/api/cases/${caseId}/timeline`);
      const seen = new Set(r.status === 200 ? r.body.entries.map((e) => e.type) : []);
      return order.every((type) => seen.has(type)) ? r.body.entries : undefined;
    });
    const types = entries.map((e) => e.type);
    for (const type of order) expect(types).toContain(type);
    const positions = order.map((type) => types.indexOf(type));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(new Set(entries.map((e) => e.agency))).toEqual(new Set(['street', 'swc', 'drc']));
    expect(entries.find((e) => e.type === 'swc.case.opened.v1')?.causationId).toBe(story.reportId);
    // Publicity masks the vendor; the timeline never shows personal data.
    expect(entries.find((e) => e.type === 'street.decision.published.v1')?.summary).toContain(
      'W**',
    );
    expect(JSON.stringify(entries)).not.toMatch(/Wang Wei|138 0013/);
    // Upheld: the case stays closed.
    expect((await swcCase(caseId)).body.status).toBe('closed');
  });

  it('a penalty revoked on appeal reopens the closed case', async () => {
    const story = await openCoordinatedCase('Vending again on the bridge');
    const { caseId } = story;
    await ok(officer.post(`/api/assignments/${story.street}/accept`), 200);
    await ok(
      drcCoordinator.post(`/api/assignments/${story.drc}/decline`, {
        reason: 'No livelihood angle here',
      }),
      200,
    );
    const { decision } = await remindWarnPenalise(caseId, 'Li Na');
    await ok(
      officer.post(`/api/assignments/${story.street}/complete`, { outcome: 'Fined; stall gone' }),
      200,
    );
    await until('handoffs recorded', async () => {
      const a = Object.values((await swcCase(caseId)).body.assignments);
      return a.some((x) => x.status === 'completed') && a.some((x) => x.status === 'declined')
        ? true
        : undefined;
    });
    await ok(coordinator.post(`/api/cases/${caseId}/verification`, { note: 'Bridge clear' }), 200);
    await ok(coordinator.post(`/api/cases/${caseId}/close`), 200);

    await ok(
      officer.post(`${decision}/appeals`, {
        appellant: 'representative',
        grounds: 'Wrong person identified',
      }),
    );
    await ok(
      officer.post(`${decision}/appeal-outcome`, {
        outcome: 'revoked',
        reasons: 'Identity not proven',
      }),
    );
    const reopened = await until('the case reopened', async () => {
      const { body } = await swcCase(caseId);
      return body.status === 'open' ? body : undefined;
    });
    expect(reopened.status).toBe('open');
    // Revocation retracted the publicity too.
    const view = await officer.get<{ publicity: string }>(decision);
    expect(view.body.publicity).not.toBe('published');
  });
});
