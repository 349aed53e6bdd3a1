import { deterministicId } from './ids.js';

describe('deterministicId', () => {
  it('gives the same RFC 9562 version-5 UUID for the same name, another for another', () => {
    const a = deterministicId('event-1:open-case:0');
    expect(deterministicId('event-1:open-case:0')).toBe(a);
    expect(deterministicId('event-1:open-case:1')).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
