import { Body, Controller, Headers, Inject, Param } from '@nestjs/common';
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
import { CategoryPipe } from '../shared/category.pipe.js';
import { commandAnswers, categoryParam } from '../shared/openapi.js';
import type { CommandResult } from '../shared/run-command.js';
import { GetStandardQuery, type StandardView } from './get-standard.query.js';
import {
  PublishStandardCommand,
  publishStandardBodySchema,
  type PublishStandardBody,
} from './publish-standard.command.js';

/** Discretion standards: the allowed fine range per violation category and circumstance. */
@ApiTags('discretion-standards')
@Controller('api/discretion-standards')
export class DiscretionController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  /** Publishes the next version of a category's standard; later penalties are checked against it. */
  @CommandRoute({
    method: 'POST',
    path: ':category',
    status: 201,
    summary: 'standard published',
    params: { category: categoryParam },
    body: publishStandardBodySchema,
    roles: ['admin'],
    ownAgency: true,
    answers: { ...commandAnswers, 201: 'the new version' },
    response: commandResultSchema(),
  })
  publish(
    @Param('category', CategoryPipe) category: string,
    @Body() body: PublishStandardBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.commands.execute(
      new PublishStandardCommand(category, body, principal, traceparent),
    );
  }

  @ReadRoute({
    path: ':category',
    summary: 'the current version and every earlier one',
    params: { category: categoryParam },
    roles: STAFF,
    ownAgency: true,
    answers: { 404: 'no standard published for the category' },
    response: {
      type: 'object',
      additionalProperties: true,
      required: ['category', 'current', 'versions'],
      properties: {
        category: { type: 'string' },
        current: { type: 'object', additionalProperties: true },
        versions: { type: 'array', items: { type: 'object', additionalProperties: true } },
      },
    },
  })
  get(@Param('category', CategoryPipe) category: string): Promise<StandardView> {
    return this.queries.execute(new GetStandardQuery(category));
  }
}
