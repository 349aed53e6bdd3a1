import { Controller, ForbiddenException, Get, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { CaseQueries, type CaseView, type TimelineView } from '@gridline/read-models';
import { CurrentPrincipal, NotFoundError, type Principal } from '@gridline/platform';

const SEE_ALL = ['coordinator', 'analyst', 'admin'] as const;

/**
 * The consolidated view of a coordinated case. Coordinators, analysts and
 * admins see every case; an agency's staff see the cases their agency takes
 * part in.
 */
@Controller('api/cases')
export class CasesController {
  constructor(@Inject(CaseQueries) private readonly queries: CaseQueries) {}

  @Get(':caseId')
  async getCase(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CaseView> {
    await this.authorise(caseId, principal);
    const view = await this.queries.getCase(caseId);
    if (!view) throw new NotFoundError(`case ${caseId}`);
    return view;
  }

  @Get(':caseId/timeline')
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
    if (SEE_ALL.some((role) => principal.roles.includes(role))) return;
    if (!agencies.includes(principal.agency))
      throw new ForbiddenException(`agency ${principal.agency} takes no part in this case`);
  }
}
