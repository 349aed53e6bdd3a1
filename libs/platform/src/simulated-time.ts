import { AsyncLocalStorage } from 'node:async_hooks';
import {
  BadRequestException,
  ForbiddenException,
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Clock } from '@gridline/eventsourcing';
import { Observable } from 'rxjs';
import type { Principal } from './token-verifier.js';

/**
 * Simulated time, for demos and history imports only (GRIDLINE_SIMULATED_CLOCK,
 * off by default, and only in the local profile): a service account may send
 * `X-Gridline-Time` with a command, which is decided as of that time; a reaction
 * to an event runs as of the event's time. The time is scoped to the request or
 * reaction that carries it: nothing outside it, no read and no background work,
 * sees it. The store still records the real time of every append (`recorded_at`).
 */
const simulated = new AsyncLocalStorage<Date>();

export const contextualClock: Clock = { now: () => simulated.getStore() ?? new Date() };

export function runAt<T>(at: Date, fn: () => T): T {
  return simulated.run(at, fn);
}

/** The earliest simulated time accepted: no governance record of the platform is older. */
export const SIMULATED_TIME_EPOCH = new Date('2000-01-01T00:00:00.000Z');
/** How far past the real clock a simulated time may be (clock skew between machines). */
export const SIMULATED_TIME_SKEW_MS = 5 * 60_000;
/** RFC 3339 date-time with an offset (or Z), seconds and milliseconds optional. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An `X-Gridline-Time` value as a time, or why it is refused: an RFC 3339
 * date-time, not before SIMULATED_TIME_EPOCH and not after the real clock (plus
 * SIMULATED_TIME_SKEW_MS): history is imported, not invented ahead.
 */
export function parseSimulatedTime(value: string, now = new Date()): Date | string {
  const at = RFC3339.test(value) ? new Date(value) : undefined;
  if (!at || Number.isNaN(at.getTime()))
    return 'X-Gridline-Time must be an RFC 3339 date-time with an offset (2026-03-15T09:30:00Z)';
  if (at < SIMULATED_TIME_EPOCH)
    return `X-Gridline-Time must not be before ${SIMULATED_TIME_EPOCH.toISOString()}`;
  if (at.getTime() > now.getTime() + SIMULATED_TIME_SKEW_MS)
    return 'X-Gridline-Time must not be in the future';
  return at;
}

export const SIMULATED_CLOCK_ENABLED = Symbol('SIMULATED_CLOCK_ENABLED');
/** The clock of background work: the real clock (a test may give another). */
export const BACKGROUND_CLOCK = Symbol('BACKGROUND_CLOCK');
export const REACTION_TIME = Symbol('REACTION_TIME');

/** How a reaction to an event runs: as of the event's time when time is simulated. */
export type ReactionTime = (event: { time: string }, react: () => Promise<void>) => Promise<void>;

export function reactionTime(enabled: boolean): ReactionTime {
  return enabled ? (event, react) => runAt(new Date(event.time), react) : (_, react) => react();
}

const COMMAND_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

@Injectable()
export class SimulatedTimeInterceptor implements NestInterceptor {
  constructor(@Inject(SIMULATED_CLOCK_ENABLED) private readonly enabled: boolean) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<{
      method?: string;
      headers: Record<string, string | string[] | undefined>;
      principal?: Principal;
    }>();
    const header = request.headers['x-gridline-time'];
    if (header === undefined) return next.handle();
    if (!this.enabled)
      throw new BadRequestException(
        'this deployment does not accept X-Gridline-Time (GRIDLINE_SIMULATED_CLOCK is off)',
      );
    // A read is answered as of now (a past view is asked with asOf).
    if (!COMMAND_METHODS.has((request.method ?? 'GET').toUpperCase()))
      throw new BadRequestException('X-Gridline-Time is accepted on commands only, not on reads');
    if (!(request.principal?.roles ?? []).includes('service'))
      throw new ForbiddenException('only service accounts may set X-Gridline-Time');
    const at = parseSimulatedTime(Array.isArray(header) ? header.join(',') : header);
    if (typeof at === 'string') throw new BadRequestException(at);
    return new Observable((subscriber) => runAt(at, () => next.handle().subscribe(subscriber)));
  }
}
