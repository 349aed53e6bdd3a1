import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Inject,
  Param,
  ParseUUIDPipe,
  Query,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { isoTimeSchema, uuidSchema } from '@gridline/contracts';
import { toEnvelope, type RecordedEvent } from '@gridline/eventsourcing';
import {
  caseHistoryViewSchema,
  diffCaseViews,
  foldCaseHistory,
  type CaseHistoryView,
  type FieldChange,
} from '@gridline/history';
import {
  CurrentPrincipal,
  NotFoundError,
  ReadRoute,
  STAFF,
  UUID,
  type Principal,
} from '@gridline/platform';
import { summarize } from '@gridline/read-models';
import type { PostgresStoreHandle } from '@gridline/store-postgres';
import { HISTORY_STORE } from './history.tokens.js';
import { parseTime } from './time-params.js';

const SEE_ALL = ['coordinator', 'analyst', 'admin'] as const;

export interface HistoryEntry {
  readonly id: string;
  readonly type: string;
  readonly agency: string;
  readonly streamId: string;
  readonly revision: number;
  readonly occurredAt: string;
  readonly actor: { readonly id: string; readonly agency: string; readonly kind: string };
  readonly causationId: string;
  readonly summary: string;
}

const historyEntrySchema = {
  type: 'object',
  required: [
    'id',
    'type',
    'agency',
    'streamId',
    'revision',
    'occurredAt',
    'actor',
    'causationId',
    'summary',
  ],
  properties: {
    id: uuidSchema,
    type: { type: 'string' },
    agency: { type: 'string', enum: ['swc', 'drc', 'street'] },
    streamId: { type: 'string' },
    revision: { type: 'integer' },
    occurredAt: isoTimeSchema,
    actor: {
      type: 'object',
      required: ['id', 'agency', 'kind'],
      properties: { id: { type: 'string' }, agency: { type: 'string' }, kind: { type: 'string' } },
    },
    causationId: { type: 'string' },
    summary: { type: 'string' },
  },
} as const;

const caseAsOfSchema = {
  type: 'object',
  required: ['caseId', 'at', 'case'],
  properties: { caseId: uuidSchema, at: isoTimeSchema, case: caseHistoryViewSchema },
} as const;

const caseDiffSchema = {
  type: 'object',
  required: ['caseId', 'from', 'to', 'existedAtFrom', 'changes', 'events'],
  properties: {
    caseId: uuidSchema,
    from: isoTimeSchema,
    to: isoTimeSchema,
    existedAtFrom: { type: 'boolean' },
    changes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path'],
        properties: {
          path: { type: 'string', example: 'assignments[<assignmentId>].status' },
          from: { description: 'absent when the field did not exist' },
          to: { description: 'absent when the field no longer exists' },
        },
      },
    },
    events: { type: 'array', items: historyEntrySchema },
  },
} as const;

function entry(event: RecordedEvent): HistoryEntry {
  const envelope = toEnvelope(event);
  return {
    id: event.id,
    type: event.type,
    agency: envelope.agency,
    streamId: event.streamId,
    revision: event.revision,
    occurredAt: event.occurredAt,
    actor: event.metadata.actor,
    causationId: event.metadata.causationId,
    summary: summarize(envelope),
  };
}

const occurredBy = (events: readonly RecordedEvent[], at: Date) =>
  events.filter((e) => Date.parse(e.occurredAt) <= at.getTime());

/**
 * Time travel: a case folded from the event store as it stood at a time, and
 * what changed between two times. Same visibility as the case endpoints:
 * coordinators, analysts and admins see every case; an agency's staff see the
 * cases their agency takes part in (decided from the case's events).
 */
@ApiTags('history')
@Controller('api/cases')
export class CaseHistoryController {
  constructor(@Inject(HISTORY_STORE) private readonly postgres: PostgresStoreHandle) {}

  @ReadRoute({
    path: ':caseId/as-of',
    summary: 'The case as it stood at a time, folded from the event store',
    params: { caseId: UUID },
    query: {
      at: {
        description: 'ISO-8601 time with a zone',
        example: '2026-03-10T12:00:00Z',
        required: true,
      },
    },
    roles: STAFF,
    answers: {
      200: '`{ caseId, at, case }`: the case as it stood at `at`.',
      400: '`at` missing or not an ISO-8601 time.',
      403: 'your agency takes no part in this case',
      404: 'No such case, or it did not exist yet at `at`.',
    },
    response: caseAsOfSchema,
  })
  async asOf(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Query('at') atText: string | undefined,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ caseId: string; at: string; case: CaseHistoryView }> {
    const at = parseTime('at', atText);
    const events = await this.authorisedEvents(caseId, principal);
    const view = foldCaseHistory(caseId, occurredBy(events, at));
    if (!view) throw new NotFoundError(`case ${caseId} at ${at.toISOString()}`);
    return { caseId, at: at.toISOString(), case: view };
  }

  @ReadRoute({
    path: ':caseId/diff',
    summary: 'What changed in a case between two times',
    params: { caseId: UUID },
    query: {
      from: { description: 'ISO-8601 time with a zone', required: true },
      to: { description: 'ISO-8601 time with a zone, not before `from`', required: true },
    },
    roles: STAFF,
    answers: {
      200:
        '`{ caseId, from, to, existedAtFrom, changes: [{ path, from?, to? }], events: [{ id, type, agency, occurredAt, actor, summary, … }] }`: ' +
        'field changes between the two folds and the events that occurred after `from` up to `to`.',
      400: '`from`/`to` missing, malformed, or `from` after `to`.',
      403: 'your agency takes no part in this case',
      404: 'No such case, or it did not exist yet at `to`.',
    },
    response: caseDiffSchema,
  })
  async diff(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Query('from') fromText: string | undefined,
    @Query('to') toText: string | undefined,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{
    caseId: string;
    from: string;
    to: string;
    existedAtFrom: boolean;
    changes: FieldChange[];
    events: HistoryEntry[];
  }> {
    const from = parseTime('from', fromText);
    const to = parseTime('to', toText);
    if (from > to) throw new BadRequestException('from must not be after to');
    const events = await this.authorisedEvents(caseId, principal);
    const before = foldCaseHistory(caseId, occurredBy(events, from));
    const after = foldCaseHistory(caseId, occurredBy(events, to));
    if (!after) throw new NotFoundError(`case ${caseId} at ${to.toISOString()}`);
    const between = events.filter((e) => {
      const t = Date.parse(e.occurredAt);
      return t > from.getTime() && t <= to.getTime();
    });
    return {
      caseId,
      from: from.toISOString(),
      to: to.toISOString(),
      existedAtFrom: before !== undefined,
      changes: diffCaseViews(before, after),
      events: between.map(entry),
    };
  }

  private async authorisedEvents(
    caseId: string,
    principal: Principal,
  ): Promise<readonly RecordedEvent[]> {
    const events = await this.postgres.store.readCase(caseId);
    const now = foldCaseHistory(caseId, events);
    if (!now) throw new NotFoundError(`case ${caseId}`);
    if (SEE_ALL.some((role) => principal.roles.includes(role))) return events;
    const takesPart =
      now.agencies.includes(principal.agency) ||
      now.leadAgency === principal.agency ||
      now.coHandlers.some((a) => a === principal.agency);
    if (!takesPart)
      throw new ForbiddenException(`agency ${principal.agency} takes no part in this case`);
    return events;
  }
}
