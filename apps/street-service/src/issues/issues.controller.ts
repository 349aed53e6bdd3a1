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
import { commandAnswers, uuidParam } from '../shared/openapi.js';
import type { CommandResult } from '../shared/run-command.js';
import { GetIssueQuery, issueViewSchema, type IssueView } from './get-issue.query.js';
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
@Controller('api/issues')
export class IssuesController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  /** A grid worker (or an officer) reports an issue found in a grid. */
  @CommandRoute({
    method: 'POST',
    status: 201,
    summary: 'issue reported',
    body: reportIssueBodySchema,
    roles: ['grid-worker', 'officer'],
    ownAgency: true,
    answers: { ...commandAnswers, 201: 'the issue and its case id' },
    response: commandResultSchema(
      { issueId: uuidSchema, caseId: uuidSchema },
      { events: 'eventId' },
    ),
  })
  report(
    @Body() body: ReportIssueBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<IssueReportedResult> {
    return this.commands.execute(new ReportIssueCommand(body, principal, traceparent));
  }

  /** The street office takes a reported issue in hand. */
  @CommandRoute({
    method: 'POST',
    path: ':issueId/acknowledge',
    status: 201,
    summary: 'issue acknowledged',
    params: { issueId: uuidParam('the issue') },
    roles: ['grid-worker', 'officer'],
    ownAgency: true,
    answers: commandAnswers,
    response: commandResultSchema(),
  })
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
  @CommandRoute({
    method: 'POST',
    path: ':issueId/notes',
    status: 201,
    summary: 'note added',
    params: { issueId: uuidParam('the issue') },
    body: addIssueNoteBodySchema,
    roles: ['grid-worker', 'officer'],
    ownAgency: true,
    answers: commandAnswers,
    response: commandResultSchema(),
  })
  addNote(
    @Param('issueId', new ParseUUIDPipe()) issueId: string,
    @Body() body: AddIssueNoteBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.commands.execute(
      new HandleIssueCommand(issueId, { kind: 'note', body }, principal, traceparent),
    );
  }

  /** Resolves an acknowledged issue with its outcome; nothing happens to it afterwards. */
  @CommandRoute({
    method: 'POST',
    path: ':issueId/resolve',
    status: 201,
    summary: 'issue resolved',
    params: { issueId: uuidParam('the issue') },
    body: resolveIssueBodySchema,
    roles: ['grid-worker', 'officer'],
    ownAgency: true,
    answers: commandAnswers,
    response: commandResultSchema(),
  })
  resolve(
    @Param('issueId', new ParseUUIDPipe()) issueId: string,
    @Body() body: ResolveIssueBody,
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
  @CommandRoute({
    method: 'POST',
    path: ':issueId/reporter-erasure',
    status: 201,
    summary: 'reporter erased',
    params: { issueId: uuidParam('the issue') },
    body: eraseReporterBodySchema,
    roles: ['admin'],
    ownAgency: true,
    answers: commandAnswers,
    response: commandResultSchema({
      issueId: uuidSchema,
      erased: { type: 'boolean', enum: [true] },
    }),
  })
  eraseReporter(
    @Param('issueId', new ParseUUIDPipe()) issueId: string,
    @Body() body: EraseReporterBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<ReporterErasedResult> {
    return this.commands.execute(new EraseReporterCommand(issueId, body, principal, traceparent));
  }

  @ReadRoute({
    path: ':issueId',
    summary: 'the issue as folded from its stream',
    params: { issueId: uuidParam('the issue') },
    roles: STAFF,
    ownAgency: true,
    answers: { 404: 'no such issue' },
    response: issueViewSchema,
  })
  get(@Param('issueId', new ParseUUIDPipe()) issueId: string): Promise<IssueView> {
    return this.queries.execute(new GetIssueQuery(issueId));
  }
}
