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
 * off by default): an admin or service account may send `X-Gridline-Time` and
 * the command is decided as of that time; a reaction to an event runs as of the
 * event's time. Everything else reads the real clock. The store still records
 * the real time of every append (`recorded_at`).
 */
const simulated = new AsyncLocalStorage<Date>();
let latestSimulated: Date | undefined;

export const contextualClock: Clock = { now: () => simulated.getStore() ?? new Date() };

/**
 * For background work (the deadline scanner) in a simulation: time is as far as
 * the simulation has gone, i.e. the latest simulated time any command or
 * reaction ran at; the real time until one has.
 */
export const simulationHighWaterClock: Clock = { now: () => latestSimulated ?? new Date() };

export function runAt<T>(at: Date, fn: () => T): T {
  if (!latestSimulated || at > latestSimulated) latestSimulated = at;
  return simulated.run(at, fn);
}

export const SIMULATED_CLOCK_ENABLED = Symbol('SIMULATED_CLOCK_ENABLED');
/** The clock of background work: real time, or the simulation's high-water mark. */
export const BACKGROUND_CLOCK = Symbol('BACKGROUND_CLOCK');
export const REACTION_TIME = Symbol('REACTION_TIME');

/** How a reaction to an event runs: as of the event's time when time is simulated. */
export type ReactionTime = (event: { time: string }, react: () => Promise<void>) => Promise<void>;

export function reactionTime(enabled: boolean): ReactionTime {
  return enabled ? (event, react) => runAt(new Date(event.time), react) : (_, react) => react();
}

@Injectable()
export class SimulatedTimeInterceptor implements NestInterceptor {
  constructor(@Inject(SIMULATED_CLOCK_ENABLED) private readonly enabled: boolean) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<{
      headers: Record<string, string | string[] | undefined>;
      principal?: Principal;
    }>();
    const header = request.headers['x-gridline-time'];
    if (header === undefined) return next.handle();
    if (!this.enabled)
      throw new BadRequestException(
        'this deployment does not accept X-Gridline-Time (GRIDLINE_SIMULATED_CLOCK is off)',
      );
    const roles = request.principal?.roles ?? [];
    if (!roles.includes('admin') && !roles.includes('service'))
      throw new ForbiddenException('only admins and service accounts may set X-Gridline-Time');
    const at = new Date(Array.isArray(header) ? (header[0] ?? '') : header);
    if (Number.isNaN(at.getTime()))
      throw new BadRequestException('X-Gridline-Time must be an ISO-8601 time');
    return new Observable((subscriber) => runAt(at, () => next.handle().subscribe(subscriber)));
  }
}
