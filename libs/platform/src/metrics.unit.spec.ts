import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Metrics, MetricsAccessGuard } from './metrics.js';

const asked = (authorization?: string) =>
  ({
    switchToHttp: () => ({
      getRequest: () => ({ headers: authorization ? { authorization } : {} }),
    }),
  }) as unknown as ExecutionContext;

describe('/metrics access', () => {
  const token = Buffer.from('scraper-token-1');

  it('with a scraper token: that token only (401 without credentials, 403 with others)', () => {
    const guard = new MetricsAccessGuard({ token, open: false });
    expect(guard.canActivate(asked('Bearer scraper-token-1'))).toBe(true);
    expect(() => guard.canActivate(asked())).toThrow(UnauthorizedException);
    expect(() => guard.canActivate(asked('Bearer scraper-token-2'))).toThrow(ForbiddenException);
    expect(() => guard.canActivate(asked('Bearer eyJhbGciOiJFUzI1NiJ9.x.y'))).toThrow(
      ForbiddenException,
    );
    // Even in the local profile, a configured token is required.
    expect(() => new MetricsAccessGuard({ token, open: true }).canActivate(asked())).toThrow(
      UnauthorizedException,
    );
  });

  it('without one: open in the local profile, refused elsewhere', () => {
    expect(new MetricsAccessGuard({ open: true }).canActivate(asked())).toBe(true);
    const closed = new MetricsAccessGuard({ open: false });
    expect(() => closed.canActivate(asked())).toThrow(UnauthorizedException);
    expect(() => closed.canActivate(asked('Bearer anything'))).toThrow(ForbiddenException);
  });
});

describe('gauges read at scrape time', () => {
  it('are read once however many scrapes come within the cache interval', async () => {
    const metrics = new Metrics();
    let reads = 0;
    metrics.gauge('gridline_test_reads', 'reads of a costly gauge', () => {
      reads++;
      return Promise.resolve(42);
    });
    const scrapes = await Promise.all([1, 2, 3].map(() => metrics.registry.metrics()));
    await metrics.registry.metrics();
    expect(reads).toBe(1);
    for (const text of scrapes) expect(text).toMatch(/^gridline_test_reads 42$/m);
  });
});
