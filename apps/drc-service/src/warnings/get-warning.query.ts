import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '@gridline/eventsourcing';
import { EVENT_STORE, NotFoundError } from '@gridline/platform';
import { loadAggregate } from '../shared/record-command.js';
import { warningDecider, warningStreamId, type WarningState } from './warning.decider.js';

export type ExistingWarning = Exclude<WarningState, { status: 'none' }>;
export type WarningView = ExistingWarning & { readonly revision: number };

/** The warning as its stream has it now; NotFoundError (404) when it was never issued. */
export async function loadWarning(store: EventStore, warningId: string): Promise<WarningView> {
  const { state, revision } = await loadAggregate(
    store,
    warningDecider,
    warningStreamId(warningId),
  );
  if (state.status === 'none' || revision === undefined)
    throw new NotFoundError(`warning ${warningId}`);
  return { ...state, revision };
}

export class GetWarningQuery {
  constructor(readonly warningId: string) {}
}

/** The warning folded from its stream: always current, no read model needed. */
@QueryHandler(GetWarningQuery)
export class GetWarningHandler implements IQueryHandler<GetWarningQuery, WarningView> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ warningId }: GetWarningQuery): Promise<WarningView> {
    return loadWarning(this.store, warningId);
  }
}
