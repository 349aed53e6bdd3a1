import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '@gridline/eventsourcing';
import { EVENT_STORE, NotFoundError } from '@gridline/platform';
import { loadAggregate } from '../shared/record-command.js';
import { projectDecider, projectStreamId, type ProjectState } from './project.decider.js';

export type ProjectView = Exclude<ProjectState, { status: 'none' }> & { readonly revision: number };

/** The project as its stream has it now; NotFoundError (404) when it was never proposed. */
export async function loadProject(store: EventStore, projectId: string): Promise<ProjectView> {
  const { state, revision } = await loadAggregate(
    store,
    projectDecider,
    projectStreamId(projectId),
  );
  if (state.status === 'none' || revision === undefined)
    throw new NotFoundError(`project ${projectId}`);
  return { ...state, revision };
}

export class GetProjectQuery {
  constructor(readonly projectId: string) {}
}

/** The project folded from its stream: always current, no read model needed. */
@QueryHandler(GetProjectQuery)
export class GetProjectHandler implements IQueryHandler<GetProjectQuery, ProjectView> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ projectId }: GetProjectQuery): Promise<ProjectView> {
    return loadProject(this.store, projectId);
  }
}
