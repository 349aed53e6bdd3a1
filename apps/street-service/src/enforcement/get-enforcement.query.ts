import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '@gridline/eventsourcing';
import { EVENT_STORE } from '@gridline/platform';
import { loadExisting } from '../shared/run-command.js';
import {
  enforcementDecider,
  enforcementStreamId,
  type EnforcementState,
} from './enforcement.decider.js';

export class GetEnforcementQuery {
  constructor(
    readonly subjectId: string,
    readonly category: string,
  ) {}
}

export type EnforcementView = EnforcementState;

/** The dated reminder and warning steps of one subject and category, folded from the stream. */
@QueryHandler(GetEnforcementQuery)
export class GetEnforcementHandler implements IQueryHandler<GetEnforcementQuery, EnforcementView> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ subjectId, category }: GetEnforcementQuery): Promise<EnforcementView> {
    return loadExisting(
      this.store,
      enforcementDecider,
      enforcementStreamId(subjectId, category),
      `enforcement of ${subjectId} for ${category}`,
    );
  }
}
