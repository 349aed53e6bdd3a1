import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SpanRecord } from '@gridline/platform';
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

  const spansOf = (traceId: string): SpanRecord[] =>
    ['street-service', 'swc-service', 'drc-service', 'projector', 'gateway'].flatMap((service) => {
      const file = path.join(dir, `${service}.ndjson`);
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as SpanRecord)
        .filter((span) => span.traceId === traceId);
    });

  it('follows a report from the HTTP request through Kafka to SWC and the projector', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const worker = client(
      url('street-service'),
      await identity.token({ sub: 'w', agency: 'street', roles: ['grid-worker'] }),
    );
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

    // street-service: the request (child of the caller), its append, the relay's publish.
    const server = one('street-service', 'server');
    expect(server.name).toBe('POST /api/issues');
    expect(server.parentSpanId).toBe(callerSpan);
    expect(server.attributes['http.response.status_code']).toBe(201);
    const append = one('street-service', 'client');
    expect(append.parentSpanId).toBe(server.spanId);
    const published = one('street-service', 'producer', 'street.issue.reported.v1');

    // SWC consumed that very message, opened the case, and its relay published it.
    const swcConsumed = one('swc-service', 'consumer', 'street.issue.reported.v1');
    expect(swcConsumed.parentSpanId).toBe(published.spanId);
    const swcAppend = spans.find(
      (s) =>
        s.service === 'swc-service' && s.kind === 'client' && s.parentSpanId === swcConsumed.spanId,
    );
    expect(swcAppend).toBeDefined();
    const opened = one('swc-service', 'producer', 'swc.case.opened.v1');
    expect(opened.parentSpanId).toBe(swcConsumed.spanId);
    expect(one('projector', 'consumer', 'swc.case.opened.v1').parentSpanId).toBe(opened.spanId);
    expect(one('projector', 'consumer', 'street.issue.reported.v1').parentSpanId).toBe(
      published.spanId,
    );

    // One tree: every span's parent is in the trace, but the root's (the caller's).
    for (const span of spans)
      if (span !== server) expect(byId.has(span.parentSpanId ?? '')).toBe(true);
    const services = new Set(spans.map((s) => s.service));
    for (const service of ['street-service', 'swc-service', 'projector'])
      expect(services.has(service)).toBe(true);
  });
});
