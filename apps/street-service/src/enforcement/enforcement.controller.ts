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
import { ApiBearerAuth, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  RequireOwnAgency,
  RequireRoles,
  SchemaValidationPipe,
  type Principal,
} from '@gridline/platform';
import {
  ProposePenaltyCommand,
  proposePenaltyBodySchema,
  type PenaltyProposedResult,
  type ProposePenaltyBody,
} from '../decisions/propose-penalty.command.js';
import type { EvidenceBody } from '../shared/evidence.js';
import { ApiCommand, ApiUuidParam } from '../shared/openapi.js';
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
@ApiBearerAuth()
@Controller('api/enforcement')
export class EnforcementController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  /** First contact: grid workers (auxiliary staff) and officers remind, explaining the rule. */
  @Post('reminders')
  @HttpCode(201)
  @ApiCommand('reminder issued', reminderBodySchema, 'the step id')
  @RequireOwnAgency()
  @RequireRoles('grid-worker', 'officer')
  remind(
    @Body(new SchemaValidationPipe(reminderBodySchema)) body: ReminderBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<EnforcementStepResult> {
    return this.commands.execute(
      new EnforcementStepCommand({ kind: 'reminder', body }, principal, traceparent),
    );
  }

  /** Only an officer with an enforcement credential warns, with evidence, after a reminder. */
  @Post('warnings')
  @HttpCode(201)
  @ApiCommand('warning issued', warningBodySchema, 'the step id')
  @RequireOwnAgency()
  @RequireRoles('officer')
  warn(
    @Body(new SchemaValidationPipe(warningBodySchema)) body: WarningBody,
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
  @Post('penalties')
  @HttpCode(201)
  @ApiCommand('penalty proposed', proposePenaltyBodySchema, 'the decision id, major or not')
  @RequireOwnAgency()
  @RequireRoles('officer')
  proposePenalty(
    @Body(new SchemaValidationPipe(proposePenaltyBodySchema)) body: ProposePenaltyBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<PenaltyProposedResult> {
    return this.commands.execute(new ProposePenaltyCommand(body, principal, traceparent));
  }

  /** Adds evidence to a reminder or warning step (full-process record). */
  @Post(':subjectId/:category/steps/:stepId/evidence')
  @HttpCode(201)
  @ApiUuidParam('subjectId', 'the enforcement subject')
  @ApiParam({ name: 'category', description: 'violation category, e.g. street-vending' })
  @ApiUuidParam('stepId', 'the reminder or warning step')
  @ApiCommand('evidence recorded', stepEvidenceBodySchema)
  @RequireOwnAgency()
  @RequireRoles('officer')
  recordEvidence(
    @Param('subjectId', new ParseUUIDPipe()) subjectId: string,
    @Param('category', CategoryPipe) category: string,
    @Param('stepId', new ParseUUIDPipe()) stepId: string,
    @Body(new SchemaValidationPipe(stepEvidenceBodySchema)) body: EvidenceBody,
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

  @Get(':subjectId/:category')
  @ApiUuidParam('subjectId', 'the enforcement subject')
  @ApiParam({ name: 'category', description: 'violation category, e.g. street-vending' })
  @ApiResponse({ status: 200, description: 'the dated steps of the progression' })
  @ApiResponse({ status: 404, description: 'no step for this subject and category' })
  @RequireOwnAgency()
  get(
    @Param('subjectId', new ParseUUIDPipe()) subjectId: string,
    @Param('category', CategoryPipe) category: string,
  ): Promise<EnforcementView> {
    return this.queries.execute(new GetEnforcementQuery(subjectId, category));
  }
}
