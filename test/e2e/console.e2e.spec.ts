import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AGENCIES,
  agencyEventsTopic,
  agencyInboundTopic,
  deadLetterTopic,
  INBOUND_COMMAND_CONTRACTS,
} from '@gridline/contracts';
import { createKafka, ensureTopics, silentLogger } from '@gridline/messaging';
import {
  client,
  createTestIdentity,
  startApps,
  startInstance,
  stopApps,
  testInfra,
  type AppName,
  type RunningApp,
  scrapeMetrics,
  ownerKafkaSecurity,
} from '@gridline/testing';

/**
 * The gateway as the console's web server (apps/gateway/src/console): static
 * files from a console build (here a small one of the test's own, through
 * CONSOLE_DIR, so the rules are checked whatever the real console holds; the
 * browser tests load the real one), the page for the console's routes, nothing
 * of it in the way of the API; 503 with what to do when there is no build. And
 * the dead-letter counts the console's rebuild monitor shows.
 */
describe('the gateway serving the console', () => {
  const identity = createTestIdentity();
  // Topics of this test's own: the dead-letter counts start from nothing.
  const namespace = `console-${randomBytes(3).toString('hex')}`;
  const build = mkdtempSync(path.join(tmpdir(), 'gridline-console-'));
  const page =
    '<!doctype html><html lang="zh-CN"><script type="module" src="/assets/index-3f9a1c.js"></script></html>';
  let apps: Map<AppName, RunningApp> | undefined;
  let unbuilt: RunningApp | undefined;
  let base = '';

  beforeAll(async () => {
    writeFileSync(path.join(build, 'index.html'), page);
    mkdirSync(path.join(build, 'assets'));
    writeFileSync(path.join(build, 'assets', 'index-3f9a1c.js'), 'console.log("gridline");\n');
    writeFileSync(path.join(build, 'assets', 'index-77b2e0.css'), 'body { margin: 0 }\n');
    writeFileSync(path.join(build, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    apps = await startApps(identity, {
      basePort: 16100,
      only: ['gateway'],
      env: { CONSOLE_DIR: build, KAFKA_NAMESPACE: namespace },
    });
    base = apps.get('gateway')?.url ?? '';
    unbuilt = await startInstance(identity, 'gateway', {
      port: 16110,
      env: { CONSOLE_DIR: path.join(build, 'not-built'), KAFKA_NAMESPACE: namespace },
    });
  });

  afterAll(async () => {
    await stopApps([...(apps?.values() ?? []), ...(unbuilt ? [unbuilt] : [])]);
  });

  const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

  function expectSecurityHeaders(response: Response) {
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  }

  it('serves the page at / without a token, never cached, under a strict CSP', async () => {
    const response = await fetch(`${base}/`, { headers: html });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expectSecurityHeaders(response);
    expect(await response.text()).toBe(page);
    // no-cache: the browser revalidates, and an unchanged page costs a 304.
    const etag = response.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    const again = await fetch(`${base}/`, { headers: { ...html, 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it("serves the page for the console's own routes (history-API routing)", async () => {
    for (const route of [
      '/board',
      '/cases/swc-case-123?asOf=2026-03-01T00:00:00Z',
      '/operations',
    ]) {
      const response = await fetch(`${base}${route}`, { headers: html });
      expect([route, response.status]).toEqual([route, 200]);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expectSecurityHeaders(response);
      expect(await response.text()).toBe(page);
    }
  });

  it('serves hashed assets with their types and an immutable long cache; 404 for a missing one', async () => {
    const script = await fetch(`${base}/assets/index-3f9a1c.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expectSecurityHeaders(script);
    expect(await script.text()).toBe('console.log("gridline");\n');
    const style = await fetch(`${base}/assets/index-77b2e0.css`);
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const icon = await fetch(`${base}/favicon.svg`);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('cache-control')).toBe('public, max-age=300');
    const head = await fetch(`${base}/assets/index-3f9a1c.js`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);

    // A missing asset is a 404, even for a browser asking for a page: never the page.
    for (const missing of ['/assets/index-000000.js', '/assets/gone.css', '/robots.txt']) {
      const response = await fetch(`${base}${missing}`, { headers: html });
      expect([missing, response.status]).toEqual([missing, 404]);
      expect(await response.text()).not.toContain('<html');
    }
    // A route asked for by a script (not a page) is not the page either.
    expect((await fetch(`${base}/board`, { headers: { accept: 'application/json' } })).status).toBe(
      404,
    );
  });

  it('keeps files outside the build out of reach', async () => {
    for (const sneaky of [
      '/../../package.json',
      '/assets/..%2F..%2Fpackage.json',
      '/%2e%2e/x.js',
    ]) {
      const response = await fetch(`${base}${sneaky}`);
      expect([sneaky, response.status]).toEqual([sneaky, 404]);
    }
  });

  it('leaves the API, health, metrics and the API docs to the gateway', async () => {
    const anonymous = await fetch(`${base}/api/cases`, { headers: html });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/json/);
    expect(anonymous.headers.get('content-security-policy')).toBeNull();
    const unknown = await fetch(`${base}/api/no-such-thing`, { headers: html });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).not.toContain('<html lang="zh-CN">');
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    // Not the console's either: the scraper's (401 without its token).
    expect((await fetch(`${base}/metrics`, { headers: html })).status).toBe(401);
    const metrics = await scrapeMetrics(apps!.get('gateway')!);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('# HELP');
    const docs = await fetch(`${base}/api/docs-json`);
    expect(docs.status).toBe(200);
    // Writes to a console path are not the console's: the gateway answers them.
    expect((await fetch(`${base}/board`, { method: 'POST' })).status).toBe(404);
    const coordinator = client(
      base,
      await identity.token({ sub: 'coord-1', agency: 'swc', roles: ['coordinator'] }),
    );
    expect((await coordinator.get('/api/cases?limit=1')).status).toBe(200);
  });

  it('answers 503 saying to run the build when there is no console build, and keeps serving the API', async () => {
    const url = unbuilt?.url ?? '';
    for (const route of ['/', '/board']) {
      const response = await fetch(`${url}${route}`, { headers: html });
      expect([route, response.status]).toEqual([route, 503]);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await response.text()).toContain('npm run build');
    }
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${url}/api/cases`)).status).toBe(401);
  });

  it('counts the dead letters of every agency and inbound topic for admins (missing topics hold 0)', async () => {
    const name = (topic: string) => deadLetterTopic(`${namespace}.${topic}`);
    const inbound = [...new Set(Object.values(INBOUND_COMMAND_CONTRACTS).map((c) => c.agency))];
    const expected = [
      ...AGENCIES.map((a) => name(agencyEventsTopic(a))),
      ...inbound.map((a) => name(agencyInboundTopic(a))),
    ];
    // Two letters parked for the street topic; the others not created yet.
    const kafka = createKafka(
      {
        brokers: testInfra().kafkaBrokers,
        clientId: 'console-e2e',
        security: ownerKafkaSecurity(),
      },
      silentLogger,
    );
    const street = name(agencyEventsTopic('street'));
    await ensureTopics(kafka, [street], 2);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: street,
      messages: [
        { key: 'a', value: 'not a CloudEvent', partition: 0 },
        { key: 'b', value: 'neither', partition: 1 },
      ],
    });
    await producer.disconnect();

    const admin = client(
      base,
      await identity.token({ sub: 'ops-1', agency: 'swc', roles: ['admin'] }),
    );
    const { status, body } = await admin.get<{ topics: { topic: string; messages: number }[] }>(
      '/api/admin/dead-letters',
    );
    expect(status).toBe(200);
    expect(body.topics.map((t) => t.topic)).toEqual(expected);
    expect(body.topics.filter((t) => t.messages > 0)).toEqual([{ topic: street, messages: 2 }]);

    for (const roles of [['coordinator'], ['analyst']] as const) {
      const other = client(
        base,
        await identity.token({ sub: 'someone', agency: 'swc', roles: [...roles] }),
      );
      expect((await other.get('/api/admin/dead-letters')).status).toBe(403);
    }
    expect((await fetch(`${base}/api/admin/dead-letters`)).status).toBe(401);
  });
});
