import { contextFrom, linksTo } from './trace-context.js';
import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

describe('trace context of events', () => {
  beforeAll(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));
  afterAll(() => propagation.disable());

  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

  it('reads the context a traceparent names', () => {
    const span = trace.getSpan(contextFrom(traceparent))?.spanContext();
    expect(span).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
    });
  });

  it('links to each valid traceparent and skips the missing and malformed', () => {
    const links = linksTo([
      traceparent,
      undefined,
      'not-a-traceparent',
      '00-' + '0'.repeat(32) + '-' + '0'.repeat(16) + '-01',
    ]);
    expect(links.map((l) => l.context.spanId)).toEqual(['b7ad6b7169203331']);
  });
});
