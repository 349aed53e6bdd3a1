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
import { ApiBearerAuth, ApiBody, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  RequireOwnAgency,
  RequireRoles,
  SchemaValidationPipe,
  type Principal,
} from '@gridline/platform';
import { ApiCommand, ApiUuidParam } from '../shared/openapi.js';
import type { CommandResult } from '../shared/run-command.js';
import { GetIssueQuery, type IssueView } from './get-issue.query.js';
import {
  addIssueNoteBodySchema,
  HandleIssueCommand,
  resolveIssueBodySchema,
  type AddIssueNoteBody,
  type ResolveIssueBody,
} from './handle-issue.commands.js';
import {
  EraseReporterCommand,
  eraseReporterBodySchema,
  type EraseReporterBody,
  type ReporterErasedResult,
} from './erase-reporter.command.js';
import {
  ReportIssueCommand,
  reportIssueBodySchema,
  type IssueReportedResult,
  type ReportIssueBody,
} from './report-issue.command.js';

@ApiTags('issues')
@ApiBearerAuth()
@Controller('api/issues')
export class IssuesController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  /** A grid worker (or an officer) reports an issue found in a grid. */
  @Post()
  @HttpCode(201)
  @ApiBody({ schema: reportIssueBodySchema as object })
  @ApiCommand('issue reported', undefined, 'the issue and its case id')
  @RequireOwnAgency()
  @RequireRoles('grid-worker', 'officer')
  report(
    @Body(new SchemaValidationPipe(reportIssueBodySchema)) body: ReportIssueBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<IssueReportedResult> {
    return this.commands.execute(new ReportIssueCommand(body, principal, traceparent));
  }

  /** The street office takes a reported issue in hand. */
  @Post(':issueId/acknowledge')
  @HttpCode(201)
  @ApiUuidParam('issueId', 'the issue')
  @ApiCommand('issue acknowledged')
  @RequireOwnAgency()
  @RequireRoles('grid-worker', 'officer')
  acknowledge(
    @Param('issueId', new ParseUUIDPipe()) issueId: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.commands.execute(
      new HandleIssueCommand(issueId, { kind: 'acknowledge' }, principal, traceparent),
    );
  }

  /** A handling note on an acknowledged issue; an issue collects several. */
  @Post(':issueId/notes')
  @HttpCode(201)
  @ApiUuidParam('issueId', 'the issue')
  @ApiCommand('note added', addIssueNoteBodySchema)
  @RequireOwnAgency()
  @RequireRoles('grid-worker', 'officer')
  addNote(
    @Param('issueId', new ParseUUIDPipe()) issueId: string,
    @Body(new SchemaValidationPipe(addIssueNoteBodySchema)) body: AddIssueNoteBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.commands.execute(
      new HandleIssueCommand(issueId, { kind: 'note', body }, principal, traceparent),
    );
  }

  /** Resolves an acknowledged issue with its outcome; nothing happens to it afterwards. */
  @Post(':issueId/resolve')
  @HttpCode(201)
  @ApiUuidParam('issueId', 'the issue')
  @ApiCommand('issue resolved', resolveIssueBodySchema)
  @RequireOwnAgency()
  @RequireRoles('grid-worker', 'officer')
  resolve(
    @Param('issueId', new ParseUUIDPipe()) issueId: string,
    @Body(new SchemaValidationPipe(resolveIssueBodySchema)) body: ResolveIssueBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.commands.execute(
      new HandleIssueCommand(issueId, { kind: 'resolve', body }, principal, traceparent),
    );
  }

  /**
   * Erases the reporter of an issue on request (crypto-shredding): the key of
   * their contact is destroyed, the report stays valid. Admins of the street
   * offices only; 422 when the report holds no personal data of its reporter.
   */
  @Post(':issueId/reporter-erasure')
  @HttpCode(201)
  @ApiUuidParam('issueId', 'the issue')
  @ApiCommand('reporter erased', eraseReporterBodySchema)
  @RequireOwnAgency()
  @RequireRoles('admin')
  eraseReporter(
    @Param('issueId', new ParseUUIDPipe()) issueId: string,
    @Body(new SchemaValidationPipe(eraseReporterBodySchema)) body: EraseReporterBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<ReporterErasedResult> {
    return this.commands.execute(new EraseReporterCommand(issueId, body, principal, traceparent));
  }

  @Get(':issueId')
  @ApiUuidParam('issueId', 'the issue')
  @ApiResponse({ status: 200, description: 'the issue as folded from its stream' })
  @ApiResponse({ status: 404, description: 'no such issue' })
  @RequireOwnAgency()
  get(@Param('issueId', new ParseUUIDPipe()) issueId: string): Promise<IssueView> {
    return this.queries.execute(new GetIssueQuery(issueId));
  }
}
