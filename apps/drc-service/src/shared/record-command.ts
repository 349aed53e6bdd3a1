import {
  fold,
  handleCommand,
  type Decider,
  type DomainEvent,
  type EventStore,
  type IdGenerator,
} from '@gridline/eventsourcing';
import type { Caller } from './caller.js';

/** What a command recorded: the id and stream revision of its event. */
export interface CommandRecorded {
  readonly eventId: string;
  readonly revision: number;
}

/**
 * Runs one command on one DRC stream with `handleCommand` (load, fold, decide,
 * append with the revision read). Every event is filed under `caseId`, the
 * Kafka key that puts it on the case's timeline; the HTTP request is its cause.
 * Each DRC command records exactly one event.
 */
export async function recordCommand<Command, Event extends DomainEvent, State>(
  deps: { readonly store: EventStore; readonly ids: IdGenerator },
  decider: Decider<Command, Event, State>,
  args: {
    readonly streamId: string;
    readonly caseId: string;
    readonly command: Command;
    readonly now: Date;
    readonly caller: Caller;
  },
): Promise<CommandRecorded> {
  const { principal, traceparent } = args.caller;
  const result = await handleCommand(deps.store, decider, {
    streamId: args.streamId,
    command: args.command,
    metadata: {
      caseId: args.caseId,
      correlationId: args.caseId,
      causationId: deps.ids.newId(),
      actor: {
        id: principal.id,
        agency: principal.agency,
        kind: principal.roles.includes('service') ? 'service' : 'user',
      },
      ...(traceparent ? { traceparent } : {}),
    },
    now: args.now,
    eventId: () => deps.ids.newId(),
  });
  const event = result.events[0];
  if (!event) throw new Error(`a command on ${args.streamId} recorded no event`);
  return { eventId: event.id, revision: event.revision };
}

/** An aggregate's current state from its stream, with the revision it was read at. */
export async function loadAggregate<Command, Event, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  streamId: string,
): Promise<{ readonly state: State; readonly revision: number | undefined }> {
  const events = await store.readStream(streamId);
  const state = fold(
    decider,
    events.map((e) => ({ type: e.type, data: e.data }) as Event),
  );
  return { state, revision: events.at(-1)?.revision };
}
