// The JSON Schemas of the views the gateway serves (queries.ts, statistics.queries.ts,
// work-queries.ts, rebuild.ts), written once beside their types: the gateway's
// OpenAPI document carries them and the console's client is generated from it
// (docs/console.md, "The API client"). They are written by hand beside the
// types: nothing yet checks real answers against them.
import { isoTimeSchema as time, uuidSchema as uuid } from '@gridline/contracts';
import { WORK_KINDS } from './work-items.js';

const agency = { type: 'string', enum: ['swc', 'drc', 'street'] } as const;
const handlingAgency = { type: 'string', enum: ['drc', 'street'] } as const;
const riskLevel = { type: 'string', enum: ['blue', 'yellow', 'orange', 'red'] } as const;
const mode = { type: 'string', enum: ['routine', 'emergency'] } as const;
const nullable = <S extends object>(schema: S) => ({ ...schema, nullable: true }) as const;

export const caseAreaSchema = {
  type: 'object',
  required: ['street'],
  properties: {
    street: { type: 'string' },
    community: { type: 'string' },
    grid: { type: 'string' },
  },
} as const;

export const evidenceDigestSchema = {
  type: 'object',
  required: ['evidenceId', 'kind', 'sha256', 'capturedAt'],
  properties: {
    evidenceId: { type: 'string' },
    kind: { type: 'string' },
    sha256: { type: 'string' },
    capturedAt: time,
    file: {
      type: 'object',
      required: ['contentType', 'size'],
      properties: { contentType: { type: 'string' }, size: { type: 'integer' } },
    },
  },
} as const;

/** AssignmentView. */
export const assignmentViewSchema = {
  type: 'object',
  required: ['assignmentId', 'agency', 'role', 'status', 'assignedAt', 'dueAt', 'escalated', 'sla'],
  properties: {
    assignmentId: uuid,
    agency: handlingAgency,
    role: { type: 'string', enum: ['lead', 'co-handler'] },
    status: { type: 'string', enum: ['pending', 'accepted', 'declined', 'returned', 'completed'] },
    assignedAt: time,
    dueAt: time,
    escalated: { type: 'boolean' },
    acceptedAt: time,
    completedAt: time,
    endedAt: { ...time, description: 'when a declined or returned assignment left the agency' },
    sla: {
      type: 'string',
      enum: ['on-time', 'due-soon', 'overdue', 'met', 'missed', 'released'],
    },
  },
} as const;

/** CaseView: GET /api/cases items and GET /api/cases/:id. */
export const caseViewSchema = {
  type: 'object',
  required: ['caseId', 'status', 'agencies', 'participatingAgencies', 'assignments', 'lastEventAt'],
  properties: {
    caseId: uuid,
    status: { type: 'string', enum: ['reported', 'open', 'closed'] },
    origin: { type: 'string', enum: ['street-report', 'drc-warning', 'manual'] },
    category: { type: 'string' },
    severity: { type: 'string' },
    riskLevel,
    mode,
    location: caseAreaSchema,
    leadAgency: handlingAgency,
    coHandlers: { type: 'array', items: handlingAgency },
    agencies: { type: 'array', items: agency, description: 'every agency that takes part' },
    participatingAgencies: { type: 'array', items: agency, description: 'same as agencies' },
    assignments: { type: 'array', items: assignmentViewSchema },
    nextDueAt: nullable({ ...time, description: 'earliest due time of an open assignment' }),
    reportedAt: time,
    openedAt: time,
    openSince: time,
    firstResponseAt: time,
    verifiedAt: time,
    closedAt: nullable(time),
    reopenCount: { type: 'integer' },
    satisfaction: { type: 'integer' },
    lastEventAt: time,
  },
} as const;

/** PageOf<T>. */
export const pageSchema = <S extends object>(items: S) =>
  ({
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items },
      nextCursor: nullable({ type: 'string', description: 'the next page: `cursor=`' }),
    },
  }) as const;

/** TimelineView: an entry of GET /api/cases/:id/timeline and of the live stream. */
export const timelineViewSchema = {
  type: 'object',
  required: [
    'eventId',
    'caseId',
    'agency',
    'type',
    'time',
    'actor',
    'summary',
    'causationId',
    'correlationId',
    'streamId',
    'revision',
    'position',
    'causes',
  ],
  properties: {
    eventId: uuid,
    caseId: uuid,
    agency,
    type: { type: 'string' },
    time: { ...time, description: 'when the event occurred' },
    actor: {
      type: 'object',
      required: ['id', 'agency', 'kind'],
      properties: { id: { type: 'string' }, agency, kind: { type: 'string' } },
    },
    summary: { type: 'string' },
    causationId: { type: 'string' },
    correlationId: { type: 'string' },
    streamId: { type: 'string' },
    revision: { type: 'integer' },
    position: {
      type: 'object',
      required: ['commit', 'prepare'],
      properties: { commit: { type: 'number' }, prepare: { type: 'number' } },
    },
    causedBy: { type: 'string', description: 'the entry of this case whose event caused this one' },
    causes: { type: 'array', items: { type: 'string' }, description: 'entries this one caused' },
    evidence: { type: 'array', items: evidenceDigestSchema },
  },
} as const;

export const timelineSchema = {
  type: 'object',
  required: ['caseId', 'entries'],
  properties: { caseId: uuid, entries: { type: 'array', items: timelineViewSchema } },
} as const;

