import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Clock, EventStore, IdGenerator } from '@gridline/eventsourcing';
import { CLOCK, EVENT_STORE, IDS } from '@gridline/platform';
import type { Caller } from '../shared/caller.js';
import { recordCommand, type CommandRecorded } from '../shared/record-command.js';
import { loadProject } from './get-project.query.js';
import { projectDecider, projectStreamId, type ProjectCommand } from './project.decider.js';

// The commands on an existing project (approve, reject, fund, complete): the same
// thin handler each, differing only in the decider command they build.

const reasonSchema = { type: 'string', minLength: 1, maxLength: 2000 } as const;
const wholeYuanSchema = { type: 'integer', minimum: 1 } as const;

/** Body of `POST /api/projects/{id}/approve`; without `budget` the proposed budget is granted. */
export interface ApproveProjectBody {
  readonly budget?: number;
}
export const approveProjectBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { budget: wholeYuanSchema },
} as const;

/** Body of `POST /api/projects/{id}/reject`. */
export interface RejectProjectBody {
  readonly reason: string;
}
export const rejectProjectBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: reasonSchema },
} as const;

/** Body of `POST /api/projects/{id}/fundings`: one tranche, whole yuan. */
export interface FundProjectBody {
  readonly amount: number;
}
export const fundProjectBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['amount'],
  properties: { amount: wholeYuanSchema },
} as const;

/** Body of `POST /api/projects/{id}/complete`. */
export interface CompleteProjectBody {
  readonly outcome: string;
}
export const completeProjectBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['outcome'],
  properties: { outcome: { type: 'string', minLength: 1, maxLength: 4000 } },
} as const;

abstract class ProjectLifecycleCommand<Body> {
  constructor(
    readonly projectId: string,
    readonly body: Body,
    readonly caller: Caller,
  ) {}
}
export class ApproveProjectCommand extends ProjectLifecycleCommand<ApproveProjectBody> {}
export class RejectProjectCommand extends ProjectLifecycleCommand<RejectProjectBody> {}
export class FundProjectCommand extends ProjectLifecycleCommand<FundProjectBody> {}
export class CompleteProjectCommand extends ProjectLifecycleCommand<CompleteProjectBody> {}

/** Load the project (404 if unknown) for its case id, then decide and append. */
abstract class ProjectLifecycleHandler<Body> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
  ) {}

  protected abstract toDecision(command: ProjectLifecycleCommand<Body>, now: Date): ProjectCommand;

  async execute(command: ProjectLifecycleCommand<Body>): Promise<CommandRecorded> {
    const { caseId } = await loadProject(this.store, command.projectId);
    const now = this.clock.now();
    return recordCommand({ store: this.store, ids: this.ids }, projectDecider, {
      streamId: projectStreamId(command.projectId),
      caseId,
      now,
      caller: command.caller,
      command: this.toDecision(command, now),
    });
  }
}

@CommandHandler(ApproveProjectCommand)
export class ApproveProjectHandler
  extends ProjectLifecycleHandler<ApproveProjectBody>
  implements ICommandHandler<ApproveProjectCommand, CommandRecorded>
{
  protected toDecision({ projectId, body, caller }: ApproveProjectCommand, now: Date) {
    return {
      type: 'ApproveProject',
      projectId,
      ...(body.budget !== undefined ? { budget: body.budget } : {}),
      approvedBy: caller.principal.id,
      approvedAt: now,
    } as const;
  }
}

@CommandHandler(RejectProjectCommand)
export class RejectProjectHandler
  extends ProjectLifecycleHandler<RejectProjectBody>
  implements ICommandHandler<RejectProjectCommand, CommandRecorded>
{
  protected toDecision({ projectId, body, caller }: RejectProjectCommand, now: Date) {
    return {
      type: 'RejectProject',
      projectId,
      reason: body.reason,
      rejectedBy: caller.principal.id,
      rejectedAt: now,
    } as const;
  }
}

@CommandHandler(FundProjectCommand)
export class FundProjectHandler
  extends ProjectLifecycleHandler<FundProjectBody>
  implements ICommandHandler<FundProjectCommand, CommandRecorded>
{
  protected toDecision({ projectId, body, caller }: FundProjectCommand, now: Date) {
    return {
      type: 'FundProject',
      projectId,
      amount: body.amount,
      fundedBy: caller.principal.id,
      fundedAt: now,
    } as const;
  }
}

@CommandHandler(CompleteProjectCommand)
export class CompleteProjectHandler
  extends ProjectLifecycleHandler<CompleteProjectBody>
  implements ICommandHandler<CompleteProjectCommand, CommandRecorded>
{
  protected toDecision({ projectId, body, caller }: CompleteProjectCommand, now: Date) {
    return {
      type: 'CompleteProject',
      projectId,
      outcome: body.outcome,
      completedBy: caller.principal.id,
      completedAt: now,
    } as const;
  }
}
