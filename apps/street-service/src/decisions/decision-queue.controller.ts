import { Controller, Inject, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { ReadRoute } from '@gridline/platform';
import {
  DecisionQueueQuery,
  parseQueueQuery,
  QUEUE_STATUSES,
  type DecisionQueueView,
} from './decision-queue.query.js';

/** The decisions in one status: the legal reviewers' queue (`review-requested`) and the officers' follow-up. */
@ApiTags('decisions')
@Controller('api/decisions')
export class DecisionQueueController {
  constructor(@Inject(QueryBus) private readonly queries: QueryBus) {}

  @ReadRoute({
    summary: '{ status, items: decisions with their drafters }',
    query: { status: { enum: QUEUE_STATUSES } },
    roles: ['legal-reviewer', 'officer', 'admin'],
    ownAgency: true,
    answers: { 400: 'a query parameter is invalid; `problems` names each' },
    response: {
      type: 'object',
      required: ['status', 'items'],
      properties: {
        status: { type: 'string', enum: [...QUEUE_STATUSES] },
        items: {
          type: 'array',
          description:
            'oldest request first, each decision as GET /api/decisions/{decisionId} answers it',
          items: {
            type: 'object',
            additionalProperties: true,
            required: ['decisionId', 'revision'],
            properties: {
              decisionId: { type: 'string' },
              revision: { type: 'integer' },
              status: { type: 'string' },
            },
          },
        },
      },
    },
  })
  list(@Query() query: Record<string, unknown>): Promise<DecisionQueueView> {
    return this.queries.execute(new DecisionQueueQuery(parseQueueQuery(query)));
  }
}
