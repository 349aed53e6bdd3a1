import { contextualClock, parseSimulatedTime, reactionTime, runAt } from './simulated-time.js';

describe('simulated time', () => {
  it('reads the simulated time inside runAt, across awaits, and the real time outside', async () => {
    const at = new Date('2026-03-02T08:00:00.000Z');
    const seen = await runAt(at, async () => {
      await new Promise((r) => setTimeout(r, 5));
      return contextualClock.now();
    });
    expect(seen).toEqual(at);
    expect(Math.abs(contextualClock.now().getTime() - Date.now())).toBeLessThan(1_000);
  });

  it('runs a reaction as of its event’s time only when simulation is on', async () => {
    const event = { time: '2026-01-15T10:00:00.000Z' };
    let simulated: Date | undefined;
    await reactionTime(true)(event, () => {
      simulated = contextualClock.now();
      return Promise.resolve();
    });
    expect(simulated?.toISOString()).toBe(event.time);
    let real: Date | undefined;
    await reactionTime(false)(event, () => {
      real = contextualClock.now();
      return Promise.resolve();
    });
    expect(real?.getFullYear()).toBe(new Date().getFullYear());
  });
});

describe('X-Gridline-Time', () => {
  const now = new Date('2026-12-02T10:00:00.000Z');

  it('accepts an RFC 3339 date-time from the platform epoch up to the real clock (plus skew)', () => {
    expect(parseSimulatedTime('2026-03-15T09:30:00Z', now)).toEqual(
      new Date('2026-03-15T09:30:00Z'),
    );
    expect(parseSimulatedTime('2026-03-15T17:30:00.250+08:00', now)).toEqual(
      new Date('2026-03-15T09:30:00.250Z'),
    );
    expect(parseSimulatedTime('2026-12-02T10:04:00Z', now)).toEqual(
      new Date('2026-12-02T10:04:00Z'),
    );
  });

  it.each([
    ['a date without a time', '2026-03-15', /RFC 3339/],
    ['no offset (local time is ambiguous)', '2026-03-15T09:30:00', /RFC 3339/],
    ['loose text Date() would take', 'March 15, 2026', /RFC 3339/],
    ['a month that does not exist', '2026-13-01T00:00:00Z', /RFC 3339/],
    ['the future', '2030-01-01T00:00:00Z', /future/],
    ['past the skew', '2026-12-02T10:06:00Z', /future/],
    ['before the epoch', '1999-12-31T23:59:59Z', /before 2000-01-01/],
  ])('refuses %s', (_what, value, reason) => {
    expect(parseSimulatedTime(value, now)).toMatch(reason);
  });
});
