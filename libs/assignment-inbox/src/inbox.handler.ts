import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AssignmentEvent, EventMetadata, InboxAgency } from '@gridline/contracts';
import {
  deterministicId,
  DomainError,
  fold,
  handleCommand,
  type EventStore,
  type IdGenerator,
} from '@gridline/eventsourcing';
import { EVENT_STORE, IDS, NotFoundError } from '@gridline/platform';
import {
  inboxDecider,
  inboxStreamId,
  type InboxCommand,
  type InboxState,
} from './inbox.decider.js';

export const INBOX_AGENCY = Symbol('INBOX_AGENCY');

export class ExecuteInboxCommand {
  constructor(
    readonly assignmentId: string,
    readonly command: InboxCommand,
    readonly metadata: EventMetadata,
    /** Set when the command reacts to an event: ids derived from it make redelivery harmless. */
    readonly triggerId?: string,
  ) {}
}

@CommandHandler(ExecuteInboxCommand)
export class InboxCommandHandler implements ICommandHandler<ExecuteInboxCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IDS) private readonly ids: IdGenerator,
    @Inject(INBOX_AGENCY) private readonly agency: InboxAgency,
  ) {}

  async execute({ assignmentId, command, metadata, triggerId }: ExecuteInboxCommand) {
    try {
      const result = await handleCommand(this.store, inboxDecider(this.agency), {
        streamId: inboxStreamId(this.agency, assignmentId),
        command,
        metadata,
        now: command.at,
        eventId: (i) =>
          triggerId ? deterministicId(`${triggerId}:${command.type}:${i}`) : this.ids.newId(),
      });
      return { assignmentId, eventIds: result.events.map((e) => e.id) };
    } catch (error) {
      if (error instanceof DomainError && error.code === 'assignment-not-found')
        throw new NotFoundError(`assignment ${assignmentId}`);
      throw error;
    }
  }
}

/** Reads an inbox entry (folded from its stream) — also to learn its case id. */
export async function loadInboxEntry(
  store: EventStore,
  agency: InboxAgency,
  assignmentId: string,
): Promise<Exclude<InboxState, { status: 'none' }>> {
  const events = await store.readStream(inboxStreamId(agency, assignmentId));
  const state = fold(
    inboxDecider(agency),
    events.map((e) => ({ type: e.type, data: e.data }) as AssignmentEvent),
  );
  if (state.status === 'none') throw new NotFoundError(`assignment ${assignmentId}`);
  return state;
}
