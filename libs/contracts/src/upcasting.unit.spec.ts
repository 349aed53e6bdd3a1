import { upcast, type Upcaster } from './upcasting.js';

// A made-up history of one event type, to prove the mechanism: v1 had a single
// "name" field, v2 split it, v3 renamed "given" to "first".
const upcasters: Record<string, Upcaster> = {
  'street.test.named.v1': (data) => {
    const { name } = data as { name: string };
    const [given = '', family = ''] = name.split(' ');
    return { type: 'street.test.named.v2', data: { given, family } };
  },
  'street.test.named.v2': (data) => {
    const { given, family } = data as { given: string; family: string };
    return { type: 'street.test.named.v3', data: { first: given, family } };
  },
};

describe('upcast', () => {
  it('chains upcasters to the current version and keeps the other fields', () => {
    const stored = {
      id: 'e1',
      revision: 4,
      type: 'street.test.named.v1',
      data: { name: 'Wei Wang' },
    };
    expect(upcast(stored, upcasters)).toEqual({
      id: 'e1',
      revision: 4,
      type: 'street.test.named.v3',
      data: { first: 'Wei', family: 'Wang' },
    });
  });

  it('returns a current event unchanged (same object)', () => {
    const current = { type: 'street.test.named.v3', data: { first: 'A', family: 'B' } };
    expect(upcast(current, upcasters)).toBe(current);
  });

  it('refuses a loop instead of spinning', () => {
    const loop: Record<string, Upcaster> = {
      'street.a.b.v1': (data) => ({ type: 'street.a.b.v2', data }),
      'street.a.b.v2': (data) => ({ type: 'street.a.b.v1', data }),
    };
    expect(() => upcast({ type: 'street.a.b.v1', data: {} }, loop)).toThrow('upcaster loop');
  });
});
