import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '@gridline/eventsourcing';
import { EVENT_STORE, NotFoundError } from '@gridline/platform';
import { loadExisting } from '../shared/run-command.js';
import {
  currentStandard,
  discretionDecider,
  discretionStreamId,
  type DiscretionStandardVersion,
} from './discretion.decider.js';

export class GetStandardQuery {
  constructor(readonly category: string) {}
}

export interface StandardView {
  readonly category: string;
  readonly current: DiscretionStandardVersion;
  readonly versions: readonly DiscretionStandardVersion[];
}

@QueryHandler(GetStandardQuery)
export class GetStandardHandler implements IQueryHandler<GetStandardQuery, StandardView> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ category }: GetStandardQuery): Promise<StandardView> {
    const what = `discretion standard for ${category}`;
    const state = await loadExisting(
      this.store,
      discretionDecider,
      discretionStreamId(category),
      what,
    );
    const current = currentStandard(state);
    if (!current) throw new NotFoundError(what);
    return { category, current, versions: state.versions };
  }
}
