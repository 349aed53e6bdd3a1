import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  ExportResultCode,
  W3CTraceContextPropagator,
  type ExportResult,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { instrumentLibraries } from './instrumentations.js';

/**
 * Where spans go: `off` (the default: no spans, the W3C `traceparent` of a request
 * is still carried through events and Kafka headers), `otlp` (OTLP over HTTP to
 * `OTEL_EXPORTER_OTLP_ENDPOINT`, default http://localhost:4318), or
 * `file:<path>` (one JSON object per span and line; `{service}` in the path is
 * replaced by the app's name — for tests and offline analysis).
 */
export type TraceExport = 'off' | 'otlp' | `file:${string}`;

export function parseTraceExport(raw: string): TraceExport {
  if (raw === 'off' || raw === 'otlp') return raw;
  if (raw.startsWith('file:') && raw.length > 5) return raw as `file:${string}`;
  throw new Error('must be off, otlp or file:<path>');
}

/** One span as the file exporter writes it. */
export interface SpanRecord {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: string;
  readonly start: string;
  readonly durationMs: number;
  readonly status: 'unset' | 'ok' | 'error';
  readonly attributes: Record<string, unknown>;
  /** The spans this one points at without being their child (a relay batch's events, a Kafka hop). */
  readonly links: readonly { readonly traceId: string; readonly spanId: string }[];
}

const KIND_NAMES: Record<number, string> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

/** Appends each finished span as a line of JSON to a file. */
export class JsonLinesSpanExporter implements SpanExporter {
  constructor(
    private readonly file: string,
    private readonly service: string,
  ) {
    mkdirSync(path.dirname(file), { recursive: true });
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      const lines = spans.map((span) => {
        const [seconds, nanos] = span.startTime;
        const record: SpanRecord = {
          service: this.service,
          traceId: span.spanContext().traceId,
          spanId: span.spanContext().spanId,
          ...(span.parentSpanContext ? { parentSpanId: span.parentSpanContext.spanId } : {}),
          name: span.name,
          kind: KIND_NAMES[span.kind] ?? 'internal',
          start: new Date(seconds * 1000 + nanos / 1e6).toISOString(),
          durationMs: span.duration[0] * 1000 + span.duration[1] / 1e6,
          status:
            span.status.code === SpanStatusCode.ERROR
              ? 'error'
              : span.status.code === SpanStatusCode.OK
                ? 'ok'
                : 'unset',
          attributes: { ...span.attributes },
          links: span.links.map((link) => ({
            traceId: link.context.traceId,
            spanId: link.context.spanId,
          })),
        };
        return `${JSON.stringify(record)}\n`;
      });
      appendFileSync(this.file, lines.join(''));
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

let provider: BasicTracerProvider | undefined;

/**
 * Sets up tracing for this process. Call it before the app's own modules are
 * imported: the official instrumentations patch `http`, `pg`, `mongodb` and
 * `kafkajs` as they load (see ./instrumentations.ts). The W3C propagator and the
 * async context are set always, so a `traceparent` flows even with tracing off;
 * a tracer provider and the instrumentations only when spans are exported.
 *
 * `GRIDLINE_TRACES` that does not parse starts nothing here: the service's
 * configuration check refuses it by name a moment later.
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  let exportTo: TraceExport;
  try {
    exportTo = parseTraceExport(env['GRIDLINE_TRACES'] ?? 'off');
  } catch {
    return;
  }
  if (exportTo === 'off') return;
  const processor = exportTo.startsWith('file:')
    ? new SimpleSpanProcessor(
        new JsonLinesSpanExporter(exportTo.slice(5).replaceAll('{service}', service), service),
      )
    : new BatchSpanProcessor(new OTLPTraceExporter());
  provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': `gridline-${service}` }),
    spanProcessors: [processor],
  });
  trace.setGlobalTracerProvider(provider);
  instrumentLibraries(provider);
}

/** Flushes and stops the exporter (on shutdown). */
export async function stopTracing(): Promise<void> {
  await provider?.shutdown();
}
