import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '@gridline/eventsourcing';
import { EVENT_STORE } from '@gridline/platform';
import { loadExisting } from '../shared/run-command.js';
import { decisionDecider, decisionStreamId, type Decision } from './decision.decider.js';

export class GetDecisionQuery {
  constructor(readonly decisionId: string) {}
}

/** A decision folded from its stream: status, current draft, review, publicity, appeal. */
@QueryHandler(GetDecisionQuery)
export class GetDecisionHandler implements IQueryHandler<GetDecisionQuery, Decision> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ decisionId }: GetDecisionQuery): Promise<Decision> {
    const state = await loadExisting(
      this.store,
      decisionDecider,
      decisionStreamId(decisionId),
      `decision ${decisionId}`,
    );
    return state;
  }
}
