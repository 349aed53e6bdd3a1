import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { IssueWarningBody } from '@gridline/contracts';
import type { Clock, EventStore, IdGenerator } from '@gridline/eventsourcing';
import { CLOCK, EVENT_STORE, IDS } from '@gridline/platform';
import type { Caller } from '../shared/caller.js';
import { recordCommand, type CommandRecorded } from '../shared/record-command.js';
import { warningDecider, warningStreamId } from './warning.decider.js';

// The body is a published contract (also the data of the inbound CloudEvent).
export { issueWarningBodySchema, type IssueWarningBody } from '@gridline/contracts';

export class IssueWarningCommand {
  constructor(
    readonly body: IssueWarningBody,
    readonly caller: Caller,
  ) {}
}

export type WarningIssuedResult = CommandRecorded & {
  readonly warningId: string;
  readonly caseId: string;
};

@CommandHandler(IssueWarningCommand)
export class IssueWarningHandler implements ICommandHandler<
  IssueWarningCommand,
  WarningIssuedResult
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
  ) {}

  async execute({ body, caller }: IssueWarningCommand): Promise<WarningIssuedResult> {
    const warningId = this.ids.newId();
    // A warning starts a prevention matter: the SWC opens its case under this id.
    const caseId = this.ids.newId();
    const now = this.clock.now();
    const recorded = await recordCommand({ store: this.store, ids: this.ids }, warningDecider, {
      streamId: warningStreamId(warningId),
      caseId,
      now,
      caller,
      command: {
        type: 'IssueWarning',
        warningId,
        caseId,
        kind: body.kind,
        level: body.level,
        area: body.area,
        description: body.description,
        ...(body.signal ? { signal: body.signal } : {}),
        issuedBy: caller.principal.id,
        issuedAt: now,
      },
    });
    return { warningId, caseId, ...recorded };
  }
}
