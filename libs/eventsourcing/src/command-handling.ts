import type { EventMetadata } from '@gridline/contracts';
import { fold, type Decider } from './decider.js';
import {
  WrongExpectedVersionError,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from './event-store.js';

/** Plain-data domain event: its wire name and its payload. */
export interface DomainEvent {
  readonly type: string;
  readonly data: unknown;
}

export interface CommandEnvelope<Command> {
  readonly streamId: string;
  readonly command: Command;
  readonly metadata: EventMetadata;
  /** When the command takes effect: stamps every event it produces. */
  readonly now: Date;
  /** Gives the id of the n-th new event; deterministic ids make retries idempotent. */
  readonly eventId: (index: number) => string;
}

export interface HandleOptions {
  /** How many times a concurrency conflict is retried before giving up. */
  readonly maxRetries?: number;
  /**
   * The revision the caller decided on (a person's form, HTTP `If-Match`): a
   * stream at another revision is a WrongExpectedVersionError at once, never
   * retried, so a change the person did not see is not overwritten.
   */
  readonly ifRevision?: number;
}

export class ConcurrencyConflictError extends Error {
  constructor(
    readonly streamId: string,
    readonly attempts: number,
  ) {
    super(`stream ${streamId} kept changing: gave up after ${attempts} attempts`);
    this.name = 'ConcurrencyConflictError';
  }
}

export interface HandleResult<Event> {
  readonly events: readonly RecordedEvent[];
  readonly newEvents: readonly Event[];
  readonly nextExpectedRevision: number | 'no_stream';
}

/**
 * Load, fold, decide, append with the revision that was read. A concurrent
 * writer makes the append fail with WrongExpectedVersionError; the whole cycle
 * is then retried on the fresh state, a bounded number of times.
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  envelope: CommandEnvelope<Command>,
  options: HandleOptions = {},
): Promise<HandleResult<Event>> {
  const maxRetries = options.maxRetries ?? 3;
  for (let attempt = 1; ; attempt++) {
    const history = await store.readStream(envelope.streamId);
    const state = fold(
      decider,
      history.map((e) => ({ type: e.type, data: e.data }) as Event),
    );
    const current = history.at(-1)?.revision ?? 'no_stream';
    if (options.ifRevision !== undefined && current !== options.ifRevision)
      throw new WrongExpectedVersionError(envelope.streamId, options.ifRevision, current);
    const newEvents = decider.decide(envelope.command, state);
    if (newEvents.length === 0) return { events: [], newEvents, nextExpectedRevision: current };
    const toAppend = newEvents.map((event, index): NewEvent => ({
      id: envelope.eventId(index),
      type: event.type,
      data: event.data,
      metadata: envelope.metadata,
      occurredAt: envelope.now.toISOString(),
    }));
    let result: AppendResult;
    try {
      result = await store.appendToStream(envelope.streamId, toAppend, {
        expectedRevision: current,
      });
    } catch (error) {
      if (
        error instanceof WrongExpectedVersionError &&
        attempt <= maxRetries &&
        options.ifRevision === undefined
      )
        continue;
      if (error instanceof WrongExpectedVersionError)
        throw new ConcurrencyConflictError(envelope.streamId, attempt);
      throw error;
    }
    return { events: result.events, newEvents, nextExpectedRevision: result.nextExpectedRevision };
  }
}
