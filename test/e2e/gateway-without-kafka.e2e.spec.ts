import {
  createTestIdentity,
  eventually,
  startInstance,
  stopApps,
  type RunningApp,
} from '@gridline/testing';

/**
 * The gateway serves reads while Kafka cannot be reached: its live feed follows
 * in the background with retries, and readiness says the feed is missing (so a
 * load balancer may keep it out of rotation while the reads still work).
 */
describe('gateway without Kafka', () => {
  const identity = createTestIdentity();
  let gateway: RunningApp | undefined;

  beforeAll(async () => {
    gateway = await startInstance(identity, 'gateway', {
      port: 15500,
      // Nothing listens on port 1: every connection is refused.
      env: { KAFKA_BROKERS: '127.0.0.1:1' },
      waitFor: 'live',
    });
  });

  afterAll(async () => {
    await stopApps(gateway ? [gateway] : undefined);
  });

  it('starts, answers reads, and reports the missing feed in readiness', async () => {
    const url = gateway?.url ?? '';
    const readiness = await eventually(
      async () => {
        const response = await fetch(`${url}/health/ready`);
        const body = (await response.json()) as {
          checks?: Record<string, { ok: boolean; error?: string }>;
        };
        return response.status === 503 && body.checks ? body : undefined;
      },
      30_000,
      'readiness answering 503 with its checks',
    );
    expect(readiness.checks).toMatchObject({
      feed: {
        ok: false,
        error: expect.stringContaining('not following the timeline feed') as unknown,
      },
      mongo: { ok: true },
    });

    const token = await identity.token({ sub: 'coord-1', agency: 'swc', roles: ['coordinator'] });
    const cases = await fetch(`${url}/api/cases?limit=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(cases.status).toBe(200);
    expect(await cases.json()).toMatchObject({ items: expect.any(Array) as unknown });

    // Still up well after the start-up wait for the feed (10 s) has passed.
    await new Promise((r) => setTimeout(r, 11_000));
    expect(gateway?.process.exitCode).toBeNull();
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
  });
});
