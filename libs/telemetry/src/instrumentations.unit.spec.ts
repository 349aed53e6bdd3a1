import { queryNamesOnly, untracedPath } from './instrumentations.js';
import { parseTraceExport } from './tracing.js';

describe('what the http instrumentation records', () => {
  it('keeps the names of a query and none of its values', () => {
    expect(queryNamesOnly('/api/cases?street=Jinrong&limit=5')).toBe(
      'street=REDACTED&limit=REDACTED',
    );
    expect(queryNamesOnly('/requests.json?email=a%40b.cn&email=c%40d.cn')).toBe(
      'email=REDACTED&email=REDACTED',
    );
    expect(queryNamesOnly('/api/cases?')).toBe('');
  });

  it('says nothing of a request without a query', () => {
    expect(queryNamesOnly('/api/cases')).toBeUndefined();
    expect(queryNamesOnly(undefined)).toBeUndefined();
  });

  it('leaves probes and scrapes untraced, and nothing else', () => {
    for (const path of ['/health', '/health/ready', '/metrics', '/metrics?x=1'])
      expect(untracedPath(path)).toBe(true);
    for (const path of ['/api/cases', '/healthy', '/api/metrics', '/'])
      expect(untracedPath(path)).toBe(false);
  });
});

describe('GRIDLINE_TRACES', () => {
  it('takes off, otlp or file:<path>', () => {
    expect(parseTraceExport('off')).toBe('off');
    expect(parseTraceExport('otlp')).toBe('otlp');
    expect(parseTraceExport('file:/tmp/{service}.ndjson')).toBe('file:/tmp/{service}.ndjson');
  });

  it('refuses anything else', () => {
    for (const raw of ['', 'on', 'file:', 'jaeger']) expect(() => parseTraceExport(raw)).toThrow();
  });
});
