import type {
  Actor,
  Agency,
  AssignmentRole,
  CaseArea,
  CaseMode,
  CaseOrigin,
  HandlingAgency,
  PenaltyCircumstance,
  RiskLevel,
} from '@gridline/contracts';
import type { Collection, Db } from 'mongodb';
import type { WorkItemDocument } from './work-items.js';

export interface TimelineEntry {
  readonly _id: string;
  readonly caseId: string;
  readonly agency: Agency;
  readonly type: string;
  readonly time: string;
  readonly actor: Actor;
  readonly summary: string;
  readonly causationId: string;
  readonly correlationId: string;
  readonly streamId: string;
  readonly revision: number;
  /** Global log position, split for sorting (numbers: exact below 2^53). */
  readonly position: { readonly commit: number; readonly prepare: number };
  /** When the projector wrote the entry (ms since epoch; the latency bench splits at it). */
  readonly projectedAt?: number;
  /** Digests of the evidence the event records (full-process record), when it has any. */
  readonly evidence?: readonly EvidenceDigest[];
}

/** One piece of evidence as the timeline shows it: what, when, and the file's SHA-256. */
export interface EvidenceDigest {
  readonly evidenceId: string;
  readonly kind: string;
  readonly sha256: string;
  readonly capturedAt: string;
  /** The file is in the evidence store (custodians download it from the street service). */
  readonly file?: { readonly contentType: string; readonly size: number };
}

export type AssignmentStatus = 'pending' | 'accepted' | 'declined' | 'returned' | 'completed';

export interface AssignmentDocument {
  readonly assignmentId: string;
  readonly agency: HandlingAgency;
  readonly role: AssignmentRole;
  readonly status: AssignmentStatus;
  readonly assignedAt: string;
  readonly dueAt: string;
  readonly escalated: boolean;
  readonly acceptedAt?: string;
  readonly completedAt?: string;
  /** When a declined or returned assignment left the agency. */
  readonly endedAt?: string;
}

export type CaseStatus = 'reported' | 'open' | 'closed';

export interface CaseDocument {
  readonly _id: string;
  readonly caseId: string;
  readonly status: CaseStatus;
  readonly origin?: CaseOrigin;
  readonly category?: string;
  readonly severity?: string;
  readonly riskLevel?: RiskLevel;
  readonly mode?: CaseMode;
  readonly location?: CaseArea;
  readonly leadAgency?: HandlingAgency;
  readonly coHandlers?: HandlingAgency[];
  /** Every agency that takes part: wrote an event on the case or holds an assignment. */
  readonly agencies: Agency[];
  readonly assignments?: AssignmentDocument[];
  /** Earliest due time among open (pending or accepted) assignments; null when none. */
  readonly nextDueAt?: string | null;
  readonly reportedAt?: string;
  readonly openedAt?: string;
  /** Start of the current open period (opening, or the latest reopening). */
  readonly openSince?: string;
  readonly firstResponseAt?: string;
  readonly verifiedAt?: string;
  readonly closedAt?: string | null;
  readonly reopenCount?: number;
  readonly satisfaction?: number;
  readonly lastEventAt: string;
  /** Last revision applied per source stream: keeps updates idempotent and ordered. */
  readonly streams: Record<string, number>;
}

/** Sum, count and maximum of durations, so averages are exact. */
export interface DurationFigures {
  readonly count: number;
  readonly sumMs: number;
  readonly maxMs: number;
}

/** Per street and calendar month (UTC): the 721 mix, repeat violations, response times. */
export interface StreetMonthStats {
  readonly _id: string;
  readonly street: string;
  readonly month: string;
  readonly service?: number;
  readonly management?: number;
  readonly enforcement?: number;
  /** 721 steps on a subject that had another step in the 12 months before. */
  readonly repeats?: number;
  readonly firstResponse?: DurationFigures;
  readonly closure?: DurationFigures;
  /** Markers of the updates already counted: the exactly-once guard. */
  readonly applied: string[];
}

/** Per handling agency and calendar month (UTC): SLA compliance of assignments. */
export interface AgencyMonthStats {
  readonly _id: string;
  readonly agency: string;
  readonly month: string;
  readonly completedOnTime?: number;
  readonly completedLate?: number;
  readonly escalated?: number;
  readonly applied: string[];
}

/** Every 721 step on one enforcement subject (pseudonymous id only): repeat detection. */
export interface SubjectStepsDocument {
  readonly _id: string;
  readonly steps: { readonly eventId: string; readonly time: string; readonly bucket: string }[];
  /** Set when the subject was erased on request. */
  readonly erasedAt?: string;
}

