import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { Principal } from './token-verifier.js';

export const WRITE_RATE_LIMIT = Symbol('WRITE_RATE_LIMIT');

export interface RateLimit {
  /** Requests a principal may send at once. */
  readonly burst: number;
  /** Requests per second added back, up to `burst`. */
  readonly perSecond: number;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A token bucket per key: `take` says how long to wait, 0 if the request may go. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => Date.now(),
  ) {}

  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    const tokens = Math.min(
      this.limit.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond,
    );
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      if (this.buckets.size > 10_000) this.forgetFull(now);
      return 0;
    }
    this.buckets.set(key, { tokens, at: now });
    return Math.ceil(((1 - tokens) / this.limit.perSecond) * 1000);
  }

  /** Buckets that have refilled completely carry no information. */
  private forgetFull(now: number): void {
    for (const [key, b] of this.buckets)
      if (b.tokens + ((now - b.at) / 1000) * this.limit.perSecond >= this.limit.burst)
        this.buckets.delete(key);
  }
}

/**
 * Rate limiting of write requests per principal (a token bucket per agency and
 * principal, in this process): beyond the burst, 429 with `Retry-After`. Runs
 * before the idempotency claim, so a refused request claims nothing.
 */
@Injectable()
export class WriteRateLimitInterceptor implements NestInterceptor {
  private readonly buckets: TokenBuckets;

  constructor(@Inject(WRITE_RATE_LIMIT) limit: RateLimit) {
    this.buckets = new TokenBuckets(limit);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<{ method: string; principal?: Principal }>();
    if (!MUTATING.has(request.method) || !request.principal) return next.handle();
    const { agency, id } = request.principal;
    const waitMs = this.buckets.take(`${agency}:${id}`);
    if (waitMs === 0) return next.handle();
    http
      .getResponse<{ setHeader(name: string, value: string): void }>()
      .setHeader('retry-after', String(Math.ceil(waitMs / 1000)));
    throw new HttpException(
      {
        statusCode: 429,
        error: 'Too Many Requests',
        message: `too many write requests from ${id}; retry in ${Math.ceil(waitMs / 1000)} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
