import {
  Body,
  Controller,
  Headers,
  Inject,
  Param,
  Query,
  Req,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Clock } from '@gridline/eventsourcing';
import { CLOCK, CommandRoute, PublicRoute, type Principal } from '@gridline/platform';
import { ReportIssueCommand, type IssueReportedResult } from '../issues/report-issue.command.js';
import { Open311Guard, Open311ReadLimit } from './open311.auth.js';
import { Open311Error, Open311ErrorFilter } from './open311.errors.js';
import { OPEN311_JURISDICTION, type Jurisdiction } from './open311.jurisdiction.js';
import { FindServiceRequestsQuery } from './open311.queries.js';
import { serviceRequestFieldsSchema, toReportIssue } from './open311.requests.js';
import {
  findService,
  OPEN311_SERVICES,
  toGeoReportService,
  type GeoReportService,
} from './open311.services.js';
import {
  parseRequestsQuery,
  plainQuery,
  SERVICE_NOTICE,
  toServiceRequest,
  type GeoReportServiceRequest,
  type IssueRecord,
} from './open311.status.js';

/** The answer to a POST: GeoReport v2 wraps even one created request in an array. */
export interface GeoReportCreated {
  readonly service_request_id: string;
  readonly service_notice: string;
  readonly account_id: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A documented GeoReport error answer. */
const geoReportError = (status: number, description: string) =>
  `${description}; body \`[{ "code": ${status}, "description": "…" }]\``;
const jurisdictionId = { jurisdiction_id: {} };
const tooManyReads = { 429: geoReportError(429, 'too many reads from this address') };

/**
 * Open311 GeoReport v2 (JSON) for citizen-reporting apps: the service list,
 * filing a report, tracking reports. A report goes through the same command as
 * POST /api/issues, so its contact is sealed the same way. docs/open311.md.
 */
@ApiTags('open311')
@Controller('open311/v2')
@UseInterceptors(Open311ReadLimit)
@UseFilters(Open311ErrorFilter)
export class Open311Controller {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(OPEN311_JURISDICTION) private readonly jurisdiction: Jurisdiction,
  ) {}

