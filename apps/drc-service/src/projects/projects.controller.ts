import { uuidSchema } from '@gridline/contracts';
import { Body, Controller, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { CommandRoute, ReadRoute, STAFF, UUID, commandResultSchema } from '@gridline/platform';
import { CurrentCaller, type Caller } from '../shared/caller.js';
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
 * Any DRC staff member may read a project (not service accounts).
 */
@ApiTags('projects')
@Controller('api/projects')
export class ProjectsController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  /** Proposes a project for a case, with its budget in whole yuan and its place. */
  @CommandRoute({
    method: 'POST',
    status: 201,
    summary: 'Proposed: `{ projectId, caseId, eventId, revision }`.',
    body: proposeProjectBodySchema,
    roles: ['coordinator', 'officer'],
    ownAgency: true,
    response: commandResultSchema(
      { projectId: uuidSchema, caseId: uuidSchema },
      { events: 'eventId' },
    ),
  })
  propose(
    @Body() body: ProposeProjectBody,
    @CurrentCaller() caller: Caller,
  ): Promise<ProjectProposedResult> {
    return this.commands.execute(new ProposeProjectCommand(body, caller));
  }

  /** Approves a proposed project, at the proposed budget or a lower one. */
  @CommandRoute({
    method: 'POST',
    path: ':projectId/approve',
    status: 201,
    summary: 'Approved: `{ eventId, revision }`.',
    params: { projectId: UUID },
    body: approveProjectBodySchema,
    roles: ['coordinator', 'admin'],
    ownAgency: true,
    answers: {
      404: 'No such project.',
      422: `\`proposer-cannot-decide\`, \`invalid-budget\` (above the proposal) or ${illegalTransition}.`,
    },
    response: commandResultSchema({}, { events: 'eventId' }),
  })
  approve(
    @Param('projectId', new ParseUUIDPipe()) projectId: string,
    @Body() body: ApproveProjectBody,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandRecorded> {
    return this.commands.execute(new ApproveProjectCommand(projectId, body, caller));
  }

  /** Rejects a proposed project, with the reason. */
  @CommandRoute({
    method: 'POST',
    path: ':projectId/reject',
    status: 201,
    summary: 'Rejected: `{ eventId, revision }`.',
    params: { projectId: UUID },
    body: rejectProjectBodySchema,
    roles: ['coordinator', 'admin'],
    ownAgency: true,
    answers: {
      404: 'No such project.',
      422: `\`proposer-cannot-decide\`, \`reason-required\` or ${illegalTransition}.`,
    },
    response: commandResultSchema({}, { events: 'eventId' }),
  })
  reject(
    @Param('projectId', new ParseUUIDPipe()) projectId: string,
    @Body() body: RejectProjectBody,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandRecorded> {
    return this.commands.execute(new RejectProjectCommand(projectId, body, caller));
  }

  /** Releases one tranche of funds to an approved project. */
  @CommandRoute({
    method: 'POST',
    path: ':projectId/fundings',
    status: 201,
    summary: 'Funded: `{ eventId, revision }`.',
    params: { projectId: UUID },
    body: fundProjectBodySchema,
    roles: ['coordinator', 'admin', 'service'],
    ownAgency: true,
    answers: {
      404: 'No such project.',
      422: `\`over-budget\` (details give what remains) or ${illegalTransition}.`,
    },
    response: commandResultSchema({}, { events: 'eventId' }),
  })
  fund(
    @Param('projectId', new ParseUUIDPipe()) projectId: string,
    @Body() body: FundProjectBody,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandRecorded> {
    return this.commands.execute(new FundProjectCommand(projectId, body, caller));
  }

  /** Completes a project that received funds, with its outcome. */
  @CommandRoute({
    method: 'POST',
    path: ':projectId/complete',
    status: 201,
    summary: 'Completed: `{ eventId, revision }`.',
    params: { projectId: UUID },
    body: completeProjectBodySchema,
    roles: ['coordinator', 'officer'],
    ownAgency: true,
    answers: {
      404: 'No such project.',
      422: `\`not-funded\`, \`outcome-required\` or ${illegalTransition}.`,
    },
    response: commandResultSchema({}, { events: 'eventId' }),
  })
  complete(
    @Param('projectId', new ParseUUIDPipe()) projectId: string,
    @Body() body: CompleteProjectBody,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandRecorded> {
    return this.commands.execute(new CompleteProjectCommand(projectId, body, caller));
  }

  @ReadRoute({
    path: ':projectId',
    summary: 'The project as it stands, with its revision.',
    params: { projectId: UUID },
    roles: STAFF,
    ownAgency: true,
    answers: { 404: 'No such project.' },
    response: {
      type: 'object',
      additionalProperties: true,
      description: 'the project as its stream has it now',
      required: ['projectId', 'revision'],
      properties: {
        projectId: { type: 'string' },
        revision: { type: 'integer', description: 'the stream revision (send it as If-Match)' },
        status: { type: 'string' },
      },
    },
  })
  get(@Param('projectId', new ParseUUIDPipe()) projectId: string): Promise<ProjectView> {
    return this.queries.execute(new GetProjectQuery(projectId));
  }
}
