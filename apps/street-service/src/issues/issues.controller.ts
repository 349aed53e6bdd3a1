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
import {
  CurrentPrincipal,
  RequireOwnAgency,
  RequireRoles,
  SchemaValidationPipe,
  type Principal,
} from '@gridline/platform';
import { GetIssueQuery, type IssueView } from './get-issue.query.js';
import {
  ReportIssueCommand,
  reportIssueBodySchema,
  type IssueReportedResult,
  type ReportIssueBody,
} from './report-issue.command.js';

@Controller('api/issues')
export class IssuesController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  /** A grid worker (or an officer) reports an issue found in a grid. */
  @Post()
  @HttpCode(201)
  @RequireOwnAgency()
  @RequireRoles('grid-worker', 'officer')
  report(
    @Body(new SchemaValidationPipe(reportIssueBodySchema)) body: ReportIssueBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<IssueReportedResult> {
    return this.commands.execute(new ReportIssueCommand(body, principal, traceparent));
  }

  @Get(':issueId')
  @RequireOwnAgency()
  get(@Param('issueId', new ParseUUIDPipe()) issueId: string): Promise<IssueView> {
    return this.queries.execute(new GetIssueQuery(issueId));
  }
}
