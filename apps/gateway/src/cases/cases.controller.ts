import {
  Controller,
  ForbiddenException,
  Inject,
  Param,
  ParseUUIDPipe,
  Query,
  Res,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  CaseQueries,
  caseViewSchema,
  pageSchema,
  PointInTimeViews,
  timelineSchema,
  type CaseView,
  type PageOf,
  type TimelineView,
} from '@gridline/read-models';
import {
  CurrentPrincipal,
  NotFoundError,
  ReadRoute,
  STAFF,
  UUID,
  type Principal,
} from '@gridline/platform';
import { pointInTime, read, visibilityOf, type HeaderSink } from '../read-api.js';

/**
 * The consolidated view of coordinated cases. Coordinators, analysts and
 * admins see every case; an agency's staff see the cases their agency takes
 * part in.
 */
@ApiTags('cases')
@Controller('api/cases')
export class CasesController {
  constructor(
    @Inject(CaseQueries) private readonly queries: CaseQueries,
    @Inject(PointInTimeViews) private readonly past: PointInTimeViews,
  ) {}

  @ReadRoute({
    summary: 'Cases, newest activity first, with cursor pagination',
    description:
      'Every parameter is optional and must be a single plain value; anything else is 400. ' +
      '`overdue=true`: an open assignment is past its due time. Response `{items, nextCursor}`. ' +
      '`asOf=<ISO-8601>`: the list as it stood then (SLA states at that time), projected from ' +
      'the event store on first use and kept for later requests (docs/history.md).',
    query: {
      asOf: 'a past time, ISO-8601 with a zone',
      status: { enum: ['reported', 'open', 'closed'] },
      street: {},
      grid: {},
      riskLevel: { enum: ['blue', 'yellow', 'orange', 'red'] },
      mode: { enum: ['routine', 'emergency'] },
      agency: { enum: ['swc', 'drc', 'street'] },
      category: {},
      overdue: { enum: ['true', 'false'] },
      limit: '1 to 100 (default 20)',
      cursor: 'nextCursor of the previous page',
    },
    roles: STAFF,
    answers: {
      200: '{ items: Case[], nextCursor: string | null }: every case for coordinators, analysts and admins; the cases their agency takes part in for other staff',
      400: 'a query parameter is invalid; `problems` names each',
    },
    response: pageSchema(caseViewSchema),
  })
  async listCases(
    @Query() query: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: HeaderSink,
  ): Promise<PageOf<CaseView>> {
    const { rest, set } = await pointInTime(query, this.past, response);
    if (!set) return read(() => this.queries.listCases(query, visibilityOf(principal)));
    const { tables } = set;
    const queries = tables
      ? new CaseQueries(set.collections, () => tables.cases)
      : new CaseQueries(set.collections);
    return read(() => queries.listCases(rest, visibilityOf(principal), set.at));
  }

  @ReadRoute({
    path: ':caseId',
    summary: 'One case with its assignments and their SLA state now',
    params: { caseId: UUID },
    roles: STAFF,
    answers: { 403: 'your agency takes no part in this case', 404: 'no such case' },
    response: caseViewSchema,
  })
  async getCase(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CaseView> {
    await this.authorise(caseId, principal);
    const view = await this.queries.getCase(caseId);
    if (!view) throw new NotFoundError(`case ${caseId}`);
    return view;
  }

  @ReadRoute({
    path: ':caseId/timeline',
    summary: 'The consolidated timeline, in global log order, with causation links',
    description: '`causedBy`: the entry whose event caused this one; `causes`: entries it caused.',
    params: { caseId: UUID },
    roles: STAFF,
    answers: { 403: 'your agency takes no part in this case', 404: 'no such case' },
    response: timelineSchema,
  })
  async getTimeline(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ caseId: string; entries: TimelineView[] }> {
    await this.authorise(caseId, principal);
    return { caseId, entries: await this.queries.getTimeline(caseId) };
  }

  private async authorise(caseId: string, principal: Principal): Promise<void> {
    const agencies = await this.queries.agenciesOf(caseId);
    if (!agencies) throw new NotFoundError(`case ${caseId}`);
    const visibility = visibilityOf(principal);
    if (!visibility.all && !agencies.includes(visibility.agency))
      throw new ForbiddenException(`agency ${principal.agency} takes no part in this case`);
  }
}
