import { bodyProblem, MAX_BODY_DEPTH, textProblem } from './body-hygiene.js';

describe('request body hygiene', () => {
  it('takes ordinary text: Chinese, emoji (surrogate pairs), tabs and line breaks', () => {
    expect(textProblem('占道经营 🚲\tline one\r\nline two')).toBeUndefined();
    expect(bodyProblem({ a: ['x', { b: 'y' }], n: 1, t: true, z: null })).toBeUndefined();
  });

  it.each([
    ['a NUL', 'a\u0000b', 'NUL'],
    ['a lone high surrogate', 'a\ud800b', 'surrogate'],
    ['a lone low surrogate', '\udc00', 'surrogate'],
    ['an ANSI escape', '\u001b[31mred', 'control character'],
    ['a bell', 'ding\u0007', 'control character'],
    ['a backspace', 'a\bb', 'control character'],
    ['a C1 CSI', 'a\u009bb', 'control character'],
  ])('refuses %s, naming the field', (_what, text, words) => {
    expect(bodyProblem({ location: { description: text } })).toEqual({
      field: '/location/description',
      message: expect.stringContaining(words) as string,
    });
  });

  it('refuses bad text in a key, and in an array item by its index', () => {
    expect(bodyProblem({ ['a\u0000']: 1 })?.message).toContain('its name');
    expect(bodyProblem({ reasons: ['ok', 'bad\u0007'] })?.field).toBe('/reasons/1');
  });

  it('refuses nesting deeper than the limit without recursing (10,000 levels)', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    expect(bodyProblem(deep)?.message).toBe(`nested deeper than ${MAX_BODY_DEPTH} levels`);
    let fine: unknown = 'x';
    for (let i = 0; i < MAX_BODY_DEPTH - 1; i++) fine = [fine];
    expect(bodyProblem(fine)).toBeUndefined();
  });
});
