import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Clock, EventStore, IdGenerator } from '@gridline/eventsourcing';
import { CLOCK, EVENT_STORE, IDS } from '@gridline/platform';
import type { Caller } from '../shared/caller.js';
import { recordCommand, type CommandRecorded } from '../shared/record-command.js';
import { loadWarning } from './get-warning.query.js';
import { warningDecider, warningStreamId } from './warning.decider.js';

/** Body of `POST /api/warnings/{id}/lift`. */
export interface LiftWarningBody {
  readonly reason: string;
}

export const liftWarningBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 2000 } },
} as const;

export class LiftWarningCommand {
  constructor(
    readonly warningId: string,
    readonly body: LiftWarningBody,
    readonly caller: Caller,
  ) {}
}

@CommandHandler(LiftWarningCommand)
export class LiftWarningHandler implements ICommandHandler<LiftWarningCommand, CommandRecorded> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
  ) {}

  async execute({ warningId, body, caller }: LiftWarningCommand): Promise<CommandRecorded> {
    const { caseId } = await loadWarning(this.store, warningId);
    const now = this.clock.now();
    return recordCommand({ store: this.store, ids: this.ids }, warningDecider, {
      streamId: warningStreamId(warningId),
      caseId,
      now,
      caller,
      command: {
        type: 'LiftWarning',
        warningId,
        reason: body.reason,
        liftedBy: caller.principal.id,
        liftedAt: now,
      },
    });
  }
}
