import { Body, Controller, Headers, Inject, Param, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import {
  CommandRoute,
  CurrentPrincipal,
  ReadRoute,
  type Principal,
  commandResultSchema,
} from '@gridline/platform';
import { commandAnswers } from '../shared/openapi.js';
import {
  CredentialActionCommand,
  grantCredentialBodySchema,
  withdrawCredentialBodySchema,
  type CredentialActionResult,
  type GrantCredentialBody,
  type WithdrawCredentialBody,
} from './credential.commands.js';
import {
  CREDENTIAL_STATUSES,
  GetOfficerCredentialsQuery,
  ListCredentialsQuery,
  parseCredentialListQuery,
  type CredentialListView,
  type OfficerCredentialsView,
} from './credential.queries.js';
import { OfficerIdPipe } from './officer-id.pipe.js';

const officerIdParam = { officerId: 'the officer’s principal id, as in their token' };

/**
 * The enforcement credential registry of the street office: its admin grants
 * and withdraws; warnings, penalties and evidence need a credential valid then.
 */
@ApiTags('credentials')
@Controller('api/credentials')
export class CredentialsController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  @CommandRoute({
    method: 'POST',
    status: 201,
    summary: 'credential granted',
    body: grantCredentialBodySchema,
    roles: ['admin'],
    ownAgency: true,
    answers: {
      ...commandAnswers,
      201: 'the officer, the number, the event ids',
      422: 'refused: credential-already-granted, credential-validity-invalid, role-required',
    },
    response: commandResultSchema({
      officerId: { type: 'string' },
      credentialNumber: { type: 'string' },
    }),
  })
  grant(
    @Body() body: GrantCredentialBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CredentialActionResult> {
    return this.commands.execute(
      new CredentialActionCommand({ kind: 'grant', body }, principal, traceparent),
    );
  }

  @CommandRoute({
    method: 'POST',
    path: ':officerId/withdrawals',
    status: 201,
    summary: 'credential withdrawn',
    params: officerIdParam,
    body: withdrawCredentialBodySchema,
    roles: ['admin'],
    ownAgency: true,
    answers: {
      ...commandAnswers,
      201: 'the officer, the number, the event ids',
      422: 'refused: credential-unknown, credential-already-withdrawn, role-required',
    },
    response: commandResultSchema({
      officerId: { type: 'string' },
      credentialNumber: { type: 'string' },
    }),
  })
  withdraw(
    @Param('officerId', OfficerIdPipe) officerId: string,
    @Body() body: WithdrawCredentialBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CredentialActionResult> {
    return this.commands.execute(
      new CredentialActionCommand({ kind: 'withdraw', officerId, body }, principal, traceparent),
    );
  }

  /** Officers and their credentials with their status now, a page of officers at a time. */
  @ReadRoute({
    summary: '{ at, items: [{ officerId, credentials }], nextCursor }',
    query: {
      status: { enum: CREDENTIAL_STATUSES },
      limit: 'officers per page, 1 to 100 (default 50)',
      cursor: 'nextCursor of the previous page',
    },
    roles: ['admin'],
    ownAgency: true,
    answers: { 400: 'a query parameter is invalid; `problems` names each' },
    response: {
      type: 'object',
      required: ['at', 'items', 'nextCursor'],
      properties: {
        at: { type: 'string', format: 'date-time' },
        items: {
          type: 'array',
          items: {
            type: 'object',
            required: ['officerId', 'credentials'],
            properties: {
              officerId: { type: 'string' },
              credentials: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
        },
        nextCursor: { type: 'string', nullable: true },
      },
    },
  })
  list(@Query() query: Record<string, unknown>): Promise<CredentialListView> {
    return this.queries.execute(new ListCredentialsQuery(parseCredentialListQuery(query)));
  }

  /** One officer's credentials with their status now, and who granted and withdrew what, when. */
  @ReadRoute({
    path: ':officerId',
    summary: '{ officerId, at, credentials, history }',
    params: officerIdParam,
    roles: ['admin'],
    ownAgency: true,
    answers: { 404: 'the registry holds nothing for this officer' },
    response: {
      type: 'object',
      required: ['officerId', 'at', 'credentials', 'history'],
      properties: {
        officerId: { type: 'string' },
        at: { type: 'string', format: 'date-time' },
        credentials: { type: 'array', items: { type: 'object', additionalProperties: true } },
        history: { type: 'array', items: { type: 'object', additionalProperties: true } },
      },
    },
  })
  get(@Param('officerId', OfficerIdPipe) officerId: string): Promise<OfficerCredentialsView> {
    return this.queries.execute(new GetOfficerCredentialsQuery(officerId));
  }
}
