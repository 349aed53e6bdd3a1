import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  RequireOwnAgency,
  RequireRoles,
  SchemaValidationPipe,
  type Principal,
} from '@gridline/platform';
import { CategoryPipe } from '../shared/category.pipe.js';
import { ApiCommand } from '../shared/openapi.js';
import type { CommandResult } from '../shared/run-command.js';
import { GetStandardQuery, type StandardView } from './get-standard.query.js';
import {
  PublishStandardCommand,
  publishStandardBodySchema,
  type PublishStandardBody,
} from './publish-standard.command.js';

/** Discretion standards: the allowed fine range per violation category and circumstance. */
@ApiTags('discretion-standards')
@ApiBearerAuth()
@Controller('api/discretion-standards')
export class DiscretionController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  /** Publishes the next version of a category's standard; later penalties are checked against it. */
  @Post(':category')
  @HttpCode(201)
  @ApiParam({ name: 'category', description: 'violation category, e.g. street-vending' })
  @ApiCommand('standard published', publishStandardBodySchema, 'the new version')
  @RequireOwnAgency()
  @RequireRoles('admin')
  publish(
    @Param('category', CategoryPipe) category: string,
    @Body(new SchemaValidationPipe(publishStandardBodySchema)) body: PublishStandardBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('traceparent') traceparent?: string,
  ): Promise<CommandResult> {
    return this.commands.execute(
      new PublishStandardCommand(category, body, principal, traceparent),
    );
  }

  @Get(':category')
  @ApiParam({ name: 'category', description: 'violation category, e.g. street-vending' })
  @ApiResponse({ status: 200, description: 'the current version and every earlier one' })
  @ApiResponse({ status: 404, description: 'no standard published for the category' })
  @RequireOwnAgency()
  get(@Param('category', CategoryPipe) category: string): Promise<StandardView> {
    return this.queries.execute(new GetStandardQuery(category));
  }
}