  @PublicRoute({
    path: 'services.json',
    summary: 'GeoReport v2 service list: the issue categories residents may report',
    query: jurisdictionId,
    answers: { 200: 'the services', ...tooManyReads },
    guard: Open311Guard,
    response: {
      type: 'array',
      description: 'GeoReport v2 services',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['service_code', 'service_name'],
        properties: { service_code: { type: 'string' }, service_name: { type: 'string' } },
      },
    },
  })
  services(@Query() query: Record<string, unknown>): GeoReportService[] {
    this.checkJurisdiction(plainQuery(query));
    return OPEN311_SERVICES.map(toGeoReportService);
  }

  @PublicRoute({
    path: 'services/:serviceCode.json',
    summary: 'GeoReport v2 service definition (attributes)',
    params: { serviceCode: 'a service_code of services.json' },
    query: jurisdictionId,
    answers: {
      404: geoReportError(
        404,
        'unknown service, or a service without attributes (every service today)',
      ),
      ...tooManyReads,
    },
    guard: Open311Guard,
    response: {
      type: 'object',
      additionalProperties: true,
      description: 'a GeoReport v2 service definition',
    },
  })
  definition(@Param('serviceCode') code: string, @Query() query: Record<string, unknown>): never {
    this.checkJurisdiction(plainQuery(query));
    // No service has attributes (metadata false): the spec's clients never ask; 404 either way.
    throw new Open311Error(
      404,
      findService(code)
        ? `service_code: ${code} has no attributes (metadata is false)`
        : `service_code: ${code} is not a service here`,
    );
  }

  @CommandRoute({
    method: 'POST',
    path: 'requests.json',
    status: 201,
    summary: 'GeoReport v2: file a service request (becomes a resident complaint issue)',
    // The key is the api_key field or a bearer token: Open311Guard reads it.
    roles: ['reporting-app'],
    ownAgency: true,
    authenticatedBy: Open311Guard,
    answers: {
      201: '`[{ service_request_id, service_notice, account_id }]`',
      400: geoReportError(
        400,
        'a field is missing or invalid (named in the description); nothing is stored',
      ),
      401: geoReportError(401, 'no or invalid api_key'),
      403: geoReportError(403, 'the key is not a street reporting-app account'),
      404: geoReportError(404, 'jurisdiction_id is not served here'),
      429: geoReportError(429, 'too many requests from this app'),
    },
    response: {
      type: 'array',
      description: 'GeoReport v2 wraps even one created request in an array',
      items: {
        type: 'object',
        additionalProperties: true,
        required: ['service_request_id', 'service_notice', 'account_id'],
        properties: {
          service_request_id: { type: 'string' },
          service_notice: { type: 'string' },
          account_id: { type: 'string', nullable: true },
        },
      },
    },
  })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({
    schema: {
      ...serviceRequestFieldsSchema,
      properties: {
        api_key: { type: 'string', description: 'a reporting-app JWT, unless sent as Bearer' },
        ...serviceRequestFieldsSchema.properties,
      },
    } as object,
  })
  async create(
    @Body() body: unknown,
    @Req() request: { principal?: Principal },
    @Headers('traceparent') traceparent?: string,
  ): Promise<GeoReportCreated[]> {
    const { report, accountId } = toReportIssue(body, this.jurisdiction);
    const principal = request.principal;
    if (!principal) throw new Open311Error(401, 'api_key: a key is required to create a request');
    const result = await this.commands.execute<ReportIssueCommand, IssueReportedResult>(
      new ReportIssueCommand(report, principal, traceparent),
    );
    return [
      { service_request_id: result.issueId, service_notice: SERVICE_NOTICE, account_id: accountId },
    ];
  }

  @PublicRoute({
    path: 'requests.json',
    summary: 'GeoReport v2: service requests (newest first, at most 1000, 90 days by default)',
    query: {
      ...jurisdictionId,
      service_request_id: 'comma list; overrides the rest',
      service_code: 'comma list',
      start_date: 'ISO 8601 with timezone',
      end_date: 'ISO 8601; range at most 90 days',
      status: 'open, closed or both',
      api_key: 'optional: the filing app sees its own text back',
    },
    answers: {
      200: 'the requests; no personal data',
      400: geoReportError(400, 'a bad parameter, named'),
      ...tooManyReads,
    },
    guard: Open311Guard,
    response: {
      type: 'array',
      description: 'GeoReport v2 service requests',
      items: {
        type: 'object',
        additionalProperties: true,
        required: [
          'service_request_id',
          'status',
          'service_code',
          'requested_datetime',
          'updated_datetime',
        ],
        properties: {
          service_request_id: { type: 'string' },
          status: { type: 'string', enum: ['open', 'closed'] },
          service_code: { type: 'string' },
          requested_datetime: { type: 'string', format: 'date-time' },
          updated_datetime: { type: 'string', format: 'date-time' },
        },
      },
    },
  })
  async list(
    @Query() query: Record<string, unknown>,
    @Req() request: { principal?: Principal },
  ): Promise<GeoReportServiceRequest[]> {
    const plain = plainQuery(query);
    this.checkJurisdiction(plain);
    const filter = parseRequestsQuery(plain, this.clock.now());
    const records = await this.queries.execute<FindServiceRequestsQuery, IssueRecord[]>(
      new FindServiceRequestsQuery(filter),
    );
    return records.map((r) => toServiceRequest(r, this.jurisdiction, request.principal?.id));
  }

  @PublicRoute({
    path: 'requests/:requestId.json',
    summary: 'GeoReport v2: one service request',
    params: { requestId: 'the service_request_id (our issue id)' },
    query: jurisdictionId,
    answers: {
      200: 'an array of one request; no personal data',
      400: geoReportError(400, 'not a request id'),
      404: geoReportError(404, 'no such request'),
      ...tooManyReads,
    },
    guard: Open311Guard,
    response: {
      type: 'array',
      description: 'GeoReport v2 service requests',
      items: {
        type: 'object',
        additionalProperties: true,
        required: [
          'service_request_id',
          'status',
          'service_code',
          'requested_datetime',
          'updated_datetime',
        ],
        properties: {
          service_request_id: { type: 'string' },
          status: { type: 'string', enum: ['open', 'closed'] },
          service_code: { type: 'string' },
          requested_datetime: { type: 'string', format: 'date-time' },
          updated_datetime: { type: 'string', format: 'date-time' },
        },
      },
    },
  })
  async one(
    @Param('requestId') requestId: string,
    @Query() query: Record<string, unknown>,
    @Req() request: { principal?: Principal },
  ): Promise<GeoReportServiceRequest[]> {
    this.checkJurisdiction(plainQuery(query));
    if (!UUID.test(requestId))
      throw new Open311Error(400, 'service_request_id: must be a request id (a UUID)');
    const [record] = await this.queries.execute<FindServiceRequestsQuery, IssueRecord[]>(
      new FindServiceRequestsQuery({ kind: 'ids', ids: [requestId.toLowerCase()] }),
    );
    if (!record) throw new Open311Error(404, `service_request_id: ${requestId} not found`);
    return [toServiceRequest(record, this.jurisdiction, request.principal?.id)];
  }

  /** jurisdiction_id is optional (we serve one); naming another is 404, as the spec says. */
  private checkJurisdiction(query: Record<string, string>): void {
    const id = query['jurisdiction_id'];
    if (id !== undefined && id !== this.jurisdiction.id)
      throw new Open311Error(404, `jurisdiction_id: ${id} is not served here`);
  }
}