/** Internal: what a penalty decision is about, from its proposal (never served). */
export interface DecisionRefDocument {
  readonly _id: string;
  readonly caseId: string;
  readonly subjectId: string;
  readonly category: string;
  readonly street: string;
}

/** One published penalty decision: masked, no subject id, no case id. */
export interface PublicityDocument {
  readonly _id: string;
  readonly subjectLabel: string;
  readonly category: string;
  readonly street: string;
  readonly amountYuan: number;
  readonly circumstance: PenaltyCircumstance;
  readonly additionalMeasure?: string;
  readonly standardVersion: number;
  readonly issuedAt: string;
  readonly publishedAt: string;
  readonly retracted: boolean;
  readonly retractedAt?: string;
}

export interface ReadModelCollections {
  readonly cases: Collection<CaseDocument>;
  readonly timeline: Collection<TimelineEntry>;
  readonly streetStats: Collection<StreetMonthStats>;
  readonly agencyStats: Collection<AgencyMonthStats>;
  readonly subjectSteps: Collection<SubjectStepsDocument>;
  readonly decisions: Collection<DecisionRefDocument>;
  readonly publicity: Collection<PublicityDocument>;
  /** What waits on whom ("My work"): work-items.ts. */
  readonly workItems: Collection<WorkItemDocument>;
}

const BASE_NAMES = {
  cases: 'cases',
  timeline: 'timeline',
  streetStats: 'stats_street_month',
  agencyStats: 'stats_agency_month',
  subjectSteps: 'enforcement_subject_steps',
  decisions: 'decision_refs',
  publicity: 'publicity',
  workItems: 'work_items',
} as const satisfies Record<keyof ReadModelCollections, string>;

/**
 * The one list of read-model collections. A suffix (`_v2`) names a parallel
 * set, which a rebuild fills before readers switch to it.
 */
export function readModelCollectionNames(
  suffix = '',
): Readonly<Record<keyof ReadModelCollections, string>> {
  const names = {} as Record<keyof ReadModelCollections, string>;
  for (const [key, base] of Object.entries(BASE_NAMES))
    names[key as keyof ReadModelCollections] = `${base}${suffix}`;
  return names;
}

export function readModelCollections(db: Db, suffix = ''): ReadModelCollections {
  const n = readModelCollectionNames(suffix);
  return {
    cases: db.collection<CaseDocument>(n.cases),
    timeline: db.collection<TimelineEntry>(n.timeline),
    streetStats: db.collection<StreetMonthStats>(n.streetStats),
    agencyStats: db.collection<AgencyMonthStats>(n.agencyStats),
    subjectSteps: db.collection<SubjectStepsDocument>(n.subjectSteps),
    decisions: db.collection<DecisionRefDocument>(n.decisions),
    publicity: db.collection<PublicityDocument>(n.publicity),
    workItems: db.collection<WorkItemDocument>(n.workItems),
  };
}

export async function ensureReadModelIndexes(collections: ReadModelCollections): Promise<void> {
  const { timeline, cases, streetStats, agencyStats, publicity, workItems } = collections;
  await timeline.createIndex({ caseId: 1, 'position.commit': 1, 'position.prepare': 1 });
  await timeline.createIndex({ 'position.commit': 1, 'position.prepare': 1 });
  await cases.createIndex({ lastEventAt: -1, _id: -1 });
  await cases.createIndex({ status: 1, lastEventAt: -1 });
  await cases.createIndex({ 'location.street': 1, lastEventAt: -1 });
  await cases.createIndex({ agencies: 1, lastEventAt: -1 });
  await cases.createIndex({ nextDueAt: 1 });
  await streetStats.createIndex({ month: 1, street: 1 });
  await agencyStats.createIndex({ month: 1, agency: 1 });
  await publicity.createIndex({ publishedAt: -1, _id: -1 });
  // One person's work: equality on one top-level field each (FerretDB reads its GIN twin).
  await workItems.createIndex({ queue: 1 });
  await workItems.createIndex({ principal: 1 });
}

/** Drops every collection of a suffix (an abandoned or replaced rebuild, a test run). */
export async function dropReadModelCollections(db: Db, suffix = ''): Promise<void> {
  for (const name of Object.values(readModelCollectionNames(suffix)))
    await db
      .collection(name)
      .drop()
      .catch(() => undefined);
}
