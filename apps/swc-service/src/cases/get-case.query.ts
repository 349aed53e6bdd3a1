import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { SwcEvent } from '@gridline/contracts';
import { fold, type EventStore } from '@gridline/eventsourcing';
import { EVENT_STORE, NotFoundError } from '@gridline/platform';
import { caseDecider, caseStreamId, type ActiveCase } from './case.decider.js';

export class GetCaseQuery {
  constructor(readonly caseId: string) {}
}

export type CaseView = Omit<ActiveCase, 'handled'> & { readonly revision: number };

/** SWC's own view of a case, folded from its stream: always current. */
@QueryHandler(GetCaseQuery)
export class GetCaseHandler implements IQueryHandler<GetCaseQuery, CaseView> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ caseId }: GetCaseQuery): Promise<CaseView> {
    const events = await this.store.readStream(caseStreamId(caseId));
    const state = fold(
      caseDecider,
      events.map((e) => ({ type: e.type, data: e.data }) as SwcEvent),
    );
    const last = events.at(-1);
    if (state.status === 'none' || !last) throw new NotFoundError(`case ${caseId}`);
    const { handled, ...view } = state;
    return { ...view, revision: last.revision };
  }
}
