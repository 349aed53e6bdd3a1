import { isoTimeSchema, placeSchema, severitySchema, uuidSchema } from '@gridline/contracts';
import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { fold, type EventStore } from '@gridline/eventsourcing';
import { EVENT_STORE, NotFoundError } from '@gridline/platform';
import { issueDecider, issueStreamId, type IssueEvent, type IssueState } from './issue.decider.js';

/** The JSON Schema of IssueView (GET /api/issues/:issueId). */
export const issueViewSchema = {
  type: 'object',
  required: [
    'issueId',
    'caseId',
    'status',
    'source',
    'category',
    'location',
    'severity',
    'reportedAt',
    'notes',
    'revision',
  ],
  properties: {
    issueId: uuidSchema,
    caseId: uuidSchema,
    status: { type: 'string', enum: ['reported', 'acknowledged', 'resolved'] },
    source: { type: 'string', enum: ['grid-worker', 'resident-complaint'] },
    category: { type: 'string' },
    location: placeSchema,
    severity: severitySchema,
    reportedAt: isoTimeSchema,
    acknowledgedAt: isoTimeSchema,
    notes: { type: 'array', items: { type: 'object', additionalProperties: true } },
    outcome: {
      type: 'string',
      enum: ['remedied', 'referred', 'no-action-needed', 'enforcement-started'],
    },
    resolvedAt: isoTimeSchema,
    reporterSubjectId: { type: 'string' },
    reporterErasedAt: isoTimeSchema,
    revision: { type: 'integer', description: 'the stream revision (send it as If-Match)' },
  },
} as const;

export class GetIssueQuery {
  constructor(readonly issueId: string) {}
}

export type IssueView = Exclude<IssueState, { status: 'none' }> & { readonly revision: number };

/** The issue folded from its stream: always current, no read model needed. */
@QueryHandler(GetIssueQuery)
export class GetIssueHandler implements IQueryHandler<GetIssueQuery, IssueView> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ issueId }: GetIssueQuery): Promise<IssueView> {
    const events = await this.store.readStream(issueStreamId(issueId));
    const state = fold(
      issueDecider,
      events.map((e) => ({ type: e.type, data: e.data }) as IssueEvent),
    );
    const last = events.at(-1);
    if (state.status === 'none' || !last) throw new NotFoundError(`issue ${issueId}`);
    return { ...state, revision: last.revision };
  }
}
