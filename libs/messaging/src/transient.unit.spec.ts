import { isTransient } from './transient.js';

describe('isTransient', () => {
  const withCode = (code: string) => Object.assign(new Error('x'), { code });
  const named = (name: string) => Object.assign(new Error('x'), { name });

  it('recognises unreachable servers', () => {
    expect(isTransient(withCode('ECONNREFUSED'))).toBe(true);
    expect(isTransient(withCode('57P01'))).toBe(true); // PostgreSQL shutting down
    expect(isTransient(named('MongoServerSelectionError'))).toBe(true);
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransient(new AggregateError([withCode('ECONNREFUSED')], 'all refused'))).toBe(true);
    expect(isTransient(new Error('wrapped', { cause: withCode('ECONNRESET') }))).toBe(true);
  });

  it('does not excuse bad messages or broken code', () => {
    expect(isTransient(new TypeError('cannot read properties of undefined'))).toBe(false);
    expect(isTransient(withCode('23505'))).toBe(false); // unique violation
    expect(isTransient('a string')).toBe(false);
  });
});
