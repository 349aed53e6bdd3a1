import { Body, Controller, Headers, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import {
  CommandRoute,
  ReadRoute,
  STAFF,
  CurrentPrincipal,
  type Principal,
  commandResultSchema,
} from '@gridline/platform';
import type { EvidenceBody } from '../shared/evidence.js';
import { commandAnswers, uuidParam } from '../shared/openapi.js';
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

const uuid = () => new ParseUUIDPipe();

/**
 * A penalty decision after its proposal (`POST /api/enforcement/penalties`):
 * revision, legal review, issue, publicity, appeal and evidence. The decider
 * checks credentials and roles again, whatever the route lets through.
 */
@ApiTags('decisions')
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
  @CommandRoute({
    method: 'POST',
    path: 'revisions',
    status: 201,
    summary: 'draft revised',
    params: { decisionId: uuidParam('the penalty decision') },
    body: reviseDraftBodySchema,
    roles: ['officer'],
    ownAgency: true,
    answers: commandAnswers,
    response: commandResultSchema(),
  })
  revise(
    @Param('decisionId', uuid()) id: string,
    @Body() body: ReviseDraftBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'revise', body }, principal, traceparent);
  }

  @CommandRoute({
    method: 'POST',
    path: 'review-requests',
    status: 201,
    summary: 'legal review requested for the current draft',
    params: { decisionId: uuidParam('the penalty decision') },
    roles: ['officer'],
    ownAgency: true,
    answers: commandAnswers,
    response: commandResultSchema(),
  })
  requestReview(
    @Param('decisionId', uuid()) id: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'request-review' }, principal, traceparent);
  }

  /** A legal reviewer who did not draft the decision approves its current draft. */
  @CommandRoute({
    method: 'POST',
    path: 'approve',
    status: 201,
    summary: 'current draft approved',
    params: { decisionId: uuidParam('the penalty decision') },
    body: approveBodySchema,
    roles: ['legal-reviewer'],
    ownAgency: true,
    answers: commandAnswers,
    response: commandResultSchema(),
  })
  approve(
    @Param('decisionId', uuid()) id: string,
    @Body() body: ApproveBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'approve', body }, principal, traceparent);
  }

  @CommandRoute({
    method: 'POST',
    path: 'return',
    status: 201,
    summary: 'current draft returned with reasons',
    params: { decisionId: uuidParam('the penalty decision') },
    body: returnBodySchema,
    roles: ['legal-reviewer'],
    ownAgency: true,
    answers: commandAnswers,
    response: commandResultSchema(),
  })
  returnDraft(
    @Param('decisionId', uuid()) id: string,
    @Body() body: ReturnBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'return', body }, principal, traceparent);
  }

  /** Issues the decision; a major one only with an approval of its current draft. */
  @CommandRoute({
    method: 'POST',
    path: 'issue',
    status: 201,
    summary: 'decision issued',
    params: { decisionId: uuidParam('the penalty decision') },
    roles: ['officer'],
    ownAgency: true,
    answers: commandAnswers,
    response: commandResultSchema(),
  })
  issue(
    @Param('decisionId', uuid()) id: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'issue' }, principal, traceparent);
  }

  /** Enforcement publicity, with the subject masked. */
  @CommandRoute({
    method: 'POST',
    path: 'publish',
    status: 201,
    summary: 'decision published',
    params: { decisionId: uuidParam('the penalty decision') },
    roles: ['officer'],
    ownAgency: true,
    answers: commandAnswers,
    response: commandResultSchema(),
  })
  publish(
    @Param('decisionId', uuid()) id: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'publish' }, principal, traceparent);
  }

  @CommandRoute({
    method: 'POST',
    path: 'retract',
    status: 201,
    summary: 'publicity retracted',
    params: { decisionId: uuidParam('the penalty decision') },
    body: retractBodySchema,
    roles: ['officer', 'admin'],
    ownAgency: true,
    answers: commandAnswers,
    response: commandResultSchema(),
  })
  retract(
    @Param('decisionId', uuid()) id: string,
    @Body() body: RetractBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'retract', body }, principal, traceparent);
  }

  /** An officer records the appeal of the subject or their representative (time limit applies). */
  @CommandRoute({
    method: 'POST',
    path: 'appeals',
    status: 201,
    summary: 'appeal filed',
    params: { decisionId: uuidParam('the penalty decision') },
    body: appealBodySchema,
    roles: ['officer'],
    ownAgency: true,
    answers: commandAnswers,
    response: commandResultSchema(),
  })
  appeal(
    @Param('decisionId', uuid()) id: string,
    @Body() body: AppealBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'appeal', body }, principal, traceparent);
  }

  /** Upheld, changed (within the discretion range) or revoked (publicity retracted with it). */
  @CommandRoute({
    method: 'POST',
    path: 'appeal-outcome',
    status: 201,
    summary: 'appeal outcome recorded',
    params: { decisionId: uuidParam('the penalty decision') },
    body: appealOutcomeBodySchema,
    roles: ['legal-reviewer', 'officer'],
    ownAgency: true,
    answers: commandAnswers,
    response: commandResultSchema(),
  })
  appealOutcome(
    @Param('decisionId', uuid()) id: string,
    @Body() body: AppealOutcomeBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'appeal-outcome', body }, principal, traceparent);
  }

  @CommandRoute({
    method: 'POST',
    path: 'evidence',
    status: 201,
    summary: 'evidence recorded',
    params: { decisionId: uuidParam('the penalty decision') },
    body: decisionEvidenceBodySchema,
    roles: ['officer'],
    ownAgency: true,
    answers: commandAnswers,
    response: commandResultSchema(),
  })
  recordEvidence(
    @Param('decisionId', uuid()) id: string,
    @Body() body: EvidenceBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.act(id, { kind: 'evidence', body }, principal, traceparent);
  }

  @ReadRoute({
    summary: 'the decision folded from its stream',
    params: { decisionId: uuidParam('the penalty decision') },
    roles: STAFF,
    ownAgency: true,
    answers: { 404: 'no such decision' },
    response: {
      type: 'object',
      additionalProperties: true,
      description:
        'the decision folded from its stream: status, current draft, review, publicity, appeal',
      required: ['decisionId', 'revision'],
      properties: {
        decisionId: { type: 'string' },
        revision: { type: 'integer', description: 'the stream revision (send it as If-Match)' },
        status: { type: 'string' },
      },
    },
  })
  get(@Param('decisionId', uuid()) id: string): Promise<Decision> {
    return this.queries.execute(new GetDecisionQuery(id));
  }
}
