import {
  fold,
  handleCommand,
  type Decider,
  type DomainEvent,
  type EventStore,
  type IdGenerator,
} from '@gridline/eventsourcing';
import { NotFoundError, type Principal } from '@gridline/platform';
import type { StaffActor } from './staff.js';

/** What every street command answers: the events it recorded and the stream's revision. */
export interface CommandResult {
  readonly eventIds: readonly string[];
  readonly revision: number;
}

export interface CommandOrigin {
  readonly principal: Principal;
  /** The coordinated case the events belong to (Kafka key, timeline). */
  readonly caseId: string;
  readonly now: Date;
  readonly traceparent?: string;
}

/** The actor without credentials; commands that need one use `actorWithCredentials` (credentials/). */
export const actorOf = (principal: Principal): StaffActor => ({
  id: principal.id,
  roles: principal.roles,
});

/** A folded state that is not a decider's "nothing yet" (`status: 'none'`). */
export type Existing<S> = Exclude<S, { readonly status: 'none' }>;

function exists<S>(state: S): state is Existing<S> {
  return !(
    typeof state === 'object' &&
    state !== null &&
    (state as { readonly status?: unknown }).status === 'none'
  );
}

async function foldStream<C, E extends DomainEvent, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
): Promise<{ readonly found: boolean; readonly state: S }> {
  const events = await store.readStream(streamId);
  const state = fold(
    decider,
    events.map((e) => ({ type: e.type, data: e.data }) as E),
  );
  return { found: events.length > 0, state };
}

/** Folds a stream that must exist: an unknown aggregate is a 404 naming `what`, not a rule broken. */
export async function loadExisting<C, E extends DomainEvent, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
  what: string,
): Promise<Existing<S>> {
  const { found, state } = await foldStream(store, decider, streamId);
  if (!found || !exists(state)) throw new NotFoundError(what);
  return state;
}

/** Folds a stream that may not exist yet (its initial state then). */
export async function loadState<C, E extends DomainEvent, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
): Promise<S> {
  return (await foldStream(store, decider, streamId)).state;
}

/**
 * The thin part every street command handler shares: load, fold, decide and
 * append (through `handleCommand`, which retries on a concurrent writer), with
 * the metadata that correlates the events to their case.
 */
export async function runCommand<C, E extends DomainEvent, S>(
  store: EventStore,
  ids: IdGenerator,
  decider: Decider<C, E, S>,
  streamId: string,
  command: C,
  origin: CommandOrigin,
): Promise<CommandResult> {
  const requestId = ids.newId();
  const eventIds: string[] = [];
  const result = await handleCommand(store, decider, {
    streamId,
    command,
    metadata: {
      caseId: origin.caseId,
      correlationId: origin.caseId,
      causationId: requestId,
      actor: { id: origin.principal.id, agency: origin.principal.agency, kind: 'user' },
      ...(origin.traceparent ? { traceparent: origin.traceparent } : {}),
    },
    now: origin.now,
    // Ids stay the same across concurrency retries of this one request.
    eventId: (index) => (eventIds[index] ??= ids.newId()),
  });
  const revision = result.nextExpectedRevision;
  return {
    eventIds: result.events.map((e) => e.id),
    revision: revision === 'no_stream' ? -1 : revision,
  };
}
