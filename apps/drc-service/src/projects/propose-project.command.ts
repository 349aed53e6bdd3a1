import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { placeSchema, uuidSchema, type Place } from '@gridline/contracts';
import type { Clock, EventStore, IdGenerator } from '@gridline/eventsourcing';
import { assertCaseKnown, CLOCK, EVENT_STORE, IDS } from '@gridline/platform';
import type { Caller } from '../shared/caller.js';
import { recordCommand, type CommandRecorded } from '../shared/record-command.js';
import { projectDecider, projectStreamId } from './project.decider.js';

/** Body of `POST /api/projects`. */
export interface ProposeProjectBody {
  readonly caseId: string;
  readonly title: string;
  readonly description: string;
  /** Whole yuan. */
  readonly budget: number;
  readonly location: Place;
}

export const proposeProjectBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['caseId', 'title', 'description', 'budget', 'location'],
  properties: {
    caseId: uuidSchema,
    title: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', minLength: 1, maxLength: 4000 },
    budget: { type: 'integer', minimum: 1 },
    location: placeSchema,
  },
} as const;

export class ProposeProjectCommand {
  constructor(
    readonly body: ProposeProjectBody,
    readonly caller: Caller,
  ) {}
}

export type ProjectProposedResult = CommandRecorded & {
  readonly projectId: string;
  readonly caseId: string;
};

@CommandHandler(ProposeProjectCommand)
export class ProposeProjectHandler implements ICommandHandler<
  ProposeProjectCommand,
  ProjectProposedResult
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
  ) {}

  async execute({ body, caller }: ProposeProjectCommand): Promise<ProjectProposedResult> {
    // A case DRC raised a warning for or was assigned.
    await assertCaseKnown(this.store, 'drc', body.caseId);
    const projectId = this.ids.newId();
    const now = this.clock.now();
    const recorded = await recordCommand({ store: this.store, ids: this.ids }, projectDecider, {
      streamId: projectStreamId(projectId),
      caseId: body.caseId,
      now,
      caller,
      command: {
        type: 'ProposeProject',
        projectId,
        caseId: body.caseId,
        title: body.title,
        description: body.description,
        budget: body.budget,
        location: body.location,
        proposedBy: caller.principal.id,
        proposedAt: now,
      },
    });
    return { projectId, caseId: body.caseId, ...recorded };
  }
}