/** PublicityView: a published penalty decision, masked. */
export const publicityViewSchema = {
  type: 'object',
  required: [
    'decisionId',
    'subjectLabel',
    'category',
    'street',
    'amountYuan',
    'circumstance',
    'standardVersion',
    'issuedAt',
    'publishedAt',
    'retracted',
  ],
  properties: {
    decisionId: uuid,
    subjectLabel: { type: 'string' },
    category: { type: 'string' },
    street: { type: 'string' },
    amountYuan: { type: 'number' },
    circumstance: { type: 'string' },
    additionalMeasure: { type: 'string' },
    standardVersion: { type: 'integer' },
    issuedAt: time,
    publishedAt: time,
    retracted: { type: 'boolean' },
    retractedAt: time,
  },
} as const;

// --- statistics (statistics.queries.ts) ---

const share = nullable({ type: 'number' });
const ratioFigures = {
  required: ['service', 'management', 'enforcement', 'steps', 'shares', 'repeats', 'repeatRate'],
  properties: {
    service: { type: 'integer' },
    management: { type: 'integer' },
    enforcement: { type: 'integer' },
    steps: { type: 'integer' },
    shares: {
      type: 'object',
      required: ['service', 'management', 'enforcement'],
      properties: { service: share, management: share, enforcement: share },
    },
    repeats: { type: 'integer' },
    repeatRate: share,
  },
} as const;

const streetMonth = {
  street: { type: 'string' },
  month: { type: 'string', example: '2026-03' },
} as const;

export const ratio721Schema = {
  type: 'object',
  required: ['rows', 'totals'],
  properties: {
    rows: {
      type: 'array',
      items: {
        type: 'object',
        required: ['street', 'month', ...ratioFigures.required],
        properties: { ...streetMonth, ...ratioFigures.properties },
      },
    },
    totals: { type: 'object', ...ratioFigures },
  },
} as const;

const duration = {
  type: 'object',
  required: ['count', 'sumMs', 'maxMs', 'averageMs'],
  properties: {
    count: { type: 'integer' },
    sumMs: { type: 'number' },
    maxMs: { type: 'number' },
    averageMs: nullable({ type: 'number' }),
  },
} as const;

export const responseTimesSchema = {
  type: 'object',
  required: ['rows', 'totals'],
  properties: {
    rows: {
      type: 'array',
      items: {
        type: 'object',
        required: ['street', 'month', 'firstResponse', 'closure'],
        properties: { ...streetMonth, firstResponse: duration, closure: duration },
      },
    },
    totals: {
      type: 'object',
      required: ['firstResponse', 'closure'],
      properties: { firstResponse: duration, closure: duration },
    },
  },
} as const;

const slaFigures = {
  required: ['completedOnTime', 'completedLate', 'escalated', 'compliance'],
  properties: {
    completedOnTime: { type: 'integer' },
    completedLate: { type: 'integer' },
    escalated: { type: 'integer' },
    compliance: share,
  },
} as const;

export const slaStatsSchema = {
  type: 'object',
  required: ['rows', 'totals'],
  properties: {
    rows: {
      type: 'array',
      items: {
        type: 'object',
        required: ['agency', 'month', ...slaFigures.required],
        properties: {
          agency: { type: 'string' },
          month: { type: 'string' },
          ...slaFigures.properties,
        },
      },
    },
    totals: { type: 'object', ...slaFigures },
  },
} as const;

// --- operations (rebuild.ts) ---

export const rebuildStatusSchema = {
  type: 'object',
  required: ['state', 'requestedBy', 'requestedAt'],
  properties: {
    state: { type: 'string', enum: ['requested', 'running', 'completed', 'failed'] },
    requestedBy: { type: 'string' },
    requestedAt: time,
    owner: { type: 'string' },
    suffix: { type: 'string' },
    previous: { type: 'string' },
    startedAt: time,
    processed: { type: 'integer' },
    total: { type: 'integer' },
    eventsPerSecond: { type: 'number' },
    etaSeconds: { type: 'number' },
    finishedAt: time,
    error: { type: 'string' },
    liveWrites: { type: 'boolean' },
    updatedAt: time,
  },
} as const;

export const rebuildsViewSchema = {
  type: 'object',
  required: ['live', 'rebuild'],
  properties: {
    live: { type: 'string', description: 'the suffix of the live read-model set' },
    rebuild: nullable(rebuildStatusSchema),
  },
} as const;

// --- my work (work-queries.ts) ---

export const myWorkSchema = {
  type: 'object',
  required: ['at', 'items', 'counts', 'total'],
  properties: {
    at: { ...time, description: 'the time SLA states are computed at' },
    total: { type: 'integer', description: 'open items waiting on you (items holds at most 200)' },
    counts: {
      type: 'object',
      description: 'open items per kind',
      additionalProperties: { type: 'integer' },
    },
    items: {
      type: 'array',
      description: 'soonest due first (no due time last), then the longest waiting',
      items: {
        type: 'object',
        required: [
          'id',
          'kind',
          'caseId',
          'agency',
          'queue',
          'personal',
          'label',
          'since',
          'dueAt',
          'sla',
          'escalated',
        ],
        properties: {
          id: { type: 'string', example: 'decision:6f1c…' },
          kind: { type: 'string', enum: [...WORK_KINDS] },
          caseId: uuid,
          agency,
          queue: nullable({
            type: 'string',
            example: 'street:legal-reviewer',
            description: 'the queue it waits in; null when it is addressed to you',
          }),
          personal: { type: 'boolean' },
          assignmentId: uuid,
          decisionId: uuid,
          warningId: uuid,
          projectId: uuid,
          label: { type: 'string', example: 'draft 2, ¥15000, major' },
          since: time,
          dueAt: nullable(time),
          sla: nullable({ type: 'string', enum: ['on-time', 'due-soon', 'overdue'] }),
          escalated: { type: 'boolean' },
        },
      },
    },
  },
} as const;
