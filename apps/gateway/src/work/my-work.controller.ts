import { BadRequestException, Controller, Inject, Query } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { WORK_KINDS, WorkQueries, type MyWork } from '@gridline/read-models';
import { CurrentPrincipal, ReadRoute, STAFF, type Principal } from '@gridline/platform';

/** The OpenAPI schema of the answer. */
const MY_WORK_SCHEMA = {
  type: 'object',
  required: ['at', 'items', 'counts', 'total'],
  properties: {
    at: { type: 'string', format: 'date-time', description: 'the time SLA states are computed at' },
    total: { type: 'integer', description: 'open items waiting on you (items holds at most 200)' },
    counts: {
      type: 'object',
      description: 'open items per kind',
      additionalProperties: { type: 'integer' },
    },
    items: {
      type: 'array',
      description: 'soonest due first (no due time last), then the longest waiting',
      items: {
        type: 'object',
        required: [
          'id',
          'kind',
          'caseId',
          'agency',
          'queue',
          'personal',
          'label',
          'since',
          'dueAt',
          'sla',
          'escalated',
        ],
        properties: {
          id: { type: 'string', example: 'decision:6f1c…' },
          kind: { type: 'string', enum: [...WORK_KINDS] },
          caseId: { type: 'string', format: 'uuid' },
          agency: { type: 'string', enum: ['swc', 'drc', 'street'] },
          queue: {
            type: 'string',
            nullable: true,
            example: 'street:legal-reviewer',
            description: 'the queue it waits in; null when it is addressed to you',
          },
          personal: { type: 'boolean' },
          assignmentId: { type: 'string', format: 'uuid' },
          decisionId: { type: 'string', format: 'uuid' },
          warningId: { type: 'string', format: 'uuid' },
          projectId: { type: 'string', format: 'uuid' },
          label: { type: 'string', example: 'draft 2, ¥15000, major' },
          since: { type: 'string', format: 'date-time' },
          dueAt: { type: 'string', format: 'date-time', nullable: true },
          sla: { type: 'string', enum: ['on-time', 'due-soon', 'overdue'], nullable: true },
          escalated: { type: 'boolean' },
        },
      },
    },
  },
} as const;

/**
 * "My work": what waits on the signed-in person (docs/console.md). Their
 * agency's queues for each of their roles, plus work addressed to them, minus
 * work they may not do (their own drafts for review).
 */
@ApiTags('work')
@Controller('api/my-work')
export class MyWorkController {
  constructor(@Inject(WorkQueries) private readonly work: WorkQueries) {}

  @ReadRoute({
    summary: 'What waits on you, soonest due first, with counts per kind',
    description:
      'Assignments to accept or handle (street officers, DRC coordinators), penalty drafts to ' +
      'review (legal reviewers; never your own drafts), returned drafts and decisions to issue ' +
      'or publish (their officer), cases to triage, verify or close (SWC coordinators), active ' +
      'warnings (DRC analysts), projects to decide, fund or complete (DRC). No query parameters.',
    roles: STAFF,
    answers: {
      200: '{ at, items: WorkItem[], counts: { <kind>: n }, total }',
      400: 'a query parameter was given',
    },
  })
  @ApiResponse({ status: 200, description: 'what waits on you', schema: MY_WORK_SCHEMA as never })
  async myWork(@Query() query: unknown, @CurrentPrincipal() principal: Principal): Promise<MyWork> {
    const names = Object.keys(query ?? {});
    if (names.length > 0)
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'query parameters are invalid',
        problems: names.map((field) => ({ field, message: 'unknown parameter' })),
      });
    return this.work.forPrincipal({
      id: principal.id,
      agency: principal.agency,
      roles: principal.roles,
    });
  }
}
