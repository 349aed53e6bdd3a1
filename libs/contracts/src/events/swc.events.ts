import type { Agency } from '../agencies.js';
import {
  gridRefSchema,
  isoTimeSchema,
  severitySchema,
  uuidSchema,
  type Severity,
} from './common.schema.js';
import { riskLevelSchema, type RiskLevel } from './drc.events.js';

export type CaseOrigin = 'street-report' | 'drc-warning' | 'manual';
export type CaseMode = 'routine' | 'emergency';
export type AssignmentRole = 'lead' | 'co-handler';
/** Agencies SWC assigns work to (SWC coordinates; it does not assign itself). */
export type HandlingAgency = Exclude<Agency, 'swc'>;

/** Where a case is: a street office area, narrowed to a community and grid when known. */
export interface CaseArea {
  readonly street: string;
  readonly community?: string;
  readonly grid?: string;
}

interface CaseEvent<T extends string, D> {
  readonly type: T;
  readonly data: { readonly caseId: string } & D;
}

/** The Social Work Committee opened a coordinated case for a governance matter. */
export type CaseOpened = CaseEvent<
  'swc.case.opened.v1',
  {
    readonly origin: CaseOrigin;
    /** The event that led to the case (a street report, a DRC warning); absent for manual cases. */
    readonly originEventId?: string;
    readonly category: string;
    readonly location: CaseArea;
    readonly severity: Severity;
    /** Known at opening for a case from a risk warning. */
    readonly riskLevel?: RiskLevel;
    readonly openedBy?: string;
    readonly openedAt: string;
  }
>;
export type CaseTriaged = CaseEvent<
  'swc.case.triaged.v1',
  {
    readonly riskLevel: RiskLevel;
    readonly category: string;
    readonly leadAgency: HandlingAgency;
    readonly coHandlers: readonly HandlingAgency[];
    readonly triagedBy: string;
    readonly triagedAt: string;
  }
>;
export type CaseRiskLevelChanged = CaseEvent<
  'swc.case.risk-level-changed.v1',
  {
    readonly from: RiskLevel;
    readonly to: RiskLevel;
    readonly reason: string;
    readonly changedBy: string;
    readonly changedAt: string;
  }
>;
export type CaseModeSwitched = CaseEvent<
  'swc.case.mode-switched.v1',
  {
    readonly mode: CaseMode;
    readonly reason: string;
    readonly switchedBy: string;
    readonly switchedAt: string;
  }
>;
export type AssignmentMade = CaseEvent<
  'swc.case.assignment-made.v1',
  {
    readonly assignmentId: string;
    readonly agency: HandlingAgency;
    readonly role: AssignmentRole;
    readonly dueAt: string;
    readonly instructions?: string;
    readonly assignedBy: string;
    readonly assignedAt: string;
  }
>;
export type AssignmentRescheduled = CaseEvent<
  'swc.case.assignment-rescheduled.v1',
  {
    readonly assignmentId: string;
    readonly dueAt: string;
    readonly reason: string;
    readonly rescheduledAt: string;
  }
>;
interface HandoffData {
  readonly assignmentId: string;
  readonly agency: HandlingAgency;
  /** Who at the agency acted. */
  readonly by: string;
  /** The agency's own event this handoff was recorded from. */
  readonly sourceEventId: string;
  readonly at: string;
}
export type AssignmentAccepted = CaseEvent<'swc.case.assignment-accepted.v1', HandoffData>;
export type AssignmentDeclined = CaseEvent<
  'swc.case.assignment-declined.v1',
  HandoffData & { readonly reason: string }
>;
export type AssignmentReturned = CaseEvent<
  'swc.case.assignment-returned.v1',
  HandoffData & { readonly reason: string }
>;
export type ProgressReported = CaseEvent<
  'swc.case.progress-reported.v1',
  HandoffData & { readonly note: string }
>;
export type AssignmentCompleted = CaseEvent<
  'swc.case.assignment-completed.v1',
  HandoffData & { readonly outcome: string }
>;
export type AssignmentEscalated = CaseEvent<
  'swc.case.assignment-escalated.v1',
  {
    readonly assignmentId: string;
    readonly agency: HandlingAgency;
    readonly dueAt: string;
    readonly escalatedAt: string;
  }
