import {
  BadRequestException,
  Body,
  Controller,
  Headers,
  Inject,
  Param,
  ParseUUIDPipe,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { CaseArea, CaseMode, HandlingAgency, RiskLevel, Severity } from '@gridline/contracts';
import type { Clock, IdGenerator } from '@gridline/eventsourcing';
import {
  CLOCK,
  CommandRoute,
  CurrentPrincipal,
  IDS,
  ReadRoute,
  UUID,
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
 * `If-Match: "<revision>"` on a case command: the case revision the person
 * decided on (the console sends the one it showed). The command is refused with
 * 409 when the case has moved on since, so a change nobody saw is not overruled.
 */
export function ifMatchRevision(header: string | undefined): number | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^(?:W\/)?"?(\d{1,12})"?$/.exec(header.trim());
  if (!match?.[1]) throw new BadRequestException('If-Match must be a case revision, e.g. "3"');
  return Number(match[1]);
}

/**
 * The coordination centre's commands on a case. Coordinators (and admins) of the
 * SWC act here; every rule is the decider's, this controller only translates.
 */
@ApiTags('cases')
@ApiResponse({ status: 404, description: 'no such case' })
@ApiResponse({ status: 409, description: 'concurrent change; retry' })
@ApiResponse({ status: 422, description: 'a case rule refused the command' })
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
    ifMatch?: string,
  ): Promise<CaseCommandResult> {
    const ifRevision = ifMatchRevision(ifMatch);
    return this.commands.execute(
      principalCaseCommand(caseId, principal, command, {
        now: this.clock.now(),
        causationId: this.ids.newId(),
        sla: this.sla,
        ...(traceparent ? { traceparent } : {}),
        ...(ifRevision === undefined ? {} : { ifRevision }),
      }),
    );
  }

  @CommandRoute({
    method: 'POST',
    status: 201,
    summary: 'Opens a case by hand: `{ caseId, eventIds, revision }`',
    body: openCaseSchema,
    roles: ['coordinator', 'admin'],
    ownAgency: true,
  })
  open(
    @Body()
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

  @ReadRoute({
    path: ':caseId',
    summary: 'The case as the SWC folds it from its stream',
    params: { caseId: UUID },
    roles: ['coordinator', 'admin', 'analyst'],
    ownAgency: true,
  })
  get(@Param('caseId', new ParseUUIDPipe()) caseId: string): Promise<CaseView> {
    return this.queries.execute(new GetCaseQuery(caseId));
  }

  @CommandRoute({
    method: 'POST',
    path: ':caseId/triage',
    status: 200,
    summary: 'Triages the case: risk level, category, lead agency and co-handlers (assigned)',
    body: triageSchema,
    params: { caseId: UUID },
    roles: ['coordinator', 'admin'],
    ownAgency: true,
  })
  triage(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body()
    body: {
      riskLevel: RiskLevel;
      category: string;
      leadAgency: HandlingAgency;
      coHandlers: HandlingAgency[];
      instructions?: string;
    },
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    const assignmentIds = [body.leadAgency, ...body.coHandlers].map(() => this.ids.newId());
    return this.run(
      caseId,
      principal,
      { type: 'TriageCase', ...body, assignmentIds },
      undefined,
      ifMatch,
    );
  }

  @CommandRoute({
    method: 'POST',
    path: ':caseId/risk-level',
    status: 200,
    summary: 'Raises or lowers the risk level, with the reason',
    body: riskLevelSchema,
    params: { caseId: UUID },
    roles: ['coordinator', 'admin'],
    ownAgency: true,
  })
  changeRisk(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: { to: RiskLevel; reason: string },
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.run(caseId, principal, { type: 'ChangeRiskLevel', ...body }, undefined, ifMatch);
  }

  @CommandRoute({
    method: 'POST',
    path: ':caseId/mode',
    status: 200,
    summary: 'Switches between routine and emergency mode, with the reason',
    body: modeSchema,
    params: { caseId: UUID },
    roles: ['coordinator', 'admin'],
    ownAgency: true,
  })
  switchMode(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: { mode: CaseMode; reason: string },
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.run(caseId, principal, { type: 'SwitchMode', ...body }, undefined, ifMatch);
  }

  @CommandRoute({
    method: 'POST',
    path: ':caseId/assignments',
    status: 201,
    summary: 'Assigns an agency (lead or co-handler) with an SLA deadline',
    body: assignSchema,
    params: { caseId: UUID },
    roles: ['coordinator', 'admin'],
    ownAgency: true,
  })
  assign(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body()
    body: { agency: HandlingAgency; role: 'lead' | 'co-handler'; instructions?: string },
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.run(
      caseId,
      principal,
      {
        type: 'AssignAgency',
        assignmentId: this.ids.newId(),
        ...body,
      },
      undefined,
      ifMatch,
    );
  }

  @CommandRoute({
    method: 'POST',
    path: ':caseId/verification',
    status: 200,
    summary: 'Records that the outcome was verified',
    body: verifySchema,
    params: { caseId: UUID },
    roles: ['coordinator', 'admin'],
    ownAgency: true,
  })
  verify(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: { note: string },
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.run(caseId, principal, { type: 'VerifyOutcome', ...body }, undefined, ifMatch);
  }

  @CommandRoute({
    method: 'POST',
    path: ':caseId/feedback',
    status: 201,
    summary: "Records the reporter's satisfaction",
    body: feedbackSchema,
    params: { caseId: UUID },
    roles: ['coordinator', 'admin'],
    ownAgency: true,
  })
  feedback(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body()
    body: { satisfaction: 1 | 2 | 3 | 4 | 5; channel: 'phone' | 'visit' | 'online' },
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.run(caseId, principal, { type: 'RecordFeedback', ...body }, undefined, ifMatch);
  }

  @CommandRoute({
    method: 'POST',
    path: ':caseId/close',
    status: 200,
    summary: 'Closes a verified case',
    body: closeSchema,
    params: { caseId: UUID },
    roles: ['coordinator', 'admin'],
    ownAgency: true,
  })
  close(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() _body: Record<string, never>,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.run(caseId, principal, { type: 'CloseCase' }, undefined, ifMatch);
  }

  @CommandRoute({
    method: 'POST',
    path: ':caseId/reopen',
    status: 200,
    summary: 'Reopens a closed case, with the reason',
    body: reopenSchema,
    params: { caseId: UUID },
    roles: ['coordinator', 'admin'],
    ownAgency: true,
  })
  reopen(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Body() body: { reason: string },
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.run(caseId, principal, { type: 'ReopenCase', ...body }, undefined, ifMatch);
  }
}
