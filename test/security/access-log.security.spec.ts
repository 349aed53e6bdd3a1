import {
  createIsolatedStores,
  createTestIdentity,
  startApps,
  stopApps,
  type AppName,
  type IsolatedStores,
  type RunningApp,
} from '@gridline/testing';

/**
 * The access log and the redaction (docs/operations.md, "Logs"): the street
 * service, started as `npm start` starts it, gets a resident's report with a
 * phone number, sent with a bearer token and a cookie, a refusal, and a request
 * id of the caller's. Its output has one line per request with what operators
 * need, and neither the token, the cookie nor the phone number anywhere.
 */
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('security: one access line per request, and no token or personal datum in any log line', () => {
  const identity = createTestIdentity();
  let stores: IsolatedStores;
  let apps: Map<AppName, RunningApp> | undefined;

  beforeAll(async () => {
    stores = await createIsolatedStores('gridline_access_log');
    apps = await startApps(identity, {
      basePort: 17400,
      only: ['street-service'],
      env: stores.env,
    });
  });
  afterAll(async () => {
    await stopApps(apps);
    await stores?.drop();
  });

  interface LogLine {
    message: string;
    method?: string;
    route?: string | null;
    path?: string;
    status?: number;
    durationMs?: number;
    principalId?: string | null;
    agency?: string | null;
    requestId?: string;
    traceparent?: string | null;
  }

  const lines = (): LogLine[] =>
    (apps?.get('street-service')?.output ?? [])
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);

  it('logs method, route, status, duration, principal, request id and traceparent; never the token, cookie or phone', async () => {
    const street = apps!.get('street-service')!;
    const token = await identity.token({
      sub: 'worker-log-1',
      agency: 'street',
      roles: ['grid-worker'],
    });
    const phone = '+86 139 0000 2222';
    const reported = await fetch(`${street.url}/api/issues?`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        cookie: 'session=s3cr3t-cookie-value',
        'content-type': 'application/json',
        'x-request-id': 'req-log-test-1',
        traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`,
      },
      body: JSON.stringify({
        category: 'noise',
        severity: 'low',
        location: {
          street: 'Xinjiekou',
          community: 'Zhaodengyu',
          grid: 'G-0312',
          description: 'market',
        },
        description: 'Loudspeaker every morning',
        source: 'resident-complaint',
        reporterContact: phone,
      }),
    });
    expect(reported.status).toBe(201);
    expect(reported.headers.get('x-request-id')).toBe('req-log-test-1');
    // A refusal, with the token in a place it should never be echoed from.
    const refused = await fetch(`${street.url}/api/issues`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}x`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(401);
    const generated = refused.headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);

    // The lines are written when each response finishes.
    await new Promise((r) => setTimeout(r, 200));
    const access = lines().filter((l) => l.message === 'request' && l.path === '/api/issues');
    expect(access).toEqual([
      expect.objectContaining({
        method: 'POST',
        route: '/api/issues',
        status: 201,
        principalId: 'worker-log-1',
        agency: 'street',
        requestId: 'req-log-test-1',
      }),
      expect.objectContaining({
        method: 'POST',
        status: 401,
        principalId: null,
        requestId: generated,
      }),
    ]);
    expect(access[0]!.durationMs).toBeGreaterThan(0);
    // The caller's trace (the server span's own id within it, when tracing is on).
    expect(access[0]!.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-0[01]$`));

    const everything = (street.output ?? []).join('');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain('s3cr3t-cookie-value');
    expect(everything).not.toContain('139 0000 2222');
    expect(everything).not.toContain('13900002222');
  });

  it('leaves health probes out of the access log', async () => {
    const street = apps!.get('street-service')!;
    expect((await fetch(`${street.url}/health/live`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(lines().filter((l) => l.message === 'request' && l.path?.startsWith('/health'))).toEqual(
      [],
    );
  });
});
