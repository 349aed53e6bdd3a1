import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  client,
  createTestIdentity,
  eventually,
  startApps,
  stopApps,
  type AppName,
  type RunningApp,
} from '@gridline/testing';

const root = path.resolve(import.meta.dirname, '..', '..');

/**
 * `npm run demo` against the five apps with simulated time: it seeds two months
 * of history through the public APIs, and the events carry the simulated times.
 */
describe('demo command', () => {
  let apps: Map<AppName, RunningApp> | undefined;
  const identity = createTestIdentity();

  beforeAll(async () => {
    apps = await startApps(identity, {
      basePort: 13500,
      env: { GRIDLINE_SIMULATED_CLOCK: 'true' },
    });
  });

  afterAll(async () => {
    await stopApps(apps);
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
});
