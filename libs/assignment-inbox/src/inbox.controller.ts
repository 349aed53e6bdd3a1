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
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { InboxAgency } from '@gridline/contracts';
import type { Clock, EventStore, IdGenerator } from '@gridline/eventsourcing';
import {
  CLOCK,
  CurrentPrincipal,
  EVENT_STORE,
  IDS,
  RequireOwnAgency,
  RequireRoles,
  SchemaValidationPipe,
  type Principal,
} from '@gridline/platform';
import type { InboxCommand } from './inbox.decider.js';
import { ExecuteInboxCommand, INBOX_AGENCY, loadInboxEntry } from './inbox.handler.js';

const text = { type: 'string', minLength: 1, maxLength: 2000 } as const;
const body = (field?: string) => ({
  type: 'object',
  additionalProperties: false,
  required: field ? [field] : [],
  properties: field ? { [field]: text } : {},
});
const schemas = {
  accept: body(),
  decline: body('reason'),
  return: body('reason'),
  progress: body('note'),
  complete: body('outcome'),
};

type Without<C> = C extends unknown ? Omit<C, 'by' | 'at'> : never;

/**
 * The agency's inbox of SWC assignments: accept or decline, report progress,
 * complete or hand back. Coordinators, officers and admins of the agency act.
 */
@ApiTags('assignments')
@ApiBearerAuth()
@ApiParam({ name: 'assignmentId', format: 'uuid' })
@ApiResponse({ status: 404, description: 'no such assignment in this inbox' })
@ApiResponse({ status: 422, description: 'not possible in the assignment’s state' })
@RequireOwnAgency()
@RequireRoles('coordinator', 'officer', 'admin')
@Controller('api/assignments')
export class InboxController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
    @Inject(INBOX_AGENCY) private readonly agency: InboxAgency,
  ) {}

  @Get(':assignmentId')
  get(@Param('assignmentId', new ParseUUIDPipe()) assignmentId: string) {
    return loadInboxEntry(this.store, this.agency, assignmentId);
  }

  private async run(
    assignmentId: string,
    principal: Principal,
    command: Without<InboxCommand>,
  ): Promise<{ assignmentId: string; eventIds: string[] }> {
    const entry = await loadInboxEntry(this.store, this.agency, assignmentId);
    return this.commands.execute(
      new ExecuteInboxCommand(
        assignmentId,
        { ...command, by: principal.id, at: this.clock.now() } as InboxCommand,
        {
          caseId: entry.caseId,
          correlationId: entry.caseId,
          causationId: this.ids.newId(),
          actor: { id: principal.id, agency: principal.agency, kind: 'user' },
        },
      ),
    );
  }

  @Post(':assignmentId/accept')
  @HttpCode(200)
  @ApiBody({ schema: schemas.accept })
  accept(
    @Param('assignmentId', new ParseUUIDPipe()) id: string,
    @Body(new SchemaValidationPipe(schemas.accept)) _body: object,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.run(id, principal, { type: 'AcceptAssignment' });
  }

  @Post(':assignmentId/decline')
  @HttpCode(200)
  @ApiBody({ schema: schemas.decline })
  decline(
    @Param('assignmentId', new ParseUUIDPipe()) id: string,
    @Body(new SchemaValidationPipe(schemas.decline)) body: { reason: string },
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.run(id, principal, { type: 'DeclineAssignment', reason: body.reason });
  }

  @Post(':assignmentId/return')
  @HttpCode(200)
  @ApiBody({ schema: schemas.return })
  handBack(
    @Param('assignmentId', new ParseUUIDPipe()) id: string,
    @Body(new SchemaValidationPipe(schemas.return)) body: { reason: string },
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.run(id, principal, { type: 'ReturnAssignment', reason: body.reason });
  }

  @Post(':assignmentId/progress')
  @HttpCode(201)
  @ApiBody({ schema: schemas.progress })
  progress(
    @Param('assignmentId', new ParseUUIDPipe()) id: string,
    @Body(new SchemaValidationPipe(schemas.progress)) body: { note: string },
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.run(id, principal, { type: 'ReportProgress', note: body.note });
  }

  @Post(':assignmentId/complete')
  @HttpCode(200)
  @ApiBody({ schema: schemas.complete })
  complete(
    @Param('assignmentId', new ParseUUIDPipe()) id: string,
    @Body(new SchemaValidationPipe(schemas.complete)) body: { outcome: string },
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.run(id, principal, { type: 'CompleteAssignment', outcome: body.outcome });
  }
}
