import { isoTimeSchema, uuidSchema } from '@gridline/contracts';
import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { SwcEvent } from '@gridline/contracts';
import { fold, type EventStore } from '@gridline/eventsourcing';
import { EVENT_STORE, NotFoundError } from '@gridline/platform';
import { caseDecider, caseStreamId, type ActiveCase } from './case.decider.js';

const riskLevelSchema = { type: 'string', enum: ['blue', 'yellow', 'orange', 'red'] } as const;

/** The JSON Schema of CaseView (GET /api/cases/:caseId). */
export const swcCaseViewSchema = {
  type: 'object',
  required: ['status', 'caseId', 'mode', 'triaged', 'assignments', 'verified', 'revision'],
  properties: {
    status: { type: 'string', enum: ['open', 'closed'] },
    caseId: uuidSchema,
    originEventId: uuidSchema,
    riskLevel: riskLevelSchema,
    mode: { type: 'string', enum: ['routine', 'emergency'] },
    triaged: { type: 'boolean' },
    assignments: {
      type: 'object',
      description: 'by assignment id',
      additionalProperties: {
        type: 'object',
        required: ['agency', 'role', 'status', 'assignedAt', 'dueAt', 'escalated'],
        properties: {
          agency: { type: 'string', enum: ['drc', 'street'] },
          role: { type: 'string', enum: ['lead', 'co-handler'] },
          status: { type: 'string' },
          assignedAt: isoTimeSchema,
          dueAt: isoTimeSchema,
          escalated: { type: 'boolean' },
        },
      },
    },
    verified: { type: 'boolean' },
    revision: { type: 'integer', description: 'the stream revision (send it as If-Match)' },
  },
} as const;

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
