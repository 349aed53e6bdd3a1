import { createHash } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  HttpException,
  Inject,
  Injectable,
  UnprocessableEntityException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Agency } from '@gridline/contracts';
import {
  activeIdempotencyClaim,
  type CommittedAppend,
  type PostgresIdempotencyStore,
} from '@gridline/store-postgres';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { SERVICE_AGENCY } from './auth.js';
import type { Principal } from './token-verifier.js';
import { errorToHttp } from './http.js';

export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');
const KEY = /^[\x21-\x7e]{1,200}$/;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** JSON with object keys sorted, so the same body always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

interface HttpRequest {
  method: string;
  originalUrl: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/**
 * `Idempotency-Key` on a command: the same key with the same request returns the
 * first result (status and body) and appends nothing; the same key with another
 * request is 422; a key whose first request is still running is 409. A request
 * refused or failed before it appended anything (bad input, a rule of the domain,
 * a conflict, a server error) leaves no record: a retry runs again.
 *
 * If the first request's process died mid-command, a retry after the claim's lease
 * takes the key over: it runs the command if nothing had been appended, or else
 * answers from what was appended (`recovered: true`, the event ids, the last
 * revision and the case) without running it again.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(IDEMPOTENCY_STORE) private readonly store: PostgresIdempotencyStore,
    @Inject(SERVICE_AGENCY) private readonly agency: Agency | null,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const header = request.headers['idempotency-key'];
    if (!MUTATING.has(request.method) || header === undefined) return next.handle();
    return from(this.run(request, header, next));
  }

  private async run(request: HttpRequest, header: string | string[], next: CallHandler) {
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || !KEY.test(key))
      throw new BadRequestException('Idempotency-Key must be 1-200 printable ASCII characters');
    const scope = `${this.agency ?? 'gateway'}:${request.principal?.id ?? 'anonymous'}`;
    const hash = createHash('sha256')
      .update(canonicalJson([request.method, request.originalUrl, request.body ?? null]))
      .digest('hex');
    const outcome = await runOnce(this.store, scope, key, hash, {
      work: (): Promise<unknown> => lastValueFrom(next.handle(), { defaultValue: undefined }),
      failure: (error) => {
        const [status, body] = errorToHttp(error);
        // A refused or failed request that appended nothing changed nothing: its key is
        // free again (a retry, e.g. with the body corrected, runs anew) and nothing of
        // it is stored. One that appended before failing keeps its answer (runOnce).
        return { status, body, retryable: true };
      },
    });
    switch (outcome.state) {
      case 'mismatch':
        throw new UnprocessableEntityException(
          'Idempotency-Key was already used with a different request',
        );
      case 'in-progress':
        throw new ConflictException('a request with this Idempotency-Key is still being processed');
      case 'replay':
        if (outcome.status >= 400)
          throw new HttpException(outcome.response as object, outcome.status);
        return outcome.response;
      case 'ran':
        return outcome.result;
    }
  }
}

export type RunOnceOutcome<T> =
  | { readonly state: 'ran'; readonly result: T }
  /** An earlier run's answer (a completed one, or one recovered from its appends). */
  | { readonly state: 'replay'; readonly status: number; readonly response: unknown }
  | { readonly state: 'mismatch' }
  | { readonly state: 'in-progress' };

/**
 * Runs `work` once per (scope, key) through the fenced idempotency claims — the
 * one mechanism behind HTTP `Idempotency-Key` and inbound CloudEvents. The work
 * runs under the claim, so its appends are recorded with it; its answer is kept.
 * A claim left by a dead run whose appends committed is answered from them
 * (`recoveredAnswer`). A failure the caller calls retryable releases the claim,
 * unless the work had appended something: then, like any other failure, its
 * status and body are kept and a retry gets them.
 */
export async function runOnce<T>(
  store: PostgresIdempotencyStore,
  scope: string,
  key: string,
  requestHash: string,
  options: {
    readonly work: () => Promise<T>;
    readonly failure: (error: unknown) => { status: number; body: unknown; retryable: boolean };
  },
): Promise<RunOnceOutcome<T>> {
  const claim = await store.claim(scope, key, requestHash);
  switch (claim.state) {
    case 'mismatch':
    case 'in-progress':
    case 'replay':
      return claim;
    case 'committed': {
      const response = recoveredAnswer(claim.appends);
      await store.complete(scope, key, claim.token, 200, response);
      return { state: 'replay', status: 200, response };
    }
    case 'new':
      break;
  }
  const { token } = claim;
  try {
    const result = await activeIdempotencyClaim.run({ scope, key, token }, options.work);
    await store.complete(scope, key, token, 200, result ?? null);
    return { state: 'ran', result };
  } catch (error) {
    const { status, body, retryable } = options.failure(error);
    // A run that appended before failing must not run again: its error is kept.
    if (!retryable || !(await store.release(scope, key, token)))
      await store.complete(scope, key, token, status, body);
    throw error;
  }
}

/** The answer to a retry whose first request committed its events and then died. */
export function recoveredAnswer(appends: readonly CommittedAppend[]) {
  const last = appends.at(-1);
  return {
    recovered: true,
    eventIds: appends.flatMap((a) => a.eventIds),
    ...(last ? { streamId: last.streamId, revision: last.revision } : {}),
    ...(last?.caseId ? { caseId: last.caseId } : {}),
  };
}
