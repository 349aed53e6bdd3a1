import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Agency, EventMetadata } from '@gridline/contracts';
import {
  DomainError,
  deterministicId,
  handleCommand,
  type EventStore,
  type IdGenerator,
} from '@gridline/eventsourcing';
import { EVENT_STORE, IDS, NotFoundError } from '@gridline/platform';
import { caseDecider, caseStreamId, type CaseCommand } from './case.decider.js';
import type { SlaTable } from './sla.js';

/**
 * Every case command, from HTTP or from a reaction, travels the CommandBus in
 * this one message: the decider tells the commands apart, so a class per
 * command would only repeat this handler.
 */
export class ExecuteCaseCommand {
  constructor(
    readonly caseId: string,
    readonly command: CaseCommand,
    readonly metadata: EventMetadata,
    /** Set by reactions: event ids derived from the trigger make redelivery harmless. */
    readonly triggerId?: string,
    /** The case revision the person decided on (HTTP If-Match): another one is a 409. */
    readonly ifRevision?: number,
  ) {}
}

/** A case command as a person (or a department system's account) gives it: who and when come from the call. */
type WithoutCaller<C> = C extends unknown ? Omit<C, 'by' | 'at' | 'sla'> : never;
export type CaseCommandInput = WithoutCaller<CaseCommand>;

/**
 * The message for a command given by a principal (over HTTP or from an inbound
 * CloudEvent): stamped with who and when, the SLA table attached, and the
 * case's correlation in the metadata.
 */
export function principalCaseCommand(
  caseId: string,
  principal: { readonly id: string; readonly agency: Agency },
  command: CaseCommandInput,
  context: {
    readonly now: Date;
    readonly causationId: string;
    readonly sla: SlaTable;
    readonly traceparent?: string;
    readonly ifRevision?: number;
  },
): ExecuteCaseCommand {
  const full = { ...command, by: principal.id, at: context.now, sla: context.sla };
  return new ExecuteCaseCommand(
    caseId,
    full,
    {
      caseId,
      correlationId: caseId,
      causationId: context.causationId,
      actor: { id: principal.id, agency: principal.agency, kind: 'user' },
      ...(context.traceparent ? { traceparent: context.traceparent } : {}),
    },
    undefined,
    context.ifRevision,
  );
}

export interface CaseCommandResult {
  readonly caseId: string;
  readonly eventIds: readonly string[];
  readonly revision: number | 'no_stream';
}

@CommandHandler(ExecuteCaseCommand)
export class CaseCommandHandler implements ICommandHandler<ExecuteCaseCommand, CaseCommandResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IDS) private readonly ids: IdGenerator,
  ) {}

  async execute({ caseId, command, metadata, triggerId, ifRevision }: ExecuteCaseCommand) {
    try {
      const result = await handleCommand(
        this.store,
        caseDecider,
        {
          streamId: caseStreamId(caseId),
          command,
          metadata,
          now: command.at,
          eventId: (index) =>
            triggerId ? deterministicId(`${triggerId}:${command.type}:${index}`) : this.ids.newId(),
        },
        ifRevision === undefined ? {} : { ifRevision },
      );
      return {
        caseId,
        eventIds: result.events.map((e) => e.id),
        revision: result.nextExpectedRevision,
      };
    } catch (error) {
      if (error instanceof DomainError && error.code === 'case-not-found')
        throw new NotFoundError(`case ${caseId}`);
      throw error;
    }
  }
}
