import { uuidSchema } from '@gridline/contracts';
import { Body, Controller, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { CommandRoute, ReadRoute, STAFF, UUID, commandResultSchema } from '@gridline/platform';
import { CurrentCaller, type Caller } from '../shared/caller.js';
import type { CommandRecorded } from '../shared/record-command.js';
import { GetWarningQuery, type WarningView } from './get-warning.query.js';
import {
  IssueWarningCommand,
  issueWarningBodySchema,
  type IssueWarningBody,
  type WarningIssuedResult,
} from './issue-warning.command.js';
import {
  LiftWarningCommand,
  liftWarningBodySchema,
  type LiftWarningBody,
} from './lift-warning.command.js';
import {
  RelevelWarningCommand,
  relevelWarningBodySchema,
  type RelevelWarningBody,
} from './relevel-warning.command.js';

/**
 * Risk early warnings from economic and livelihood signals.
 *
 * Roles (DRC principals only): `analyst` or `coordinator` issue, re-level and
 * lift warnings. Analysts read the price, tourism and project figures the
 * warnings rest on; coordinators answer for the prevention effort. Any DRC
 * staff member may read a warning (not service accounts).
 */
@ApiTags('warnings')
@Controller('api/warnings')
export class WarningsController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  /** Issues a warning; it gets a new case id, under which the SWC opens a prevention case. */
  @CommandRoute({
    method: 'POST',
    status: 201,
    summary: 'Issued: `{ warningId, caseId, eventId, revision }`.',
    body: issueWarningBodySchema,
    roles: ['analyst', 'coordinator'],
    ownAgency: true,
    response: commandResultSchema(
      { warningId: uuidSchema, caseId: uuidSchema },
      { events: 'eventId' },
    ),
  })
  issue(
    @Body() body: IssueWarningBody,
    @CurrentCaller() caller: Caller,
  ): Promise<WarningIssuedResult> {
    return this.commands.execute(new IssueWarningCommand(body, caller));
  }

  /** Raises or lowers an active warning's level. */
  @CommandRoute({
    method: 'POST',
    path: ':warningId/level',
    status: 201,
    summary: 'Re-leveled: `{ eventId, revision }`.',
    params: { warningId: UUID },
    body: relevelWarningBodySchema,
    roles: ['analyst', 'coordinator'],
    ownAgency: true,
    answers: {
      404: 'No such warning.',
      422: '`level-unchanged` (already at that level) or `warning-lifted`.',
    },
    response: commandResultSchema({}, { events: 'eventId' }),
  })
  relevel(
    @Param('warningId', new ParseUUIDPipe()) warningId: string,
    @Body() body: RelevelWarningBody,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandRecorded> {
    return this.commands.execute(new RelevelWarningCommand(warningId, body, caller));
  }

  /** Lifts a warning for good, saying why the risk has passed. */
  @CommandRoute({
    method: 'POST',
    path: ':warningId/lift',
    status: 201,
    summary: 'Lifted: `{ eventId, revision }`.',
    params: { warningId: UUID },
    body: liftWarningBodySchema,
    roles: ['analyst', 'coordinator'],
    ownAgency: true,
    answers: {
      404: 'No such warning.',
      422: '`warning-lifted` (lifted already) or `reason-required`.',
    },
    response: commandResultSchema({}, { events: 'eventId' }),
  })
  lift(
    @Param('warningId', new ParseUUIDPipe()) warningId: string,
    @Body() body: LiftWarningBody,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandRecorded> {
    return this.commands.execute(new LiftWarningCommand(warningId, body, caller));
  }

  @ReadRoute({
    path: ':warningId',
    summary: 'The warning as it stands, with its revision.',
    params: { warningId: UUID },
    roles: STAFF,
    ownAgency: true,
    answers: { 404: 'No such warning.' },
    response: {
      type: 'object',
      additionalProperties: true,
      description: 'the warning as its stream has it now',
      required: ['warningId', 'revision'],
      properties: {
        warningId: { type: 'string' },
        revision: { type: 'integer', description: 'the stream revision (send it as If-Match)' },
        status: { type: 'string' },
      },
    },
  })
  get(@Param('warningId', new ParseUUIDPipe()) warningId: string): Promise<WarningView> {
    return this.queries.execute(new GetWarningQuery(warningId));
  }
}
