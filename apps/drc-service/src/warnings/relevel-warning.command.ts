import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  riskLevelSchema,
  signalFiguresSchema,
  type RiskLevel,
  type SignalFigures,
} from '@gridline/contracts';
import type { Clock, EventStore, IdGenerator } from '@gridline/eventsourcing';
import { CLOCK, EVENT_STORE, IDS } from '@gridline/platform';
import type { Caller } from '../shared/caller.js';
import { recordCommand, type CommandRecorded } from '../shared/record-command.js';
import { loadWarning } from './get-warning.query.js';
import { warningDecider, warningStreamId } from './warning.decider.js';

/** Body of `POST /api/warnings/{id}/level`. */
export interface RelevelWarningBody {
  readonly level: RiskLevel;
  readonly reason?: string;
  readonly signal?: SignalFigures;
}

export const relevelWarningBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['level'],
  properties: {
    level: riskLevelSchema,
    reason: { type: 'string', minLength: 1, maxLength: 2000 },
    signal: signalFiguresSchema,
  },
} as const;

export class RelevelWarningCommand {
  constructor(
    readonly warningId: string,
    readonly body: RelevelWarningBody,
    readonly caller: Caller,
  ) {}
}

@CommandHandler(RelevelWarningCommand)
export class RelevelWarningHandler implements ICommandHandler<
  RelevelWarningCommand,
  CommandRecorded
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
  ) {}

  async execute({ warningId, body, caller }: RelevelWarningCommand): Promise<CommandRecorded> {
    const { caseId } = await loadWarning(this.store, warningId);
    const now = this.clock.now();
    return recordCommand({ store: this.store, ids: this.ids }, warningDecider, {
      streamId: warningStreamId(warningId),
      caseId,
      now,
      caller,
      command: {
        type: 'RelevelWarning',
        warningId,
        level: body.level,
        ...(body.reason ? { reason: body.reason } : {}),
        ...(body.signal ? { signal: body.signal } : {}),
        releveledBy: caller.principal.id,
        releveledAt: now,
      },
    });
  }
}
