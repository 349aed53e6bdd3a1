import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { discretionRangeSchema, type DiscretionRange } from '@gridline/contracts';
import {
  deterministicId,
  type Clock,
  type EventStore,
  type IdGenerator,
} from '@gridline/eventsourcing';
import { CLOCK, EVENT_STORE, IDS, type Principal } from '@gridline/platform';
import { textBodySchema } from '../shared/body-schemas.js';
import { actorOf, runCommand, type CommandResult } from '../shared/run-command.js';
import { discretionDecider, discretionStreamId } from './discretion.decider.js';

/** Body of `POST /api/discretion-standards/{category}`: the whole table of the new version. */
export interface PublishStandardBody {
  readonly ranges: readonly DiscretionRange[];
  readonly legalBasis: string;
}

export const publishStandardBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['ranges', 'legalBasis'],
  properties: {
    ranges: { type: 'array', minItems: 1, maxItems: 3, items: discretionRangeSchema },
    legalBasis: textBodySchema,
  },
} as const;

export class PublishStandardCommand {
  constructor(
    readonly category: string,
    readonly body: PublishStandardBody,
    readonly principal: Principal,
    readonly traceparent?: string,
  ) {}
}

/**
 * A standard belongs to no coordinated case, yet every event needs a case id
 * (the Kafka key): a fixed id per category keeps all its versions on one key, in order.
 */
export const standardCaseId = (category: string) =>
  deterministicId(`street-discretion-standard:${category}`);

@CommandHandler(PublishStandardCommand)
export class PublishStandardHandler implements ICommandHandler<
  PublishStandardCommand,
  CommandResult
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
  ) {}

  execute({ category, body, principal, traceparent }: PublishStandardCommand) {
    const now = this.clock.now();
    return runCommand(
      this.store,
      this.ids,
      discretionDecider,
      discretionStreamId(category),
      {
        type: 'PublishDiscretionStandard',
        category,
        ranges: body.ranges,
        legalBasis: body.legalBasis,
        actor: actorOf(principal),
        publishedAt: now,
      },
      { principal, caseId: standardCaseId(category), now, ...(traceparent ? { traceparent } : {}) },
    );
  }
}