>;
export type OutcomeVerified = CaseEvent<
  'swc.case.outcome-verified.v1',
  { readonly verifiedBy: string; readonly note: string; readonly verifiedAt: string }
>;
export type FeedbackRecorded = CaseEvent<
  'swc.case.feedback-recorded.v1',
  {
    /** 1 (very dissatisfied) to 5 (very satisfied). */
    readonly satisfaction: 1 | 2 | 3 | 4 | 5;
    readonly channel: 'phone' | 'visit' | 'online';
    readonly recordedBy: string;
    readonly recordedAt: string;
  }
>;
export type CaseClosed = CaseEvent<
  'swc.case.closed.v1',
  { readonly closedBy: string; readonly closedAt: string }
>;
export type CaseReopened = CaseEvent<
  'swc.case.reopened.v1',
  {
    readonly reason: string;
    /** The event that made reopening necessary (e.g. a decision revoked on appeal). */
    readonly causeEventId?: string;
    readonly reopenedBy: string;
    readonly reopenedAt: string;
  }
>;

export type SwcEvent =
  | CaseOpened
  | CaseTriaged
  | CaseRiskLevelChanged
  | CaseModeSwitched
  | AssignmentMade
  | AssignmentRescheduled
  | AssignmentAccepted
  | AssignmentDeclined
  | AssignmentReturned
  | ProgressReported
  | AssignmentCompleted
  | AssignmentEscalated
  | OutcomeVerified
  | FeedbackRecorded
  | CaseClosed
  | CaseReopened;

const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const principal = text(200);
const handlingAgencySchema = { enum: ['drc', 'street'] } as const;
export const caseAreaSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['street'],
  properties: gridRefSchema.properties,
} as const;

/** A case event's schema: `caseId` plus the given properties, all required unless optional. */
function caseEventSchema(
  type: SwcEvent['type'],
  title: string,
  description: string,
  properties: Record<string, object>,
  optional: readonly string[] = [],
) {
  return {
    $id: `https://gridline.example/schemas/${type}.json`,
    title,
    description,
    type: 'object',
    additionalProperties: false,
    required: ['caseId', ...Object.keys(properties).filter((p) => !optional.includes(p))],
    properties: { caseId: uuidSchema, ...properties },
  };
}

const handoff = {
  assignmentId: uuidSchema,
  agency: handlingAgencySchema,
  by: principal,
  sourceEventId: uuidSchema,
  at: isoTimeSchema,
};

