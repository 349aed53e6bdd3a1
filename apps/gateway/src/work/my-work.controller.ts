import { Controller, Inject } from '@nestjs/common';
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
    answers: { 200: '{ at, items: WorkItem[], counts: { <kind>: n }, total }' },
    response: myWorkSchema,
  })
  async myWork(@CurrentPrincipal() principal: Principal): Promise<MyWork> {
    return this.work.forPrincipal({
      id: principal.id,
      agency: principal.agency,
      roles: principal.roles,
    });
  }
}
