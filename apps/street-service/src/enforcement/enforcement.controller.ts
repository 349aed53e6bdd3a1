import { uuidSchema } from '@gridline/contracts';
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
import {
  ProposePenaltyCommand,
  proposePenaltyBodySchema,
  type PenaltyProposedResult,
  type ProposePenaltyBody,
} from '../decisions/propose-penalty.command.js';
import type { EvidenceBody } from '../shared/evidence.js';
import { commandAnswers, uuidParam, categoryParam } from '../shared/openapi.js';
import { CategoryPipe } from '../shared/category.pipe.js';
import {
  EnforcementStepCommand,
  reminderBodySchema,
  stepEvidenceBodySchema,
  warningBodySchema,
  type EnforcementStepResult,
  type ReminderBody,
  type WarningBody,
} from './enforcement.commands.js';
import { GetEnforcementQuery, type EnforcementView } from './get-enforcement.query.js';

/** The 721 progression of a subject: reminder (service), warning (management), penalty. */
@ApiTags('enforcement')
@Controller('api/enforcement')
export class EnforcementController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  /** First contact: grid workers (auxiliary staff) and officers remind, explaining the rule. */
  @CommandRoute({
    method: 'POST',
    path: 'reminders',
    status: 201,
    summary: 'reminder issued',
    body: reminderBodySchema,
    roles: ['grid-worker', 'officer'],
    ownAgency: true,
    answers: { ...commandAnswers, 201: 'the step id' },
    response: commandResultSchema({ stepId: uuidSchema }),
  })
  remind(
    @Body() body: ReminderBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<EnforcementStepResult> {
    return this.commands.execute(
      new EnforcementStepCommand({ kind: 'reminder', body }, principal, traceparent),
    );
  }

  /** Only an officer with an enforcement credential warns, with evidence, after a reminder. */
  @CommandRoute({
    method: 'POST',
    path: 'warnings',
    status: 201,
    summary: 'warning issued',
    body: warningBodySchema,
    roles: ['officer'],
    ownAgency: true,
    answers: { ...commandAnswers, 201: 'the step id' },
    response: commandResultSchema({ stepId: uuidSchema }),
  })
  warn(
    @Body() body: WarningBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<EnforcementStepResult> {
    return this.commands.execute(
      new EnforcementStepCommand({ kind: 'warning', body }, principal, traceparent),
    );
  }

  /**
   * Proposes a penalty after a reminder and a warning (or for a serious violation),
   * within the discretion range: drafts a decision, major ones go to legal review.
   */
  @CommandRoute({
    method: 'POST',
    path: 'penalties',
    status: 201,
    summary: 'penalty proposed',
    body: proposePenaltyBodySchema,
    roles: ['officer'],
    ownAgency: true,
    answers: { ...commandAnswers, 201: 'the decision id, major or not' },
    response: commandResultSchema({
      decisionId: uuidSchema,
      major: { type: 'boolean' },
      standardVersion: { type: 'integer' },
    }),
  })
  proposePenalty(
    @Body() body: ProposePenaltyBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<PenaltyProposedResult> {
    return this.commands.execute(new ProposePenaltyCommand(body, principal, traceparent));
  }

  /** Adds evidence to a reminder or warning step (full-process record). */
  @CommandRoute({
    method: 'POST',
    path: ':subjectId/:category/steps/:stepId/evidence',
    status: 201,
    summary: 'evidence recorded',
    params: {
      subjectId: uuidParam('the enforcement subject'),
      category: categoryParam,
      stepId: uuidParam('the reminder or warning step'),
    },
    body: stepEvidenceBodySchema,
    roles: ['officer'],
    ownAgency: true,
    answers: commandAnswers,
    response: commandResultSchema({ stepId: uuidSchema }),
  })
  recordEvidence(
    @Param('subjectId', new ParseUUIDPipe()) subjectId: string,
    @Param('category', CategoryPipe) category: string,
    @Param('stepId', new ParseUUIDPipe()) stepId: string,
    @Body() body: EvidenceBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<EnforcementStepResult> {
    return this.commands.execute(
      new EnforcementStepCommand(
        { kind: 'evidence', subjectId, category, stepId, body },
        principal,
        traceparent,
      ),
    );
  }

  @ReadRoute({
    path: ':subjectId/:category',
    summary: 'the dated steps of the progression',
    params: { subjectId: uuidParam('the enforcement subject'), category: categoryParam },
    roles: STAFF,
    ownAgency: true,
    answers: { 404: 'no step for this subject and category' },
    response: {
      type: 'object',
      additionalProperties: true,
      description: 'the 721 progression of the subject in this category',
    },
  })
  get(
    @Param('subjectId', new ParseUUIDPipe()) subjectId: string,
    @Param('category', CategoryPipe) category: string,
  ): Promise<EnforcementView> {
    return this.queries.execute(new GetEnforcementQuery(subjectId, category));
  }
}
