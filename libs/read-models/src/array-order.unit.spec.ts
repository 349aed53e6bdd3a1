import { inAgencyOrder, isInAgencyOrder } from './case-document.js';
import { inStepOrder } from './statistics.projection.js';

describe('the one order of the arrays in the read models', () => {
  it("puts a case's agencies in the order of AGENCIES, whatever order they came in, once each", () => {
    expect(inAgencyOrder(['street', 'swc'])).toEqual(['swc', 'street']);
    expect(inAgencyOrder(['street', 'drc', 'swc', 'drc'])).toEqual(['swc', 'drc', 'street']);
    expect(inAgencyOrder([])).toEqual([]);
    expect(isInAgencyOrder(['swc', 'street'])).toBe(true);
    expect(isInAgencyOrder(['street', 'swc'])).toBe(false);
    expect(isInAgencyOrder(['swc', 'swc'])).toBe(false);
  });

  it("puts a subject's steps by time, then by event id, whatever order they came in", () => {
    const a = { eventId: 'a', time: '2026-03-01T10:00:00.000Z', bucket: 'b' };
    const b = { eventId: 'b', time: '2026-03-01T10:00:00.000Z', bucket: 'b' };
    const c = { eventId: 'c', time: '2026-02-01T10:00:00.000Z', bucket: 'b' };
    expect(inStepOrder([b, a, c])).toEqual([c, a, b]);
    expect(inStepOrder([a, b, c])).toEqual([c, a, b]);
  });
});
