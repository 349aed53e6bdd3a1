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
import { ApiBearerAuth, ApiBody, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { CaseArea, CaseMode, HandlingAgency, RiskLevel, Severity } from '@gridline/contracts';
import type { Clock, IdGenerator } from '@gridline/eventsourcing';
import {
  CLOCK,
  CurrentPrincipal,
  IDS,
  RequireOwnAgency,
  RequireRoles,
  SchemaValidationPipe,
  type Principal,
} from '@gridline/platform';
import {
  principalCaseCommand,
  type CaseCommandInput,
  type CaseCommandResult,
} from './case-command.handler.js';
import {
  assignSchema,
  closeSchema,
  feedbackSchema,
  modeSchema,
  openCaseSchema,
  reopenSchema,
  riskLevelSchema,
  triageSchema,
  verifySchema,
} from './case.schemas.js';
import { GetCaseQuery, type CaseView } from './get-case.query.js';
import { SLA_TABLE } from './sla.js';
import type { SlaTable } from './sla.js';

/**
 * The coordination centre's commands on a case. Coordinators (and admins) of the
 * SWC act here; every rule is the decider's, this controller only translates.
 */
@ApiTags('cases')
@ApiBearerAuth()
@ApiResponse({ status: 400, description: 'the body is invalid (each bad field named)' })
@ApiResponse({ status: 404, description: 'no such case' })
@ApiResponse({ status: 409, description: 'concurrent change; retry' })
@ApiResponse({ status: 422, description: 'a case rule refused the command' })
@RequireOwnAgency()
@RequireRoles('coordinator', 'admin')
@Controller('api/cases')
export class CasesController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
    @Inject(SLA_TABLE) private readonly sla: SlaTable,
  ) {}

  private run(
    caseId: string,
    principal: Principal,
    command: CaseCommandInput,
    traceparent?: string,
  ): Promise<CaseCommandResult> {
    return this.commands.execute(
      principalCaseCommand(caseId, principal, command, {
        now: this.clock.now(),
        causationId: this.ids.newId(),
        sla: this.sla,
        ...(traceparent ? { traceparent } : {}),
      }),
    );
  }

  @Post()
  @HttpCode(201)
  @ApiBody({ schema: openCaseSchema })
  open(
    @Body(new SchemaValidationPipe(openCaseSchema))
    body: { category: string; location: CaseArea; severity: Severity; riskLevel?: RiskLevel },
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ) {
    const caseId = this.ids.newId();
    return this.run(
      caseId,
      principal,
      { type: 'OpenCase', caseId, origin: 'manual', ...body },
      traceparent,
    );
  }

  @Get(':caseId')
  @RequireRoles('coordinator', 'admin', 'analyst')
  @ApiParam({ name: 'caseId', format: 'uuid' })
  get(@Param('caseId', new ParseUUIDPipe()) caseId: string): Promise<CaseView> {
    return this.queries.execute(new GetCaseQuery(caseId));
  }

  @Post(':caseId/triage')
  @HttpCode(200)
  @ApiBody({ schema: triageSchema })
  triage(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body(new SchemaValidationPipe(triageSchema))
    body: {
      riskLevel: RiskLevel;
      category: string;
      leadAgency: HandlingAgency;
      coHandlers: HandlingAgency[];
      instructions?: string;
    },
    @CurrentPrincipal() principal: Principal,
  ) {
    const assignmentIds = [body.leadAgency, ...body.coHandlers].map(() => this.ids.newId());
    return this.run(caseId, principal, { type: 'TriageCase', ...body, assignmentIds });
  }

  @Post(':caseId/risk-level')
  @HttpCode(200)
  @ApiBody({ schema: riskLevelSchema })
  changeRisk(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body(new SchemaValidationPipe(riskLevelSchema)) body: { to: RiskLevel; reason: string },
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.run(caseId, principal, { type: 'ChangeRiskLevel', ...body });
  }

  @Post(':caseId/mode')
  @HttpCode(200)
  @ApiBody({ schema: modeSchema })
  switchMode(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body(new SchemaValidationPipe(modeSchema)) body: { mode: CaseMode; reason: string },
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.run(caseId, principal, { type: 'SwitchMode', ...body });
  }

  @Post(':caseId/assignments')
  @HttpCode(201)
  @ApiBody({ schema: assignSchema })
  assign(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body(new SchemaValidationPipe(assignSchema))
    body: { agency: HandlingAgency; role: 'lead' | 'co-handler'; instructions?: string },
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.run(caseId, principal, {
      type: 'AssignAgency',
      assignmentId: this.ids.newId(),
      ...body,
    });
  }

  @Post(':caseId/verification')
  @HttpCode(200)
  @ApiBody({ schema: verifySchema })
  verify(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body(new SchemaValidationPipe(verifySchema)) body: { note: string },
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.run(caseId, principal, { type: 'VerifyOutcome', ...body });
  }

  @Post(':caseId/feedback')
  @HttpCode(201)
  @ApiBody({ schema: feedbackSchema })
  feedback(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body(new SchemaValidationPipe(feedbackSchema))
    body: { satisfaction: 1 | 2 | 3 | 4 | 5; channel: 'phone' | 'visit' | 'online' },
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.run(caseId, principal, { type: 'RecordFeedback', ...body });
  }

  @Post(':caseId/close')
  @HttpCode(200)
  @ApiBody({ schema: closeSchema })
  close(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body(new SchemaValidationPipe(closeSchema)) _body: Record<string, never>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.run(caseId, principal, { type: 'CloseCase' });
  }

  @Post(':caseId/reopen')
  @HttpCode(200)
  @ApiBody({ schema: reopenSchema })
  reopen(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body(new SchemaValidationPipe(reopenSchema)) body: { reason: string },
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.run(caseId, principal, { type: 'ReopenCase', ...body });
  }
}
