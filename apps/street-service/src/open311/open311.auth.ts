import {
  HttpStatus,
  Inject,
  Injectable,
  UnauthorizedException,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Agency } from '@gridline/contracts';
import {
  declaredAccess,
  refusalOf,
  SERVICE_AGENCY,
  TOKEN_VERIFIER,
  TokenBuckets,
  WRITE_RATE_LIMIT,
  type Principal,
  type RateLimit,
  type TokenVerifier,
} from '@gridline/platform';
import type { Observable } from 'rxjs';
import { Open311Error } from './open311.errors.js';

export interface Open311Request {
  method: string;
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  query?: Record<string, unknown>;
  principal?: Principal;
}

/**
 * The key a GeoReport client sends: `Authorization: Bearer`, or the spec's
 * `api_key` (a form field on POST, a query parameter on GET). Either way it is
 * a JWT, checked by the same verifier as every other endpoint.
 */
export function presentedKey(request: Open311Request): string | undefined {
  const header = request.headers['authorization'];
  const bearer = typeof header === 'string' ? /^Bearer (\S+)$/i.exec(header)?.[1] : undefined;
  if (bearer) return bearer;
  const source = request.method === 'GET' ? request.query : request.body;
  const key = (source as Record<string, unknown> | undefined)?.['api_key'];
  return typeof key === 'string' && key.length > 0 ? key : undefined;
}

/**
 * The authentication of the Open311 routes (the key may sit in the body, so the
 * platform guard leaves it to this one), applying each route's declaration
 * (access.ts). A restricted route (filing: a street `reporting-app` account) is
 * 401 without a valid key and 403 for a principal the declaration does not name.
 * A public route (the reads) takes a key optionally: if sent it must be valid,
 * and lets the app that filed a report read its own text back.
 */
@Injectable()
export class Open311Guard implements CanActivate {
  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(SERVICE_AGENCY) private readonly agency: Agency | null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Open311Request>();
    const key = presentedKey(request);
    const access = declaredAccess(context.getHandler());
    // Undeclared is refused by the platform guard already; refused here too.
    if (!access) throw new Open311Error(403, 'this route declares no access');
    const writing = access.kind === 'roles';
    if (!key) {
      if (writing) throw new Open311Error(401, 'api_key: a key is required to create a request');
      return true;
    }
    let principal: Principal;
    try {
      principal = await this.verifier.verify(key);
    } catch (error) {
      const reason = error instanceof UnauthorizedException ? `: ${error.message}` : '';
      throw new Open311Error(401, `api_key: invalid key${reason}`);
    }
    const refusal = refusalOf(access, principal, this.agency);
    if (refusal) throw new Open311Error(403, `api_key: ${refusal}`);
    request.principal = principal;
    return true;
  }
}

/**
 * Public reads are limited per client address, with the same token bucket and
 * numbers as writes per principal: an anonymous caller must not be able to
 * make the service scan 90 days of issues in a loop.
 */
@Injectable()
export class Open311ReadLimit implements NestInterceptor {
  private readonly buckets: TokenBuckets;

  constructor(@Inject(WRITE_RATE_LIMIT) limit: RateLimit) {
    this.buckets = new TokenBuckets(limit);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<Open311Request>();
    if (request.method !== 'GET') return next.handle();
    const waitMs = this.buckets.take(`open311-read:${request.ip ?? 'unknown'}`);
    if (waitMs === 0) return next.handle();
    const seconds = Math.ceil(waitMs / 1000);
    http
      .getResponse<{ setHeader(name: string, value: string): void }>()
      .setHeader('retry-after', String(seconds));
    throw new Open311Error(
      HttpStatus.TOO_MANY_REQUESTS,
      `too many requests from this address; retry in ${seconds} s`,
    );
  }
}
