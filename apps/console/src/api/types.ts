// The gateway's response shapes, as the console uses them. They mirror
// libs/read-models/src/queries.ts, statistics.queries.ts, libs/history and
// apps/gateway/src/admin; the console does not import server code.
import type { GridGeometry } from '../lib/map-geometry';

export type Agency = 'swc' | 'drc' | 'street';
export const AGENCIES: readonly Agency[] = ['swc', 'drc', 'street'];
export type RiskLevel = 'blue' | 'yellow' | 'orange' | 'red';
export const RISK_LEVELS: readonly RiskLevel[] = ['blue', 'yellow', 'orange', 'red'];
export type CaseMode = 'routine' | 'emergency';
export type CaseStatus = 'reported' | 'open' | 'closed';
export type SlaState = 'on-time' | 'due-soon' | 'overdue' | 'met' | 'missed' | 'released';
export type Role =
  | 'grid-worker'
  | 'officer'
  | 'legal-reviewer'
  | 'coordinator'
  | 'analyst'
  | 'admin'
  | 'service'
  | 'reporting-app';

export interface CaseArea {
  readonly street: string;
  readonly community?: string;
  readonly grid?: string;
}

export interface Assignment {
  readonly assignmentId: string;
  readonly agency: 'drc' | 'street';
  readonly role: 'lead' | 'co-handler';
  readonly status: 'pending' | 'accepted' | 'declined' | 'returned' | 'completed';
  readonly assignedAt: string;
  readonly dueAt: string;
  readonly escalated: boolean;
  readonly acceptedAt?: string;
  readonly completedAt?: string;
  readonly endedAt?: string;
  readonly sla: SlaState;
}

/** GET /api/cases items and GET /api/cases/:id. */
export interface CaseView {
  readonly caseId: string;
  readonly status: CaseStatus;
  readonly origin?: 'street-report' | 'drc-warning' | 'manual';
  readonly category?: string;
  readonly severity?: string;
  readonly riskLevel?: RiskLevel;
  readonly mode?: CaseMode;
  readonly location?: CaseArea;
  readonly leadAgency?: 'drc' | 'street';
  readonly coHandlers?: string[];
  readonly agencies: Agency[];
  readonly participatingAgencies: Agency[];
  readonly assignments: Assignment[];
  readonly nextDueAt?: string | null;
  readonly reportedAt?: string;
  readonly openedAt?: string;
  readonly openSince?: string;
  readonly firstResponseAt?: string;
  readonly verifiedAt?: string;
  readonly closedAt?: string | null;
  readonly reopenCount?: number;
  readonly satisfaction?: number;
  readonly lastEventAt: string;
}

export interface PageOf<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export interface TimelinePosition {
  readonly commit: number;
  readonly prepare: number;
}

/** One entry of GET /api/cases/:id/timeline, and of the live stream. */
export interface TimelineEntry {
  readonly eventId: string;
  readonly caseId: string;
  readonly agency: Agency;
  readonly type: string;
  /** When the event occurred (ISO-8601). */
  readonly time: string;
  readonly actor: { readonly id: string; readonly agency: Agency; readonly kind: string };
  readonly summary: string;
  readonly causationId: string;
  readonly correlationId: string;
  readonly streamId: string;
  readonly revision: number;
  readonly position: TimelinePosition;
  readonly causedBy?: string;
  readonly causes: string[];
  /** Digests of the evidence the event records (warnings, penalties, evidence steps). */
  readonly evidence?: readonly {
    readonly evidenceId: string;
    readonly kind: string;
    readonly sha256: string;
    readonly capturedAt: string;
  }[];
}

export interface Timeline {
  readonly caseId: string;
  readonly entries: TimelineEntry[];
}

// --- time travel (libs/history) ---

export interface HistoryAssignment {
  readonly assignmentId: string;
  readonly agency: 'drc' | 'street';
  readonly role: 'lead' | 'co-handler';
  readonly status: 'assigned' | 'accepted' | 'declined' | 'returned' | 'completed';
  readonly assignedAt: string;
  readonly dueAt: string;
  readonly escalated: boolean;
  readonly lastNote?: string;
}

export interface HistoryDecision {
  readonly decisionId: string;
  readonly subjectId: string;
  readonly category: string;
  readonly status: 'proposed' | 'review-requested' | 'approved' | 'returned' | 'issued' | 'revoked';
  readonly draft: number;
  readonly amountYuan: number;
  readonly major: boolean;
  readonly published: boolean;
  readonly appeal?: 'filed' | 'upheld' | 'changed' | 'revoked';
}

