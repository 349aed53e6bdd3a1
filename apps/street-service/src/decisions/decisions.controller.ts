import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  RequireOwnAgency,
  RequireRoles,
  SchemaValidationPipe,
  type Principal,
} from '@gridline/platform';
import type { EvidenceBody } from '../shared/evidence.js';
import { ApiCommand, ApiUuidParam } from '../shared/openapi.js';
import type { CommandResult } from '../shared/run-command.js';
import {
  appealBodySchema,
  appealOutcomeBodySchema,
  approveBodySchema,
  DecisionActionCommand,
  decisionEvidenceBodySchema,
  retractBodySchema,
  returnBodySchema,
  reviseDraftBodySchema,
  type AppealBody,
  type AppealOutcomeBody,
  type ApproveBody,
  type DecisionAction,
  type RetractBody,
  type ReturnBody,
  type ReviseDraftBody,
} from './decision.commands.js';
import type { Decision } from './decision.decider.js';
import { GetDecisionQuery } from './get-decision.query.js';

const decisionId = () => ApiUuidParam('decisionId', 'the penalty decision');
const uuid = () => new ParseUUIDPipe();

/**
 * A penalty decision after its proposal (`POST /api/enforcement/penalties`):
 * revision, legal review, issue, publicity, appeal and evidence. The decider
 * checks credentials and roles again, whatever the route lets through.
 */
@ApiTags('decisions')
@ApiBearerAuth()
@Controller('api/decisions/:decisionId')
export class DecisionsController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  private act(id: string, action: DecisionAction, principal: Principal, traceparent?: string) {
    return this.commands.execute<DecisionActionCommand, CommandResult>(
      new DecisionActionCommand(id, action, principal, traceparent),
    );
  }

  /** A new draft (after a return, or before review), checked against the discretion range again. */
  @Post('revisions')
  @HttpCode(201)
  @decisionId()
  @ApiCommand('draft revised', reviseDraftBodySchema)
  @RequireOwnAgency()
  @RequireRoles('officer')
  revise(
    @Param('decisionId', uuid()) id: string,
    @Body(new SchemaValidationPipe(reviseDraftBodySchema)) body: ReviseDraftBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'revise', body }, principal, traceparent);
  }

  @Post('review-requests')
  @HttpCode(201)
  @decisionId()
  @ApiCommand('legal review requested for the current draft')
  @RequireOwnAgency()
  @RequireRoles('officer')
  requestReview(
    @Param('decisionId', uuid()) id: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'request-review' }, principal, traceparent);
  }

  /** A legal reviewer who did not draft the decision approves its current draft. */
  @Post('approve')
  @HttpCode(201)
  @decisionId()
  @ApiCommand('current draft approved', approveBodySchema)
  @RequireOwnAgency()
  @RequireRoles('legal-reviewer')
  approve(
    @Param('decisionId', uuid()) id: string,
    @Body(new SchemaValidationPipe(approveBodySchema)) body: ApproveBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'approve', body }, principal, traceparent);
  }

  @Post('return')
  @HttpCode(201)
  @decisionId()
  @ApiCommand('current draft returned with reasons', returnBodySchema)
  @RequireOwnAgency()
  @RequireRoles('legal-reviewer')
  returnDraft(
    @Param('decisionId', uuid()) id: string,
    @Body(new SchemaValidationPipe(returnBodySchema)) body: ReturnBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'return', body }, principal, traceparent);
  }

  /** Issues the decision; a major one only with an approval of its current draft. */
  @Post('issue')
  @HttpCode(201)
  @decisionId()
  @ApiCommand('decision issued')
  @RequireOwnAgency()
  @RequireRoles('officer')
  issue(
    @Param('decisionId', uuid()) id: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'issue' }, principal, traceparent);
  }

  /** Enforcement publicity, with the subject masked. */
  @Post('publish')
  @HttpCode(201)
  @decisionId()
  @ApiCommand('decision published')
  @RequireOwnAgency()
  @RequireRoles('officer')
  publish(
    @Param('decisionId', uuid()) id: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'publish' }, principal, traceparent);
  }

  @Post('retract')
  @HttpCode(201)
  @decisionId()
  @ApiCommand('publicity retracted', retractBodySchema)
  @RequireOwnAgency()
  @RequireRoles('officer', 'admin')
  retract(
    @Param('decisionId', uuid()) id: string,
    @Body(new SchemaValidationPipe(retractBodySchema)) body: RetractBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'retract', body }, principal, traceparent);
  }

  /** An officer records the appeal of the subject or their representative (time limit applies). */
  @Post('appeals')
  @HttpCode(201)
  @decisionId()
  @ApiCommand('appeal filed', appealBodySchema)
  @RequireOwnAgency()
  @RequireRoles('officer')
  appeal(
    @Param('decisionId', uuid()) id: string,
    @Body(new SchemaValidationPipe(appealBodySchema)) body: AppealBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'appeal', body }, principal, traceparent);
  }

  /** Upheld, changed (within the discretion range) or revoked (publicity retracted with it). */
  @Post('appeal-outcome')
  @HttpCode(201)
  @decisionId()
  @ApiCommand('appeal outcome recorded', appealOutcomeBodySchema)
  @RequireOwnAgency()
  @RequireRoles('legal-reviewer', 'officer')
  appealOutcome(
    @Param('decisionId', uuid()) id: string,
    @Body(new SchemaValidationPipe(appealOutcomeBodySchema)) body: AppealOutcomeBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'appeal-outcome', body }, principal, traceparent);
  }

  @Post('evidence')
  @HttpCode(201)
  @decisionId()
  @ApiCommand('evidence recorded', decisionEvidenceBodySchema)
  @RequireOwnAgency()
  @RequireRoles('officer')
  recordEvidence(
    @Param('decisionId', uuid()) id: string,
    @Body(new SchemaValidationPipe(decisionEvidenceBodySchema)) body: EvidenceBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'evidence', body }, principal, traceparent);
  }

  @Get()
  @decisionId()
  @ApiResponse({ status: 200, description: 'the decision folded from its stream' })
  @ApiResponse({ status: 404, description: 'no such decision' })
  @RequireOwnAgency()
  get(@Param('decisionId', uuid()) id: string): Promise<Decision> {
    return this.queries.execute(new GetDecisionQuery(id));
  }
}