export const swcEventSchemas = {
  'swc.case.opened.v1': caseEventSchema(
    'swc.case.opened.v1',
    'CaseOpened',
    'The Social Work Committee opened a coordinated case (from a street report, a DRC warning, or manually).',
    {
      origin: { enum: ['street-report', 'drc-warning', 'manual'] },
      originEventId: uuidSchema,
      category: text(64),
      location: caseAreaSchema,
      severity: severitySchema,
      riskLevel: riskLevelSchema,
      openedBy: principal,
      openedAt: isoTimeSchema,
    },
    ['originEventId', 'riskLevel', 'openedBy'],
  ),
  'swc.case.triaged.v1': caseEventSchema(
    'swc.case.triaged.v1',
    'CaseTriaged',
    'SWC set the risk level and category and chose the lead agency and co-handlers.',
    {
      riskLevel: riskLevelSchema,
      category: text(64),
      leadAgency: handlingAgencySchema,
      coHandlers: { type: 'array', items: handlingAgencySchema, uniqueItems: true },
      triagedBy: principal,
      triagedAt: isoTimeSchema,
    },
  ),
  'swc.case.risk-level-changed.v1': caseEventSchema(
    'swc.case.risk-level-changed.v1',
    'CaseRiskLevelChanged',
    'The risk level of a triaged case changed.',
    {
      from: riskLevelSchema,
      to: riskLevelSchema,
      reason: text(2000),
      changedBy: principal,
      changedAt: isoTimeSchema,
    },
  ),
  'swc.case.mode-switched.v1': caseEventSchema(
    'swc.case.mode-switched.v1',
    'CaseModeSwitched',
    'The case switched between routine and emergency handling (emergency: SWC leads, deadlines shorten).',
    {
      mode: { enum: ['routine', 'emergency'] },
      reason: text(2000),
      switchedBy: principal,
      switchedAt: isoTimeSchema,
    },
  ),
  'swc.case.assignment-made.v1': caseEventSchema(
    'swc.case.assignment-made.v1',
    'AssignmentMade',
    'SWC assigned the case to an agency as lead or co-handler, due by the SLA of its risk level and mode.',
    {
      assignmentId: uuidSchema,
      agency: handlingAgencySchema,
      role: { enum: ['lead', 'co-handler'] },
      dueAt: isoTimeSchema,
      instructions: text(2000),
      assignedBy: principal,
      assignedAt: isoTimeSchema,
    },
    ['instructions'],
  ),
  'swc.case.assignment-rescheduled.v1': caseEventSchema(
    'swc.case.assignment-rescheduled.v1',
    'AssignmentRescheduled',
    "An open assignment got a new due time (the case's mode or risk level changed).",
    {
      assignmentId: uuidSchema,
      dueAt: isoTimeSchema,
      reason: text(2000),
      rescheduledAt: isoTimeSchema,
    },
  ),
  'swc.case.assignment-accepted.v1': caseEventSchema(
    'swc.case.assignment-accepted.v1',
    'AssignmentAccepted',
    'The assigned agency accepted the assignment (recorded from its own event).',
    handoff,
  ),
  'swc.case.assignment-declined.v1': caseEventSchema(
    'swc.case.assignment-declined.v1',
    'AssignmentDeclined',
    'The assigned agency declined the assignment, with its reason.',
    { ...handoff, reason: text(2000) },
  ),
  'swc.case.assignment-returned.v1': caseEventSchema(
    'swc.case.assignment-returned.v1',
    'AssignmentReturned',
    'The agency handed an accepted assignment back, with its reason.',
    { ...handoff, reason: text(2000) },
  ),
  'swc.case.progress-reported.v1': caseEventSchema(
    'swc.case.progress-reported.v1',
    'ProgressReported',
    'An agency reported progress on its assignment.',
    { ...handoff, note: text(2000) },
  ),
  'swc.case.assignment-completed.v1': caseEventSchema(
    'swc.case.assignment-completed.v1',
    'AssignmentCompleted',
    'An agency completed its assignment, with the outcome.',
    { ...handoff, outcome: text(2000) },
  ),
  'swc.case.assignment-escalated.v1': caseEventSchema(
    'swc.case.assignment-escalated.v1',
    'AssignmentEscalated',
    'An assignment passed its due time while still open and was escalated.',
    {
      assignmentId: uuidSchema,
      agency: handlingAgencySchema,
      dueAt: isoTimeSchema,
      escalatedAt: isoTimeSchema,
    },
  ),
  'swc.case.outcome-verified.v1': caseEventSchema(
    'swc.case.outcome-verified.v1',
    'OutcomeVerified',
    'SWC verified the outcome after every assignment was completed.',
    { verifiedBy: principal, note: text(2000), verifiedAt: isoTimeSchema },
  ),
  'swc.case.feedback-recorded.v1': caseEventSchema(
    'swc.case.feedback-recorded.v1',
    'FeedbackRecorded',
    "The resident's satisfaction with the outcome (1 to 5).",
    {
      satisfaction: { type: 'integer', minimum: 1, maximum: 5 },
      channel: { enum: ['phone', 'visit', 'online'] },
      recordedBy: principal,
      recordedAt: isoTimeSchema,
    },
  ),
  'swc.case.closed.v1': caseEventSchema(
    'swc.case.closed.v1',
    'CaseClosed',
    'SWC closed the case after its outcome was verified.',
    { closedBy: principal, closedAt: isoTimeSchema },
  ),
  'swc.case.reopened.v1': caseEventSchema(
    'swc.case.reopened.v1',
    'CaseReopened',
    'A closed case was reopened (e.g. a decision in it was revoked on appeal).',
    {
      reason: text(2000),
      causeEventId: uuidSchema,
      reopenedBy: principal,
      reopenedAt: isoTimeSchema,
    },
    ['causeEventId'],
  ),
} as const satisfies Record<SwcEvent['type'], object>;
