import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';

/**
 * W3C trace context over OpenTelemetry's API. Without a tracer provider (tracing
 * off) every span is a no-op and the event's own `traceparent` travels unchanged.
 */
export const tracer = () => trace.getTracer('gridline');

/** The context a W3C `traceparent` names (the root context without one). */
export function contextFrom(traceparent: string | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/** The `traceparent` of a span, or undefined when it is not recorded (tracing off). */
export function traceparentOf(span: Span): string | undefined {
  if (!span.isRecording()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
  return carrier['traceparent'];
}

/**
 * Links to the spans these W3C `traceparent`s name (none for a missing or
 * malformed one). How a span points at a context that is not its parent: the
 * Kafka hop a handler's message came by, the events a relay batch carried.
 */
export function linksTo(traceparents: readonly (string | undefined)[]): Link[] {
  const links: Link[] = [];
  for (const traceparent of traceparents) {
    const span = traceparent ? trace.getSpan(contextFrom(traceparent)) : undefined;
    const spanContext = span?.spanContext();
    if (spanContext && trace.isSpanContextValid(spanContext)) links.push({ context: spanContext });
  }
  return links;
}

/** Runs `work` inside a span (child of `parent`), ending it with the outcome. */
export async function inSpan<T>(
  name: string,
  kind: SpanKind,
  parent: Context,
  attributes: Record<string, string | number>,
  work: (span: Span) => Promise<T>,
  links: Link[] = [],
): Promise<T> {
  const span = tracer().startSpan(name, { kind, attributes, links }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

export { SpanKind, SpanStatusCode };
