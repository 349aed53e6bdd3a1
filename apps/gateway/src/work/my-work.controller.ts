import { BadRequestException, Controller, Inject, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { myWorkSchema, WorkQueries, type MyWork } from '@gridline/read-models';
import { CurrentPrincipal, ReadRoute, STAFF, type Principal } from '@gridline/platform';

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
    response: myWorkSchema,
  })
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
