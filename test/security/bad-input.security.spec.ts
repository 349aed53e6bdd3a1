import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { signDevToken } from '@gridline/platform';
import {
  grantCredential,
  client,
  createIsolatedStores,
  createTestIdentity,
  startApps,
  stopApps,
  type AppName,
  type IsolatedStores,
  type RunningApp,
} from '@gridline/testing';
import { spawnSync } from 'node:child_process';
import pg from 'pg';

/**
 * Bad input against the running services: each is refused with a clear error,
 * and nothing is stored. A store of its own, so "nothing stored" is a count.
 */
describe('security: bad input is refused and stores nothing', () => {
  let apps: Map<AppName, RunningApp> | undefined;
  let stores: IsolatedStores;
  let db: pg.Pool;
  const identity = createTestIdentity();
  const url = (name: AppName) => apps?.get(name)?.url ?? '';
  let workerToken: string;

  const place = {
    street: 'Xinjiekou',
    community: 'Zhaodengyu',
    grid: 'G-0312',
    description: 'gate',
  };
  const report = {
    category: 'noise',
    severity: 'low',
    location: place,
    description: 'Generator running all night',
  };
  /**
   * Events recorded for these principals. (Not all events: the agencies' reactions
   * to earlier tests' commands keep arriving, recorded by the services themselves.)
   */
  const eventsBy = async (actors: readonly string[]) =>
    Number(
      (
        await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM gridline_events WHERE metadata->'actor'->>'id' = ANY($1)`,
          [actors],
        )
      ).rows[0]?.n,
    );
  /** Runs `attempt` and checks that nothing was stored for the principals it acted as. */
  const storesNothing = async (attempt: () => Promise<void>, actors = ['worker-1']) => {
    const before = await eventsBy(actors);
    await attempt();
    await new Promise((r) => setTimeout(r, 300));
    expect(await eventsBy(actors)).toBe(before);
  };
  const raw = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${url('street-service')}${path}`, {
      ...init,
      headers: {
        ...(init.token === undefined ? { authorization: `Bearer ${workerToken}` } : {}),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        'content-type': 'application/json',
        ...(init.headers as Record<string, string> | undefined),
      },
    });

  beforeAll(async () => {
    stores = await createIsolatedStores('gridline_security');
    db = new pg.Pool({ connectionString: stores.databaseUrl, max: 2 });
    apps = await startApps(identity, {
      basePort: 14300,
      env: { ...stores.env, WRITE_RATE_LIMIT_BURST: '40', WRITE_RATE_LIMIT_PER_SECOND: '1' },
    });
    workerToken = await identity.token({
      sub: 'worker-1',
      agency: 'street',
      roles: ['grid-worker'],
    });
  });
  afterAll(async () => {
    await stopApps(apps);
    await db?.end();
    await stores?.drop();
  });

  it('malformed JSON: 400', async () => {
    await storesNothing(async () => {
      const r = await raw('/api/issues', { method: 'POST', body: '{"category": "noise",' });
      expect(r.status).toBe(400);
    });
  });

  it('an oversized body: 413', async () => {
    await storesNothing(async () => {
      const r = await raw('/api/issues', {
        method: 'POST',
        body: JSON.stringify({ ...report, description: 'x'.repeat(2_000_000) }),
      });
      expect(r.status).toBe(413);
    });
  });

  it.each([
    ['a NUL character', 'a\u0000b', 'NUL'],
    ['a lone surrogate', 'a\ud800b', 'surrogate'],
    ['a terminal escape sequence', '\u001b[31mred\u001b[0m', 'control character'],
    ['a bell and a backspace', 'ding\u0007\b', 'control character'],
  ])('%s in any string: 400 naming the field, never a 500', async (_what, text, words) => {
    await storesNothing(async () => {
      for (const body of [
        { ...report, description: text },
        { ...report, location: { ...place, description: text } },
      ]) {
        const r = await raw('/api/issues', {
          method: 'POST',
          body: JSON.stringify(body),
          headers: { 'idempotency-key': randomUUID() },
        });
        expect(r.status).toBe(400);
        const answer = (await r.json()) as { problems: { field: string; message: string }[] };
        expect(answer.problems[0]?.message).toContain(words);
        expect(answer.problems[0]?.field).toMatch(/description$/);
      }
    });
  });

  it('10,000 levels of nesting with an Idempotency-Key: 400, never a 500', async () => {
    await storesNothing(async () => {
      const r = await raw('/api/issues', {
        method: 'POST',
        body: `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(r.status).toBe(400);
      expect(
        ((await r.json()) as { problems: { message: string }[] }).problems[0]?.message,
      ).toContain('nested deeper');
    });
  });

  it('wrong types and unknown fields: 400 naming each', async () => {
    await storesNothing(async () => {
      const r = await raw('/api/issues', {
        method: 'POST',
        body: JSON.stringify({ ...report, severity: 5, location: 'here', admin: true }),
      });
      expect(r.status).toBe(400);
      const body = (await r.json()) as { problems: { field: string }[] };
      const fields = body.problems.map((p) => p.field).join(' ');
      expect(fields).toMatch(/severity/);
      expect(fields).toMatch(/location/);
      expect(fields).toMatch(/admin/);
    });
  });

  it('MongoDB operators in query parameters: 400, never a filter', async () => {
    const coordinator = client(
      url('gateway'),
      await identity.token({ sub: 'c', agency: 'swc', roles: ['coordinator'] }),
    );
    for (const query of [
      'status[$ne]=x',
      'street[$gt]=',
      'riskLevel[$regex]=.*',
      'limit[$where]=1',
    ])
      expect({ query, status: (await coordinator.get(`/api/cases?${query}`)).status }).toEqual({
        query,
        status: 400,
      });
  });

  it('a NUL or another control character in a query parameter or inside a cursor: 400 naming it', async () => {
    const coordinator = client(
      url('gateway'),
      await identity.token({ sub: 'c', agency: 'swc', roles: ['coordinator'] }),
    );
    const cursor = (time: string, id: string) =>
      Buffer.from(JSON.stringify([time, id])).toString('base64url');
    for (const [query, parameter] of [
      ['street=%00', 'street'],
      ['grid=G%1B%5B31m', 'grid'],
      ['category=a%7Fb', 'category'],
      [`cursor=${cursor('\u0000', 'a')}`, 'cursor'],
      [`cursor=${cursor('2026-01-01T00:00:00.000Z', 'x'.repeat(500))}`, 'cursor'],
    ] as const) {
      const r = await coordinator.get<{ problems?: { parameter: string }[] }>(
        `/api/cases?${query}`,
      );
      expect({ query, status: r.status, named: r.body.problems?.map((p) => p.parameter) }).toEqual({
        query,
        status: 400,
        named: [parameter],
      });
    }
  });

  it('SQL injection strings are data, not SQL', async () => {
    const injection = `'); DROP TABLE gridline_events; --`;
    // In a path parameter: not a UUID, refused.
    await storesNothing(async () => {
      const r = await raw(`/api/issues/${encodeURIComponent(`1' OR '1'='1`)}/acknowledge`, {
        method: 'POST',
      });
      expect(r.status).toBe(400);
    });
    // In a field: stored as the text it is; the table is still there.
    const r = await raw('/api/issues', {
      method: 'POST',
      body: JSON.stringify({ ...report, description: injection }),
    });
    expect(r.status).toBe(201);
    const { rows } = await db.query<{ d: string }>(
      `SELECT data->>'description' AS d FROM gridline_events WHERE event_type = 'street.issue.reported.v1'`,
    );
    expect(rows.map((row) => row.d)).toContain(injection);
    // In a query parameter of the read side: no match, no error.
    const gateway = client(
      url('gateway'),
      await identity.token({ sub: 'c', agency: 'swc', roles: ['coordinator'] }),
    );
    const list = await gateway.get<{ items: unknown[] }>(
      `/api/cases?street=${encodeURIComponent("' OR 1=1 --")}`,
    );
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
  });

  it('forged, expired, wrong-audience, wrong-issuer and missing tokens: 401', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const otherKey = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const claims = { sub: 'worker-1', agency: 'street' as const, roles: ['grid-worker' as const] };
    const options = { issuer: identity.issuer, audience: identity.audience };
    const tokens = {
      forged: await signDevToken(otherKey, claims, options),
      expired: await signDevToken(
        (await import('node:fs')).readFileSync(identity.privateKeyFile, 'utf8'),
        claims,
        { ...options, expiresIn: '-1m' },
      ),
      wrongAudience: await signDevToken(
        (await import('node:fs')).readFileSync(identity.privateKeyFile, 'utf8'),
        claims,
        { ...options, audience: 'another-system' },
      ),
      wrongIssuer: await signDevToken(
        (await import('node:fs')).readFileSync(identity.privateKeyFile, 'utf8'),
        claims,
        { ...options, issuer: 'someone-else' },
      ),
      garbage: 'not.a.token',
      missing: '',
    };
    for (const [name, token] of Object.entries(tokens))
      await storesNothing(async () => {
        const r = await raw('/api/issues', {
          method: 'POST',
          body: JSON.stringify(report),
          token,
        });
        expect({ name, status: r.status }).toEqual({ name, status: 401 });
      });
  });

  it('cross-agency writes: 403', async () => {
    for (const agency of ['swc', 'drc'] as const) {
      const token = await identity.token({
        sub: `x-${agency}`,
        agency,
        roles: ['coordinator', 'officer'],
      });
      await storesNothing(async () => {
        const r = await raw('/api/issues', { method: 'POST', body: JSON.stringify(report), token });
        expect({ agency, status: r.status }).toEqual({ agency, status: 403 });
      }, [`x-${agency}`]);
    }
  });

  it('a reviewer reviewing their own decision: 422', async () => {
    const both = client(
      url('street-service'),
      await identity.token({
        sub: 'officer-and-reviewer',
        agency: 'street',
        roles: ['officer', 'legal-reviewer', 'admin'],
      }),
    );
    await grantCredential(both, 'officer-and-reviewer');
    const category = `vending-${randomUUID().slice(0, 8)}`;
    const { body: issue } = await both.post<{ caseId: string }>('/api/issues', {
      ...report,
      category,
    });
    await both.post(`/api/discretion-standards/${category}`, {
      ranges: [{ circumstance: 'aggravated', minYuan: 1000, maxYuan: 20000 }],
      legalBasis: 'City appearance regulations, art. 17',
    });
    const { body: subject } = await both.post<{ subjectId: string }>('/api/subjects', {
      caseId: issue.caseId,
      kind: 'business',
      name: 'Stall 12',
      identifier: '91110105MA00000000',
    });
    const photo = {
      kind: 'photo',
      sha256: 'a'.repeat(64),
      description: 'the stall',
      capturedAt: '2026-03-09T07:40:00.000Z',
      place,
    };
    const step = {
      subjectId: subject.subjectId,
      category,
      caseId: issue.caseId,
      place,
      explanation: 'Blocks the pavement',
    };
    expect((await both.post('/api/enforcement/reminders', step)).status).toBe(201);
    expect(
      (await both.post('/api/enforcement/warnings', { ...step, evidence: [photo] })).status,
    ).toBe(201);
    const proposed = await both.post<{ decisionId: string }>('/api/enforcement/penalties', {
      subjectId: subject.subjectId,
      category,
      caseId: issue.caseId,
      facts: 'Third time',
      legalBasis: 'City appearance regulations, art. 17',
      evidence: [photo],
      penalty: { circumstance: 'aggravated', amountYuan: 15000 },
    });
    expect(proposed.status).toBe(201);
    const decision = `/api/decisions/${proposed.body.decisionId}`;
    expect((await both.post(`${decision}/review-requests`)).status).toBe(201);
    await storesNothing(async () => {
      const r = await both.post(`${decision}/approve`, { note: 'looks fine to me' });
      expect(r.status).toBe(422);
      expect(r.body).toMatchObject({ error: 'reviewer-is-drafter' });
    }, ['officer-and-reviewer']);
  });

  it('evidence captured after it is recorded, or before 2000: 422 naming it, nothing stored', async () => {
    const officer = client(
      url('street-service'),
      await identity.token({
        sub: 'officer-captures',
        agency: 'street',
        roles: ['officer', 'admin'],
      }),
    );
    await grantCredential(officer, 'officer-captures');
    const category = `vending-${randomUUID().slice(0, 8)}`;
    const { body: issue } = await officer.post<{ caseId: string }>('/api/issues', {
      ...report,
      category,
    });
    const { body: subject } = await officer.post<{ subjectId: string }>('/api/subjects', {
      caseId: issue.caseId,
      kind: 'business',
      name: 'Stall 14',
      identifier: '91110105MA00000001',
    });
    const step = {
      subjectId: subject.subjectId,
      category,
      caseId: issue.caseId,
      place,
      explanation: 'Blocks the pavement',
    };
    const photo = (capturedAt: string) => ({
      kind: 'photo',
      sha256: 'b'.repeat(64),
      description: 'the stall',
      capturedAt,
      place,
    });
    expect((await officer.post('/api/enforcement/reminders', step)).status).toBe(201);
    for (const [capturedAt, error] of [
      ['9999-12-31T00:00:00.000Z', 'evidence-captured-later'],
      [new Date(Date.now() + 3_600_000).toISOString(), 'evidence-captured-later'],
      ['0001-01-01T00:00:00.000Z', 'evidence-captured-too-early'],
    ] as const)
      await storesNothing(async () => {
        const r = await officer.post('/api/enforcement/warnings', {
          ...step,
          evidence: [photo(capturedAt)],
        });
        expect({ capturedAt, status: r.status, body: r.body }).toMatchObject({
          capturedAt,
          status: 422,
          body: { error },
        });
      }, ['officer-captures']);
    // A minute ahead (a device's clock): within the skew, accepted.
    const ahead = await officer.post('/api/enforcement/warnings', {
      ...step,
      evidence: [photo(new Date(Date.now() + 60_000).toISOString())],
    });
    expect(ahead.status).toBe(201);
  });

  it('a subject or a project for a case the agency has no part in: 422 case-unknown, nothing stored', async () => {
    const officer = client(
      url('street-service'),
      await identity.token({ sub: 'officer-refs', agency: 'street', roles: ['officer'] }),
    );
    const drc = client(
      url('drc-service'),
      await identity.token({ sub: 'drc-refs', agency: 'drc', roles: ['coordinator', 'officer'] }),
    );
    const worker = client(url('street-service'), workerToken);
    const { body: reported } = await worker.post<{ caseId: string }>('/api/issues', report);
    // No case has this id.
    for (const caseId of [randomUUID()]) {
      await storesNothing(async () => {
        const project = await drc.post('/api/projects', {
          caseId,
          title: 'Designated vending zone',
          description: 'Twelve stalls on the square',
          budget: 10_000,
          location: report.location,
        });
        expect({ caseId, status: project.status, body: project.body }).toMatchObject({
          caseId,
          status: 422,
          body: { error: 'case-unknown' },
        });
      }, ['drc-refs']);
    }
    await storesNothing(async () => {
      const subject = await officer.post('/api/subjects', {
        caseId: randomUUID(),
        kind: 'business',
        name: 'Stall 40',
        identifier: '91110105MA00000040',
      });
      expect({ status: subject.status, body: subject.body }).toMatchObject({
        status: 422,
        body: { error: 'case-unknown' },
      });
    }, ['officer-refs']);
    // The case street reported is street's to act on.
    const known = await officer.post('/api/subjects', {
      caseId: reported.caseId,
      kind: 'business',
      name: 'Stall 41',
      identifier: '91110105MA00000041',
    });
    expect(known.status).toBe(201);
  });

  it('an idempotency key reused with a different body: 422, the first result kept', async () => {
    const worker = client(url('street-service'), workerToken);
    const key = { 'idempotency-key': `sec-${randomUUID()}` };
    const first = await worker.post<{ caseId: string }>('/api/issues', report, key);
    expect(first.status).toBe(201);
    await storesNothing(async () => {
      const other = await worker.post('/api/issues', { ...report, severity: 'high' }, key);
      expect(other.status).toBe(422);
    });
    const again = await worker.post<{ caseId: string }>('/api/issues', report, key);
    expect(again.body.caseId).toBe(first.body.caseId);
  });

  it('too many writes from one principal: 429 with Retry-After, others unaffected', async () => {
    const flooder = await identity.token({
      sub: 'flooder',
      agency: 'street',
      roles: ['grid-worker'],
    });
    // Invalid bodies: counted like any write, and they store nothing either way.
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        raw('/api/issues', { method: 'POST', body: JSON.stringify({}), token: flooder }),
      ),
    );
    const limited = answers.filter((r) => r.status === 429);
    const served = answers.filter((r) => r.status === 400);
    expect(served.length + limited.length).toBe(50);
    expect(served.length).toBeGreaterThanOrEqual(40);
    expect(served.length).toBeLessThanOrEqual(42); // the burst, and a token or two back meanwhile
    expect(Number(limited[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await limited[0]?.json()) as { message: string }).message).toMatch(/too many/);
    // Reads are not limited; another principal still writes.
    const other = client(
      url('street-service'),
      await identity.token({ sub: 'calm-worker', agency: 'street', roles: ['grid-worker'] }),
    );
    expect((await other.post('/api/issues', report)).status).toBe(201);
  });

  it('a row edited in PostgreSQL: the integrity API and `gridline verify` name the broken link', async () => {
    const worker = client(url('street-service'), workerToken);
    const { issueId } = (
      await worker.post<{ issueId: string }>('/api/issues', {
        ...report,
        description: 'Stall blocking the fire lane',
      })
    ).body;
    const streamId = `street-issue-${issueId}`;
    const coordinator = client(
      url('gateway'),
      await identity.token({ sub: 'coord-1', agency: 'swc', roles: ['coordinator'] }),
    );
    const adminToken = await identity.token({ sub: 'admin-1', agency: 'swc', roles: ['admin'] });
    const admin = client(url('gateway'), adminToken);
    const before = await coordinator.get<{ intact: boolean; events: number }>(
      `/api/integrity/streams/${streamId}`,
    );
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ intact: true });
    expect(before.body.events).toBeGreaterThanOrEqual(1);
    expect((await admin.get<{ intact: boolean }>('/api/integrity')).body.intact).toBe(true);
    const verifyExportOf = async () => {
      const exported = await fetch(`${url('gateway')}/api/exports?agency=street`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(exported.status).toBe(200);
      const checked = await fetch(`${url('gateway')}/api/integrity/exports`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${adminToken}`,
          'content-type': 'application/x-ndjson',
        },
        body: await exported.text(),
      });
      expect(checked.status).toBe(200);
      return (await checked.json()) as {
        intact: boolean;
        lines: number;
        firstBroken?: { streamId: string };
      };
    };
    const cleanExport = await verifyExportOf();
    expect(cleanExport.intact).toBe(true);
    expect(cleanExport.lines).toBeGreaterThanOrEqual(1);

    // Someone with database access rewrites what was reported.
    await db.query(
      `UPDATE gridline_events SET data = jsonb_set(data, '{description}', '"Nothing there"')
        WHERE stream_id = $1 AND stream_revision = 0`,
      [streamId],
    );
    const after = await coordinator.get<{
      intact: boolean;
      firstBroken: { streamId: string; revision: number; reason: string };
    }>(`/api/integrity/streams/${streamId}`);
    expect(after.body).toMatchObject({
      intact: false,
      firstBroken: { streamId, revision: 0, reason: 'content-changed' },
    });
    const whole = await admin.get<{ intact: boolean; firstBroken: { streamId: string } }>(
      '/api/integrity',
    );
    expect(whole.body).toMatchObject({ intact: false, firstBroken: { streamId } });
    // An export taken now carries the edit, and the stored hash that gives it away.
    expect(await verifyExportOf()).toMatchObject({ intact: false, firstBroken: { streamId } });
    expect(
      (
        await fetch(`${url('gateway')}/api/integrity/exports`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/plain' },
          body: 'x',
        })
      ).status,
    ).toBe(415);

    // The same finding from the command line, with its exit code.
    const cli = spawnSync(
      process.execPath,
      ['scripts/gridline.mjs', 'verify', '--stream', streamId],
      {
        env: { ...process.env, DATABASE_URL: stores.databaseUrl },
        encoding: 'utf8',
      },
    );
    expect(cli.status).toBe(3);
    expect(cli.stderr).toContain(`first broken link: ${streamId} revision 0`);
    expect(cli.stderr).toContain('content-changed');

    // Who may ask, and what is refused.
    const worker2 = client(url('gateway'), workerToken);
    expect((await worker2.get('/api/integrity')).status).toBe(403);
    expect((await coordinator.get('/api/integrity')).status).toBe(403);
    expect(
      (await client(url('gateway'), '').get(`/api/integrity/streams/${streamId}`)).status,
    ).toBe(401);
    expect((await coordinator.get('/api/integrity/streams/elsewhere-x')).status).toBe(400);
    expect(
      (await coordinator.get(`/api/integrity/streams/street-issue-${randomUUID()}`)).status,
    ).toBe(404);
  });
});
