import {
  createTestIdentity,
  eventually,
  startApps,
  stopApps,
  type AppName,
  type RunningApp,
  type TestIdentity,
  scrapeMetrics,
} from '@gridline/testing';

/**
 * The walking skeleton across five processes and the real servers: a street
 * report over HTTP becomes an event, the relay publishes it to Kafka, SWC opens
 * a case in reaction, the projector writes both into MongoDB, and the gateway
 * serves the consolidated timeline.
 */
describe('walking skeleton: report → Kafka → SWC case → projector → gateway', () => {
  let identity: TestIdentity;
  let apps: Map<AppName, RunningApp> | undefined;
  let gridWorker: string;
  let coordinator: string;

  const url = (name: AppName) => {
    const app = apps?.get(name);
    if (!app) throw new Error(`${name} is not running`);
    return app.url;
  };
  const scraped = async (name: AppName) => (await scrapeMetrics(apps!.get(name)!)).text();

  const report = {
    category: 'street-vending',
    location: {
      street: 'Xinjiekou',
      community: 'Zhaodengyu',
      grid: 'G-0312',
      description: 'school gate, north side',
    },
    description: 'Unlicensed vending near the school gate at pick-up time',
    severity: 'medium',
  };

  beforeAll(async () => {
    identity = createTestIdentity();
    apps = await startApps(identity, { basePort: 13000 });
    gridWorker = await identity.token({
      sub: 'worker-17',
      agency: 'street',
      roles: ['grid-worker'],
    });
    coordinator = await identity.token({ sub: 'coord-1', agency: 'swc', roles: ['coordinator'] });
  });

  afterAll(async () => {
    await stopApps(apps);
  });

  const post = (path: string, body: unknown, token?: string, idempotencyKey?: string) =>
    fetch(`${url('street-service')}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: JSON.stringify(body),
    });

  it('refuses a report without a token, from another agency, or with bad fields', async () => {
    expect((await post('/api/issues', report)).status).toBe(401);
    expect((await post('/api/issues', report, coordinator)).status).toBe(403);

    const bad = await post(
      '/api/issues',
      {
        ...report,
        severity: 'apocalyptic',
        location: { ...report.location, grid: 'nowhere' },
        extra: 1,
      },
      gridWorker,
    );
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { problems: { field: string }[] };
    expect(body.problems.map((p) => p.field).sort()).toEqual(
      ['/extra', '/location/grid', '/severity'].sort(),
    );
  });

  it('a report shows up on the case timeline with the SWC case it caused, in order', async () => {
    const response = await post('/api/issues', report, gridWorker);
    expect(response.status).toBe(201);
    const reported = (await response.json()) as {
      issueId: string;
      caseId: string;
      eventId: string;
    };

    interface Entry {
      eventId: string;
      agency: string;
      type: string;
      time: string;
      actor: { id: string; agency: string };
      summary: string;
      causationId: string;
    }
    const entries = await eventually(
      async () => {
        const res = await fetch(`${url('gateway')}/api/cases/${reported.caseId}/timeline`, {
          headers: { authorization: `Bearer ${coordinator}` },
        });
        if (res.status !== 200) return undefined;
        const body = (await res.json()) as { entries: Entry[] };
        return body.entries.length >= 2 ? body.entries : undefined;
      },
      60_000,
      'two timeline entries',
    );

    expect(entries).toHaveLength(2);
    const [first, second] = entries;
    expect(first).toMatchObject({
      eventId: reported.eventId,
      agency: 'street',
      type: 'street.issue.reported.v1',
      actor: { id: 'worker-17', agency: 'street' },
    });
    expect(first?.summary).toContain('G-0312');
    expect(second).toMatchObject({
      agency: 'swc',
      type: 'swc.case.opened.v1',
      actor: { id: 'swc-service', agency: 'swc' },
      causationId: reported.eventId,
    });
    expect(Date.parse(second?.time ?? '')).toBeGreaterThanOrEqual(Date.parse(first?.time ?? ''));

    const caseView = await fetch(`${url('gateway')}/api/cases/${reported.caseId}`, {
      headers: { authorization: `Bearer ${coordinator}` },
    });
    expect(caseView.status).toBe(200);
    expect(await caseView.json()).toMatchObject({
      caseId: reported.caseId,
      status: 'open',
      location: { grid: 'G-0312' },
    });
  });

  it('the gateway hides a case from an agency that takes no part in it', async () => {
    const response = await post('/api/issues', report, gridWorker);
    const { caseId } = (await response.json()) as { caseId: string };
    const drcStaff = await identity.token({ sub: 'drc-1', agency: 'drc', roles: ['grid-worker'] });
    const forbidden = await eventually(async () => {
      const res = await fetch(`${url('gateway')}/api/cases/${caseId}`, {
        headers: { authorization: `Bearer ${drcStaff}` },
      });
      return res.status === 404 ? undefined : res.status;
    });
    expect(forbidden).toBe(403);
  });

  it('an Idempotency-Key returns the first result for a retry and refuses another body', async () => {
    const key = `report-${Date.now()}`;
    const first = await post('/api/issues', report, gridWorker, key);
    const again = await post('/api/issues', report, gridWorker, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    const a = (await first.json()) as { issueId: string; eventId: string };
    const b = (await again.json()) as { issueId: string; eventId: string };
    expect(b).toEqual(a);
    const issue = await fetch(`${url('street-service')}/api/issues/${a.issueId}`, {
      headers: { authorization: `Bearer ${gridWorker}` },
    });
    expect(((await issue.json()) as { revision: number }).revision).toBe(0);

    const other = await post('/api/issues', { ...report, severity: 'high' }, gridWorker, key);
    expect(other.status).toBe(422);
    expect((await post('/api/issues', report, gridWorker, 'bad key with spaces')).status).toBe(400);
  });

  it('serves its OpenAPI document without a token', async () => {
    const response = await fetch(`${url('street-service')}/api/docs-json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toContain('/api/issues');
  });

  it('serves Prometheus metrics to the scraper: relay lag, append latency, consumer lag', async () => {
    const street = await scraped('street-service');
    expect(street).toMatch(/^gridline_relay_lag_events \d+$/m);
    expect(street).toMatch(/^gridline_relay_active 1$/m);
    expect(street).toMatch(
      /gridline_event_store_append_duration_seconds_count\{outcome="ok"\} [1-9]/,
    );
    expect(street).toMatch(
      /gridline_http_request_duration_seconds_count\{method="POST",route="\/api\/issues",status="201"\} [1-9]/,
    );
    expect(street).toMatch(/^gridline_dead_letter_messages \d+$/m);
    const swc = await scraped('swc-service');
    expect(swc).toMatch(
      /gridline_consumer_lag_messages\{group="e2e\.swc-service\.reactions"\} \d+/,
    );
    expect(swc).toMatch(
      /gridline_consumer_messages_handled\{group="e2e\.swc-service\.reactions"\} [1-9]/,
    );
    const projector = await scraped('projector');
    expect(projector).toMatch(
      /gridline_consumer_lag_messages\{group="e2e\.projector\.case-timeline"\} \d+/,
    );
    const gateway = await scraped('gateway');
    expect(gateway).toMatch(
      /gridline_http_request_duration_seconds_count\{method="GET",route="\/api\/cases\/:caseId\/timeline",status="200"\} [1-9]/,
    );
  });
});
