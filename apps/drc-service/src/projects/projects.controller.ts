import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequireOwnAgency, RequireRoles, SchemaValidationPipe } from '@gridline/platform';
import { CurrentCaller, type Caller } from '../shared/caller.js';
import { ApiCommand } from '../shared/openapi.js';
import type { CommandRecorded } from '../shared/record-command.js';
import { GetProjectQuery, type ProjectView } from './get-project.query.js';
import {
  ApproveProjectCommand,
  approveProjectBodySchema,
  CompleteProjectCommand,
  completeProjectBodySchema,
  FundProjectCommand,
  fundProjectBodySchema,
  RejectProjectCommand,
  rejectProjectBodySchema,
  type ApproveProjectBody,
  type CompleteProjectBody,
  type FundProjectBody,
  type RejectProjectBody,
} from './project-lifecycle.commands.js';
import {
  ProposeProjectCommand,
  proposeProjectBodySchema,
  type ProjectProposedResult,
  type ProposeProjectBody,
} from './propose-project.command.js';

const ProjectIdParam = () => ApiParam({ name: 'projectId', format: 'uuid' });
const illegalTransition = '`illegal-transition` (the project is not in a state that allows it)';

/**
 * Livelihood projects that resolve a case's root cause (e.g. a designated
 * vending zone near a school).
 *
 * Roles (DRC principals only):
 * - propose: `coordinator` or `officer` (the staff who work the case);
 * - approve or reject: `coordinator` or `admin`, and never the proposer (four
 *   eyes, enforced by the decider so it holds for every caller);
 * - fund a tranche: `coordinator`, `admin`, or a `service` account (the finance
 *   system recording a disbursement);
 * - complete: `coordinator` or `officer`.
 * Any DRC principal may read a project.
 */
@ApiTags('projects')
@ApiBearerAuth()
@Controller('api/projects')
export class ProjectsController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  /** Proposes a project for a case, with its budget in whole yuan and its place. */
  @Post()
  @HttpCode(201)
  @ApiCommand({
    body: proposeProjectBodySchema,
    created: 'Proposed: `{ projectId, caseId, eventId, revision }`.',
  })
  @RequireOwnAgency()
  @RequireRoles('coordinator', 'officer')
  propose(
    @Body(new SchemaValidationPipe(proposeProjectBodySchema)) body: ProposeProjectBody,
    @CurrentCaller() caller: Caller,
  ): Promise<ProjectProposedResult> {
    return this.commands.execute(new ProposeProjectCommand(body, caller));
  }

  /** Approves a proposed project, at the proposed budget or a lower one. */
  @Post(':projectId/approve')
  @HttpCode(201)
  @ProjectIdParam()
  @ApiCommand({
    body: approveProjectBodySchema,
    created: 'Approved: `{ eventId, revision }`.',
    refused: `\`proposer-cannot-decide\`, \`invalid-budget\` (above the proposal) or ${illegalTransition}.`,
    notFound: 'No such project.',
  })
  @RequireOwnAgency()
  @RequireRoles('coordinator', 'admin')
  approve(
    @Param('projectId', new ParseUUIDPipe()) projectId: string,
    @Body(new SchemaValidationPipe(approveProjectBodySchema)) body: ApproveProjectBody,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandRecorded> {
    return this.commands.execute(new ApproveProjectCommand(projectId, body, caller));
  }

  /** Rejects a proposed project, with the reason. */
  @Post(':projectId/reject')
  @HttpCode(201)
  @ProjectIdParam()
  @ApiCommand({
    body: rejectProjectBodySchema,
    created: 'Rejected: `{ eventId, revision }`.',
    refused: `\`proposer-cannot-decide\`, \`reason-required\` or ${illegalTransition}.`,
    notFound: 'No such project.',
  })
  @RequireOwnAgency()
  @RequireRoles('coordinator', 'admin')
  reject(
    @Param('projectId', new ParseUUIDPipe()) projectId: string,
    @Body(new SchemaValidationPipe(rejectProjectBodySchema)) body: RejectProjectBody,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandRecorded> {
    return this.commands.execute(new RejectProjectCommand(projectId, body, caller));
  }

  /** Releases one tranche of funds to an approved project. */
  @Post(':projectId/fundings')
  @HttpCode(201)
  @ProjectIdParam()
  @ApiCommand({
    body: fundProjectBodySchema,
    created: 'Funded: `{ eventId, revision }`.',
    refused: `\`over-budget\` (details give what remains) or ${illegalTransition}.`,
    notFound: 'No such project.',
  })
  @RequireOwnAgency()
  @RequireRoles('coordinator', 'admin', 'service')
  fund(
    @Param('projectId', new ParseUUIDPipe()) projectId: string,
    @Body(new SchemaValidationPipe(fundProjectBodySchema)) body: FundProjectBody,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandRecorded> {
    return this.commands.execute(new FundProjectCommand(projectId, body, caller));
  }

  /** Completes a project that received funds, with its outcome. */
  @Post(':projectId/complete')
  @HttpCode(201)
  @ProjectIdParam()
  @ApiCommand({
    body: completeProjectBodySchema,
    created: 'Completed: `{ eventId, revision }`.',
    refused: `\`not-funded\`, \`outcome-required\` or ${illegalTransition}.`,
    notFound: 'No such project.',
  })
  @RequireOwnAgency()
  @RequireRoles('coordinator', 'officer')
  complete(
    @Param('projectId', new ParseUUIDPipe()) projectId: string,
    @Body(new SchemaValidationPipe(completeProjectBodySchema)) body: CompleteProjectBody,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandRecorded> {
    return this.commands.execute(new CompleteProjectCommand(projectId, body, caller));
  }

  @Get(':projectId')
  @ProjectIdParam()
  @ApiResponse({ status: 200, description: 'The project as it stands, with its revision.' })
  @ApiResponse({ status: 404, description: 'No such project.' })
  @RequireOwnAgency()
  get(@Param('projectId', new ParseUUIDPipe()) projectId: string): Promise<ProjectView> {
    return this.queries.execute(new GetProjectQuery(projectId));
  }
}