export interface CaseHistoryView {
  readonly caseId: string;
  readonly status: 'reported' | 'open' | 'triaged' | 'verified' | 'closed' | 'reopened';
  readonly origin?: string;
  readonly category?: string;
  readonly severity?: string;
  readonly location?: CaseArea;
  readonly riskLevel?: RiskLevel;
  readonly mode: CaseMode;
  readonly leadAgency?: 'drc' | 'street';
  readonly coHandlers: readonly string[];
  readonly agencies: readonly Agency[];
  readonly assignments: readonly HistoryAssignment[];
  readonly verified: boolean;
  readonly satisfaction?: number;
  readonly closedAt?: string;
  readonly reopenCount: number;
  readonly enforcementSteps: readonly {
    readonly stepId: string;
    readonly kind: 'reminder' | 'warning';
    readonly issuedAt: string;
    readonly evidenceCount: number;
  }[];
  readonly decisions: readonly HistoryDecision[];
  readonly eventCount: number;
  readonly firstEventAt: string;
  readonly lastEventAt: string;
  readonly lastEventId: string;
}

export interface CaseAsOf {
  readonly caseId: string;
  readonly at: string;
  readonly case: CaseHistoryView;
}

export interface FieldChange {
  readonly path: string;
  readonly from?: unknown;
  readonly to?: unknown;
}

export interface HistoryEntry {
  readonly id: string;
  readonly type: string;
  readonly agency: Agency;
  readonly occurredAt: string;
  readonly actor: { readonly id: string; readonly agency: string; readonly kind: string };
  readonly causationId: string;
  readonly summary: string;
}

export interface CaseDiff {
  readonly caseId: string;
  readonly from: string;
  readonly to: string;
  readonly existedAtFrom: boolean;
  readonly changes: FieldChange[];
  readonly events: HistoryEntry[];
}

// --- statistics ---

export interface Shares {
  readonly service: number | null;
  readonly management: number | null;
  readonly enforcement: number | null;
}

export interface RatioFigures {
  readonly service: number;
  readonly management: number;
  readonly enforcement: number;
  readonly steps: number;
  readonly shares: Shares;
  readonly repeats: number;
  readonly repeatRate: number | null;
}

export interface Ratio721 {
  readonly rows: (RatioFigures & { readonly street: string; readonly month: string })[];
  readonly totals: RatioFigures;
}

export interface DurationView {
  readonly count: number;
  readonly sumMs: number;
  readonly maxMs: number;
  readonly averageMs: number | null;
}

export interface ResponseTimes {
  readonly rows: {
    readonly street: string;
    readonly month: string;
    readonly firstResponse: DurationView;
    readonly closure: DurationView;
  }[];
  readonly totals: { readonly firstResponse: DurationView; readonly closure: DurationView };
}

export interface SlaFigures {
  readonly completedOnTime: number;
  readonly completedLate: number;
  readonly escalated: number;
  readonly compliance: number | null;
}

export interface SlaStats {
  readonly rows: (SlaFigures & { readonly agency: string; readonly month: string })[];
  readonly totals: SlaFigures;
}

export interface StatsQuery {
  readonly from?: string;
  readonly to?: string;
  readonly asOf?: string;
}

// --- operations ---

export interface RebuildStatus {
  readonly state: 'requested' | 'running' | 'completed' | 'failed';
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly owner?: string;
  readonly suffix?: string;
  readonly previous?: string;
  readonly startedAt?: string;
  readonly processed?: number;
  readonly total?: number;
  readonly eventsPerSecond?: number;
  readonly etaSeconds?: number;
  readonly finishedAt?: string;
  readonly error?: string;
  readonly liveWrites?: boolean;
  readonly updatedAt?: string;
}

export interface RebuildsView {
  readonly live: string;
  readonly rebuild: RebuildStatus | null;
}

export interface DeadLetters {
  readonly topics: { readonly topic: string; readonly messages: number }[];
}

/** The case list's filters, as the query string carries them. */
export interface CaseFilters {
  readonly status?: CaseStatus;
  readonly street?: string;
  readonly grid?: string;
  readonly agency?: Agency;
  readonly riskLevel?: RiskLevel;
  readonly mode?: CaseMode;
  readonly overdue?: 'true' | 'false';
}

export const FILTER_KEYS = [
  'status',
  'street',
  'grid',
  'agency',
  'riskLevel',
  'mode',
  'overdue',
] as const satisfies readonly (keyof CaseFilters)[];

/** A piece of evidence from the full-process record (the case's audited export). */
export interface EvidenceItem {
  readonly eventId: string;
  readonly occurredAt: string;
  readonly evidenceId: string;
  readonly kind: string;
  readonly sha256: string;
  readonly capturedAt: string;
}

// --- the grid map (street-service GET /api/grids, through /api/agencies/street/grids) ---

/** One grid as a GeoJSON Feature (RFC 7946): its code as the id, [lon, lat] rings. */
export interface GridFeature {
  readonly type: 'Feature';
  readonly id: string;
  readonly properties: {
    readonly street: string;
    readonly community: string;
    readonly grid: string;
  };
  readonly geometry: GridGeometry;
}

export interface GridFeatureCollection {
  readonly type: 'FeatureCollection';
  readonly features: readonly GridFeature[];
}
