import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SpanRecord } from '@gridline/telemetry';
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
 * One command is one trace across services: a report to the street service,
 * its relay publishing to Kafka, SWC consuming it and opening a case (appending,
 * publishing), the projector consuming both. Each app writes its spans to a file
 * (GRIDLINE_TRACES=file:…); the test joins them.
 */
describe('tracing (OpenTelemetry)', () => {
  let apps: Map<AppName, RunningApp> | undefined;
  const identity = createTestIdentity();
  const dir = mkdtempSync(path.join(tmpdir(), 'gridline-traces-'));
  const url = (name: AppName) => apps?.get(name)?.url ?? '';

  beforeAll(async () => {
    apps = await startApps(identity, {
      basePort: 14100,
      env: { GRIDLINE_TRACES: `file:${dir}/{service}.ndjson` },
    });
  });
  afterAll(async () => {
    await stopApps(apps);
  });

  const allSpans = (): SpanRecord[] =>
    ['street-service', 'swc-service', 'drc-service', 'projector', 'gateway'].flatMap((service) => {
      const file = path.join(dir, `${service}.ndjson`);
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as SpanRecord);
    });
  const spansOf = (traceId: string): SpanRecord[] =>
    allSpans().filter((span) => span.traceId === traceId);

  it('follows a report from the HTTP request through Kafka to SWC and the projector', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const token = await identity.token({ sub: 'w', agency: 'street', roles: ['grid-worker'] });
    const worker = client(url('street-service'), token);
    const reported = await worker.post<{ caseId: string }>(
      '/api/issues',
      {
        category: 'noise',
        severity: 'low',
        location: { street: 'Jinrong', community: 'Fengsheng', grid: 'G-0901', description: 'bar' },
        description: 'Loud music after midnight',
      },
      { traceparent: `00-${traceId}-${callerSpan}-01` },
    );
    expect(reported.status).toBe(201);

    // Wait until the projector has handled both the report and SWC's case opening.
    await eventually(
      () => {
        const all = spansOf(traceId);
        const projected = all.filter((s) => s.service === 'projector' && s.kind === 'consumer');
        const types = new Set(projected.map((s) => s.attributes['gridline.event.type']));
        return Promise.resolve(
          types.has('street.issue.reported.v1') && types.has('swc.case.opened.v1')
            ? all
            : undefined,
        );
      },
      60_000,
      'the projector spans of the report and of the case opening',
    );
    // A parent ends after its children: give the last ones a moment to be written.
    await new Promise((r) => setTimeout(r, 1_000));
    const spans = spansOf(traceId);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const one = (service: string, kind: string, type?: string) => {
      const found = spans.filter(
        (s) =>
          s.service === service &&
          s.kind === kind &&
          (type === undefined || s.attributes['gridline.event.type'] === type),
      );
      expect(found.length).toBeGreaterThanOrEqual(1);
      return found[0] as SpanRecord;
    };

    // street-service: the request (the http instrumentation's server span, child of
    // the caller, named by its route), its append, and pg's queries below that.
    const server = one('street-service', 'server');
    expect(server.name).toBe('POST /api/issues');
    expect(server.parentSpanId).toBe(callerSpan);
    expect(server.attributes['http.route']).toBe('/api/issues');
    expect(server.attributes['http.response.status_code']).toBe(201);
    const append = one('street-service', 'internal');
    expect(append.name).toBe('append');
    expect(append.parentSpanId).toBe(server.spanId);
    expect(append.attributes['gridline.event_store']).toBe('postgres');
    const queries = spans.filter(
      (s) =>
        s.service === 'street-service' && s.kind === 'client' && s.parentSpanId === append.spanId,
    );
    expect(queries.length).toBeGreaterThanOrEqual(1);
    expect(queries[0]?.attributes['db.system.name']).toBe('postgresql');

    // The relay's batch is a trace of its own, linked to the request; the kafkajs
    // instrumentation's send span below it is the Kafka hop (the `traceparent` header).
    const relay = allSpans().find(
      (s) =>
        s.service === 'street-service' &&
        s.name.startsWith('relay ') &&
        s.links.some((link) => link.spanId === server.spanId),
    );
    expect(relay).toBeDefined();
    const sends = allSpans().filter(
      (s) =>
        s.service === 'street-service' && s.kind === 'producer' && s.parentSpanId === relay?.spanId,
    );
    expect(sends.length).toBeGreaterThanOrEqual(1);
    expect(sends[0]?.attributes['messaging.system']).toBe('kafka');
    const sendIds = new Set(sends.map((s) => s.spanId));

    // SWC handled that very event as a child of the request (the event's own
    // `ce_traceparent`), linked to the hop it came by, and its append is below.
    const swcHandled = one('swc-service', 'consumer', 'street.issue.reported.v1');
    expect(swcHandled.name).toBe('handle street.issue.reported.v1');
    expect(swcHandled.parentSpanId).toBe(server.spanId);
    expect(swcHandled.links.some((link) => sendIds.has(link.spanId))).toBe(true);
    const swcAppend = spans.find(
      (s) =>
        s.service === 'swc-service' && s.name === 'append' && s.parentSpanId === swcHandled.spanId,
    );
    expect(swcAppend).toBeDefined();
    // The kafkajs instrumentation's own process span sits in the hop's trace.
    expect(
      allSpans().some(
        (s) =>
          s.service === 'swc-service' && s.kind === 'consumer' && sendIds.has(s.parentSpanId ?? ''),
      ),
    ).toBe(true);

    // The projector handled both, each a child of where its event was made.
    expect(one('projector', 'consumer', 'street.issue.reported.v1').parentSpanId).toBe(
      server.spanId,
    );
    expect(one('projector', 'consumer', 'swc.case.opened.v1').parentSpanId).toBe(swcHandled.spanId);

    // Neither the token nor what the report says reaches a span.
    const everything = JSON.stringify(allSpans());
    expect(everything).not.toContain(token);
    expect(everything).not.toContain('Loud music');

    // One tree: every span's parent is in the trace, but the root's (the caller's).
    for (const span of spans)
      if (span !== server) expect(byId.has(span.parentSpanId ?? '')).toBe(true);
    const services = new Set(spans.map((s) => s.service));
    for (const service of ['street-service', 'swc-service', 'projector'])
      expect(services.has(service)).toBe(true);
  });

  it('traces reads on the gateway down to their MongoDB queries, query values left out', async () => {
    const worker = client(
      url('street-service'),
      await identity.token({ sub: 'w', agency: 'street', roles: ['grid-worker'] }),
    );
    const reported = await worker.post<{ caseId: string }>('/api/issues', {
      category: 'noise',
      severity: 'low',
      location: { street: 'Jinrong', community: 'Fengsheng', grid: 'G-0902', description: 'yard' },
      description: 'Generator running all night',
    });
    expect(reported.status).toBe(201);
    const coordinator = client(
      url('gateway'),
      await identity.token({ sub: 'c', agency: 'swc', roles: ['coordinator'] }),
    );
    const path = `/api/cases/${reported.body.caseId}`;
    await eventually(
      async () => ((await coordinator.get(path)).status === 200 ? true : undefined),
      30_000,
      'the case in the read model',
    );

    const traceId = randomBytes(16).toString('hex');
    const traceparent = () => `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    expect((await coordinator.get(path, { traceparent: traceparent() })).status).toBe(200);
    expect(
      (await coordinator.get('/api/cases?limit=5&street=Jinrong', { traceparent: traceparent() }))
        .status,
    ).toBe(200);
    const servers = await eventually(
      () => {
        const found = spansOf(traceId).filter(
          (s) => s.service === 'gateway' && s.kind === 'server',
        );
        return Promise.resolve(found.length === 2 ? found : undefined);
      },
      10_000,
      "the gateway's two server spans",
    );
    const one = servers.find((s) => s.name === 'GET /api/cases/:caseId');
    const list = servers.find((s) => s.name === 'GET /api/cases');
    expect(one).toBeDefined();
    expect(list).toBeDefined();
    // What was asked is named; the values (a street, a search) never reach a span.
    expect(list?.attributes['url.query']).toBe('limit=REDACTED&street=REDACTED');
    expect(JSON.stringify(spansOf(traceId))).not.toContain('Jinrong');
    const mongo = spansOf(traceId).filter(
      (s) => s.kind === 'client' && s.attributes['db.system.name'] === 'mongodb',
    );
    expect(mongo.some((s) => s.parentSpanId === one?.spanId)).toBe(true);
  });
});
