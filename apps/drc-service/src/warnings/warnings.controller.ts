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
import { ApiCommand } from '../shared/openapi.js';
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

const WarningIdParam = () => ApiParam({ name: 'warningId', format: 'uuid' });

/**
 * Risk early warnings from economic and livelihood signals.
 *
 * Roles (DRC principals only): `analyst` or `coordinator` issue, re-level and
 * lift warnings. Analysts read the price, tourism and project figures the
 * warnings rest on; coordinators answer for the prevention effort. Any DRC
 * principal may read a warning.
 */
@ApiTags('warnings')
@ApiBearerAuth()
@Controller('api/warnings')
export class WarningsController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  /** Issues a warning; it gets a new case id, under which the SWC opens a prevention case. */
  @Post()
  @HttpCode(201)
  @ApiCommand({
    body: issueWarningBodySchema,
    created: 'Issued: `{ warningId, caseId, eventId, revision }`.',
  })
  @RequireOwnAgency()
  @RequireRoles('analyst', 'coordinator')
  issue(
    @Body(new SchemaValidationPipe(issueWarningBodySchema)) body: IssueWarningBody,
    @CurrentCaller() caller: Caller,
  ): Promise<WarningIssuedResult> {
    return this.commands.execute(new IssueWarningCommand(body, caller));
  }

  /** Raises or lowers an active warning's level. */
  @Post(':warningId/level')
  @HttpCode(201)
  @WarningIdParam()
  @ApiCommand({
    body: relevelWarningBodySchema,
    created: 'Re-leveled: `{ eventId, revision }`.',
    refused: '`level-unchanged` (already at that level) or `warning-lifted`.',
    notFound: 'No such warning.',
  })
  @RequireOwnAgency()
  @RequireRoles('analyst', 'coordinator')
  relevel(
    @Param('warningId', new ParseUUIDPipe()) warningId: string,
    @Body(new SchemaValidationPipe(relevelWarningBodySchema)) body: RelevelWarningBody,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandRecorded> {
    return this.commands.execute(new RelevelWarningCommand(warningId, body, caller));
  }

  /** Lifts a warning for good, saying why the risk has passed. */
  @Post(':warningId/lift')
  @HttpCode(201)
  @WarningIdParam()
  @ApiCommand({
    body: liftWarningBodySchema,
    created: 'Lifted: `{ eventId, revision }`.',
    refused: '`warning-lifted` (lifted already) or `reason-required`.',
    notFound: 'No such warning.',
  })
  @RequireOwnAgency()
  @RequireRoles('analyst', 'coordinator')
  lift(
    @Param('warningId', new ParseUUIDPipe()) warningId: string,
    @Body(new SchemaValidationPipe(liftWarningBodySchema)) body: LiftWarningBody,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandRecorded> {
    return this.commands.execute(new LiftWarningCommand(warningId, body, caller));
  }

  @Get(':warningId')
  @WarningIdParam()
  @ApiResponse({ status: 200, description: 'The warning as it stands, with its revision.' })
  @ApiResponse({ status: 404, description: 'No such warning.' })
  @RequireOwnAgency()
  get(@Param('warningId', new ParseUUIDPipe()) warningId: string): Promise<WarningView> {
    return this.queries.execute(new GetWarningQuery(warningId));
  }
}
