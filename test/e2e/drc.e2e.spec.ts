import {
  createTestIdentity,
  eventually,
  startApps,
  stopApps,
  type AppName,
  type RunningApp,
  type TestIdentity,
} from '@gridline/testing';

/**
 * The DRC over HTTP with the five apps and the real servers: risk warnings
 * issued, re-leveled and lifted; a livelihood project proposed, approved by
 * someone else, funded in tranches within its budget and completed; and the
 * project's events on the case's consolidated timeline at the gateway.
 */
describe('DRC: risk warnings and livelihood projects', () => {
  let identity: TestIdentity;
  let apps: Map<AppName, RunningApp> | undefined;
  let analyst: string;
  let drcCoordinator: string;
  let drcAdmin: string;
  let swcCoordinator: string;

  const url = (name: AppName) => {
    const app = apps?.get(name);
    if (!app) throw new Error(`${name} is not running`);
    return app.url;
  };

  beforeAll(async () => {
    identity = createTestIdentity();
    apps = await startApps(identity, { basePort: 13200 });
    analyst = await identity.token({ sub: 'analyst-3', agency: 'drc', roles: ['analyst'] });
    drcCoordinator = await identity.token({
      sub: 'coord-drc-1',
      agency: 'drc',
      roles: ['coordinator'],
    });
    drcAdmin = await identity.token({ sub: 'admin-drc-2', agency: 'drc', roles: ['admin'] });
    swcCoordinator = await identity.token({
      sub: 'coord-1',
      agency: 'swc',
      roles: ['coordinator'],
    });
  });

  afterAll(async () => {
    await stopApps(apps);
  });

  const post = (path: string, body: unknown, token: string) =>
    fetch(`${url('drc-service')}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });

  const get = async <T>(path: string, token: string): Promise<T> => {
    const response = await fetch(`${url('drc-service')}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };

  const warning = {
    kind: 'tourism-surge',
    level: 'yellow',
    area: { street: 'Shichahai', community: 'Yandaixie' },
    description: 'Visitors for the lantern festival expected at three times the usual number',
    signal: { indicator: 'daily visitors', observed: 42000, baseline: 14000, unit: 'people/day' },
  };

  async function issueWarning(): Promise<{ warningId: string; caseId: string }> {
    const response = await post('/api/warnings', warning, analyst);
    expect(response.status).toBe(201);
    return (await response.json()) as { warningId: string; caseId: string };
  }

  it('an analyst issues a warning, raises it, and lifts it with a reason', async () => {
    const { warningId, caseId } = await issueWarning();
    expect(caseId).toMatch(/^[0-9a-f-]{36}$/);

    const raised = await post(`/api/warnings/${warningId}/level`, { level: 'red' }, analyst);
    expect(raised.status).toBe(201);
    const unchanged = await post(`/api/warnings/${warningId}/level`, { level: 'red' }, analyst);
    expect(unchanged.status).toBe(422);
    expect(await unchanged.json()).toMatchObject({ error: 'level-unchanged' });

    const lifted = await post(
      `/api/warnings/${warningId}/lift`,
      { reason: 'festival over, visitor numbers back to baseline' },
      drcCoordinator,
    );
    expect(lifted.status).toBe(201);
    expect(await get(`/api/warnings/${warningId}`, analyst)).toMatchObject({
      warningId,
      caseId,
      status: 'lifted',
      level: 'red',
      revision: 2,
    });

    const again = await post(`/api/warnings/${warningId}/level`, { level: 'blue' }, analyst);
    expect(again.status).toBe(422);
    expect(await again.json()).toMatchObject({ error: 'warning-lifted' });
  });

  it('refuses a bad warning naming every bad field, other agencies, and unknown warnings', async () => {
    const bad = await post(
      '/api/warnings',
      { ...warning, level: 'purple', area: { grid: 'nowhere' }, extra: true },
      analyst,
    );
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { problems: { field: string }[] };
    expect(body.problems.map((p) => p.field).sort()).toEqual(
      ['/area/grid', '/area/street', '/extra', '/level'].sort(),
    );

    expect((await post('/api/warnings', warning, swcCoordinator)).status).toBe(403);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await post(`/api/warnings/${unknown}/lift`, { reason: 'x' }, analyst)).status).toBe(
      404,
    );
  });

  it('a project is proposed, approved by someone else, funded in tranches within budget, completed, and shows on the case timeline', async () => {
    const { caseId } = await issueWarning();
    const proposal = {
      caseId,
      title: 'Designated vending zone by Xinjiekou primary school',
      description: 'Twelve licensed stalls with awnings, 150 m from the school gate',
      budget: 120000,
      location: {
        street: 'Xinjiekou',
        community: 'Zhaodengyu',
        grid: 'G-0312',
        description: 'car park east of the school',
      },
    };
    const proposed = await post('/api/projects', proposal, drcCoordinator);
    expect(proposed.status).toBe(201);
    const { projectId } = (await proposed.json()) as { projectId: string };
    const project = (path: string) => `/api/projects/${projectId}${path}`;

    const byProposer = await post(project('/approve'), {}, drcCoordinator);
    expect(byProposer.status).toBe(422);
    expect(await byProposer.json()).toMatchObject({ error: 'proposer-cannot-decide' });
    expect((await post(project('/approve'), {}, drcAdmin)).status).toBe(201);

    expect((await post(project('/fundings'), { amount: 50000 }, drcAdmin)).status).toBe(201);
    expect((await post(project('/fundings'), { amount: 40000 }, drcAdmin)).status).toBe(201);
    const overBudget = await post(project('/fundings'), { amount: 30001 }, drcAdmin);
    expect(overBudget.status).toBe(422);
    expect(await overBudget.json()).toMatchObject({
      error: 'over-budget',
      details: { approvedBudget: 120000, fundedTotal: 90000, remaining: 30000 },
    });

    const completed = await post(
      project('/complete'),
      { outcome: 'zone open; four vendors took stalls' },
      drcCoordinator,
    );
    expect(completed.status).toBe(201);
    expect(await get(project(''), analyst)).toMatchObject({
      status: 'completed',
      caseId,
      tranches: 2,
      fundedTotal: 90000,
      revision: 4,
    });

    interface Entry {
      agency: string;
      type: string;
      actor: { id: string };
      summary: string;
    }
    const drcEntries = await eventually(
      async () => {
        const response = await fetch(`${url('gateway')}/api/cases/${caseId}/timeline`, {
          headers: { authorization: `Bearer ${swcCoordinator}` },
        });
        if (response.status !== 200) return undefined;
        const { entries } = (await response.json()) as { entries: Entry[] };
        // Other agencies may react to the warning on the same case: keep the DRC's entries.
        const ours = entries.filter((e) => e.agency === 'drc');
        return ours.length >= 6 ? ours : undefined;
      },
      60_000,
      'the warning and five project entries on the case timeline',
    );
    expect(drcEntries.map((e) => e.type)).toEqual([
      'drc.warning.issued.v1',
      'drc.project.proposed.v1',
      'drc.project.approved.v1',
      'drc.project.funded.v1',
      'drc.project.funded.v1',
      'drc.project.completed.v1',
    ]);
    expect(drcEntries[2]).toMatchObject({ actor: { id: 'admin-drc-2' } });
    expect(drcEntries[4]?.summary).toContain('tranche 2');
  });

  it('a project body with bad fields is refused naming each one', async () => {
    const response = await post(
      '/api/projects',
      { caseId: 'not-a-uuid', title: '', description: 'x', budget: 10.5, location: {} },
      drcCoordinator,
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { problems: { field: string }[] };
    expect(body.problems.map((p) => p.field)).toEqual(
      expect.arrayContaining(['/caseId', '/title', '/budget', '/location/grid']),
    );
  });

  it('lists the DRC endpoints in its OpenAPI document', async () => {
    const response = await fetch(`${url('drc-service')}/api/docs-json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/warnings',
        '/api/warnings/{warningId}/level',
        '/api/projects/{projectId}/fundings',
      ]),
    );
  });
});
