import { contextualClock, reactionTime, runAt } from './simulated-time.js';

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
