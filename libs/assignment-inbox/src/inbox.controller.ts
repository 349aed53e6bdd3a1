import { Body, Controller, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { InboxAgency } from '@gridline/contracts';
import type { Clock, EventStore, IdGenerator } from '@gridline/eventsourcing';
import {
  CLOCK,
  CommandRoute,
  CurrentPrincipal,
  EVENT_STORE,
  IDS,
  ReadRoute,
  UUID,
  type Principal,
  type Role,
} from '@gridline/platform';
import type { InboxCommand } from './inbox.decider.js';
import { ExecuteInboxCommand, INBOX_AGENCY, loadInboxEntry } from './inbox.handler.js';

const uuid = { type: 'string', format: 'uuid' } as const;

/** The inbox entry (InboxState, inbox.decider.ts). */
const inboxEntrySchema = {
  type: 'object',
  required: ['status', 'assignmentId', 'caseId', 'role', 'dueAt', 'sourceEventId', 'progressNotes'],
  properties: {
    status: { type: 'string' },
    assignmentId: uuid,
    caseId: uuid,
    role: { type: 'string', enum: ['lead', 'co-handler'] },
    dueAt: { type: 'string', format: 'date-time' },
    instructions: { type: 'string' },
    sourceEventId: uuid,
    progressNotes: { type: 'integer' },
  },
} as const;

/** What an inbox command answers. */
const inboxResultSchema = {
  type: 'object',
  required: ['assignmentId', 'eventIds'],
  properties: {
    assignmentId: uuid,
    eventIds: { type: 'array', items: uuid, description: 'the events recorded' },
  },
} as const;

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

/** Who works the inbox: the agency's coordinators, officers and admins. */
const HANDLERS: readonly Role[] = ['coordinator', 'officer', 'admin'];

/**
 * The agency's inbox of SWC assignments: accept or decline, report progress,
 * complete or hand back. Coordinators, officers and admins of the agency act.
 */
@ApiTags('assignments')
@ApiResponse({ status: 404, description: 'no such assignment in this inbox' })
@Controller('api/assignments')
export class InboxController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
    @Inject(INBOX_AGENCY) private readonly agency: InboxAgency,
  ) {}

  @ReadRoute({
    path: ':assignmentId',
    summary: 'The assignment as this inbox holds it',
    params: { assignmentId: UUID },
    roles: HANDLERS,
    ownAgency: true,
    response: inboxEntrySchema,
  })
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

  @CommandRoute({
    method: 'POST',
    path: ':assignmentId/accept',
    status: 200,
    summary: 'Accepts the assignment',
    params: { assignmentId: UUID },
    body: schemas.accept,
    roles: HANDLERS,
    ownAgency: true,
    answers: { 422: 'not possible in the assignment’s state' },
    response: inboxResultSchema,
  })
  accept(
    @Param('assignmentId', new ParseUUIDPipe()) id: string,
    @Body() _body: object,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.run(id, principal, { type: 'AcceptAssignment' });
  }

  @CommandRoute({
    method: 'POST',
    path: ':assignmentId/decline',
    status: 200,
    summary: 'Declines the assignment, with the reason',
    params: { assignmentId: UUID },
    body: schemas.decline,
    roles: HANDLERS,
    ownAgency: true,
    answers: { 422: 'not possible in the assignment’s state' },
    response: inboxResultSchema,
  })
  decline(
    @Param('assignmentId', new ParseUUIDPipe()) id: string,
    @Body() body: { reason: string },
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.run(id, principal, { type: 'DeclineAssignment', reason: body.reason });
  }

  @CommandRoute({
    method: 'POST',
    path: ':assignmentId/return',
    status: 200,
    summary: 'Hands the assignment back to the SWC, with the reason',
    params: { assignmentId: UUID },
    body: schemas.return,
    roles: HANDLERS,
    ownAgency: true,
    answers: { 422: 'not possible in the assignment’s state' },
    response: inboxResultSchema,
  })
  handBack(
    @Param('assignmentId', new ParseUUIDPipe()) id: string,
    @Body() body: { reason: string },
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.run(id, principal, { type: 'ReturnAssignment', reason: body.reason });
  }

  @CommandRoute({
    method: 'POST',
    path: ':assignmentId/progress',
    status: 201,
    summary: 'Reports progress, with a note',
    params: { assignmentId: UUID },
    body: schemas.progress,
    roles: HANDLERS,
    ownAgency: true,
    answers: { 422: 'not possible in the assignment’s state' },
    response: inboxResultSchema,
  })
  progress(
    @Param('assignmentId', new ParseUUIDPipe()) id: string,
    @Body() body: { note: string },
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.run(id, principal, { type: 'ReportProgress', note: body.note });
  }

  @CommandRoute({
    method: 'POST',
    path: ':assignmentId/complete',
    status: 200,
    summary: 'Completes the assignment, with its outcome',
    params: { assignmentId: UUID },
    body: schemas.complete,
    roles: HANDLERS,
    ownAgency: true,
    answers: { 422: 'not possible in the assignment’s state' },
    response: inboxResultSchema,
  })
  complete(
    @Param('assignmentId', new ParseUUIDPipe()) id: string,
    @Body() body: { outcome: string },
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.run(id, principal, { type: 'CompleteAssignment', outcome: body.outcome });
  }
}
