import { TokenBuckets } from './rate-limit.js';

describe('write rate limit (token bucket per principal)', () => {
  it('lets a burst through, then asks to wait until a token is back', () => {
    let now = 0;
    const buckets = new TokenBuckets({ burst: 3, perSecond: 2 }, () => now);
    expect([1, 2, 3].map(() => buckets.take('street:w'))).toEqual([0, 0, 0]);
    expect(buckets.take('street:w')).toBe(500); // one token comes back every 500 ms
    now = 250;
    expect(buckets.take('street:w')).toBe(250);
    now = 500;
    expect(buckets.take('street:w')).toBe(0);
    expect(buckets.take('street:w')).toBe(500);
  });

  it('keeps principals apart and never refills beyond the burst', () => {
    let now = 0;
    const buckets = new TokenBuckets({ burst: 2, perSecond: 1 }, () => now);
    buckets.take('street:a');
    buckets.take('street:a');
    expect(buckets.take('street:a')).toBeGreaterThan(0);
    expect(buckets.take('street:b')).toBe(0);
    expect(buckets.take('drc:a')).toBe(0);
    now = 60_000; // a long pause gives back the burst, not sixty
    expect([1, 2, 3].map(() => buckets.take('street:a'))).toEqual([0, 0, 1000]);
  });
});
