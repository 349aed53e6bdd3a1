import { register } from 'node:module';
import type { IncomingMessage } from 'node:http';
import type { Span, TracerProvider } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';

/**
 * The packages the official instrumentations patch, as our ES modules import
 * them. Only these go through the import hook; everything else loads untouched.
 * (`pg-pool`, mongodb's internals and `http` itself are `require`d by CommonJS
 * code, which the instrumentations hook without it.)
 */
export const INSTRUMENTED_IMPORTS = ['kafkajs', 'pg', 'mongodb'] as const;

/** Requests that are not traced: probes and scrapes. */
export function untracedPath(url: string | undefined): boolean {
  const path = (url ?? '').split('?')[0] ?? '';
  return path === '/health' || path.startsWith('/health/') || path === '/metrics';
}

/**
 * An incoming query string with every value replaced: the names say what was
 * asked (`asOf`, `page`), the values may be a person's (a search, an email).
 */
export function queryNamesOnly(url: string | undefined): string | undefined {
  const at = (url ?? '').indexOf('?');
  if (at < 0) return undefined;
  const names = [...new URLSearchParams((url ?? '').slice(at + 1)).keys()];
  return names.map((name) => `${encodeURIComponent(name)}=REDACTED`).join('&');
}

/**
 * The server span named by the route template (`POST /api/cases/:caseId/notes`),
 * never by the path with its ids; Express has matched the route by the time the
 * response closes.
 */
function nameByRoute(span: Span, request: IncomingMessage | object): void {
  const route = (request as { route?: { path?: unknown } }).route?.path;
  const method = (request as { method?: unknown }).method;
  if (typeof route !== 'string' || typeof method !== 'string') return;
  span.setAttribute('http.route', route);
  span.updateName(`${method} ${route}`);
}

/**
 * Registers the official OpenTelemetry instrumentations with the provider:
 *
 * - **http**: a server span per request (probes and scrapes left out), client
 *   spans for outgoing calls made inside a trace (the S3 client's, for one).
 *   No headers are recorded, and an incoming query string keeps its names only
 *   (`queryNamesOnly`); outgoing ones lose their signatures (the
 *   instrumentation's own redaction).
 * - **pg** and **mongodb**: a client span per query inside a trace (the relay's
 *   and the lease's polling, outside any trace, make none). Statements are
 *   recorded without their values.
 * - **kafkajs**: `send <topic>` and `process <topic>` spans per message. These
 *   carry the *transport* trace context in the Kafka `traceparent` header; the
 *   event's own context (where it was made) travels in `ce_traceparent`
 *   (docs/operations.md, "Tracing").
 *
 * The import hook is registered first, limited to `INSTRUMENTED_IMPORTS`.
 */
export function instrumentLibraries(provider: TracerProvider): void {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
    data: { include: [...INSTRUMENTED_IMPORTS] },
  });
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => untracedPath(request.url),
        startIncomingSpanHook: (request) => {
          const query = queryNamesOnly(request.url);
          return query === undefined ? {} : { 'url.query': query };
        },
        requireParentforOutgoingSpans: true,
        applyCustomAttributesOnSpan: (span, request) => nameByRoute(span, request),
      }),
      new PgInstrumentation({ requireParentSpan: true }),
      new MongoDBInstrumentation({ requireParentSpan: true }),
      new KafkaJsInstrumentation(),
    ],
  });
}
