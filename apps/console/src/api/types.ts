// The gateway's response shapes, as the console uses them: taken from the types
// openapi-typescript generated from the gateway's OpenAPI document
// (./openapi/gateway.d.ts, `npm run api:client`), which the route declarations'
// `response` schemas write. A change of a response's shape changes these, and
// `npm run typecheck` finds every use that no longer fits. The console does not
// import server code.
import type { GridGeometry } from '../lib/map-geometry';
import type { paths as GatewayPaths } from './openapi/gateway';

type SuccessStatus = 200 | 201 | 202;
/** The JSON body of an operation's success answer. */
export type SuccessBody<Operation> = Operation extends { readonly responses: infer R }
  ? {
      [S in keyof R & SuccessStatus]: R[S] extends {
        readonly content: { readonly 'application/json': infer B };
      }
        ? B
        : never;
    }[keyof R & SuccessStatus]
  : never;

/** What GET <path> of the gateway answers. */
export type GatewayGet<P extends keyof GatewayPaths> = GatewayPaths[P] extends {
  readonly get: infer O;
}
  ? SuccessBody<O>
  : never;

export type Agency = CaseView['agencies'][number];
export const AGENCIES: readonly Agency[] = ['swc', 'drc', 'street'];
export type RiskLevel = NonNullable<CaseView['riskLevel']>;
export const RISK_LEVELS: readonly RiskLevel[] = ['blue', 'yellow', 'orange', 'red'];
export type CaseMode = NonNullable<CaseView['mode']>;
export type CaseStatus = CaseView['status'];
export type SlaState = Assignment['sla'];
export type Role =
  | 'grid-worker'
  | 'officer'
  | 'legal-reviewer'
  | 'coordinator'
  | 'analyst'
  | 'admin'
  | 'service'
  | 'reporting-app';

/** GET /api/cases items and GET /api/cases/:id. */
export type CaseView = GatewayGet<'/api/cases/{caseId}'>;
export type CaseArea = NonNullable<CaseView['location']>;
export type Assignment = CaseView['assignments'][number];

export interface PageOf<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/** GET /api/cases/:id/timeline. */
export type Timeline = GatewayGet<'/api/cases/{caseId}/timeline'>;
/** One entry of the timeline, and of the live stream. */
export type TimelineEntry = Timeline['entries'][number];
export type TimelinePosition = TimelineEntry['position'];

// --- time travel (libs/history) ---

export type CaseAsOf = GatewayGet<'/api/cases/{caseId}/as-of'>;
export type CaseHistoryView = CaseAsOf['case'];
export type HistoryAssignment = CaseHistoryView['assignments'][number];
export type HistoryDecision = CaseHistoryView['decisions'][number];
export type CaseDiff = GatewayGet<'/api/cases/{caseId}/diff'>;
export type FieldChange = CaseDiff['changes'][number];
export type HistoryEntry = CaseDiff['events'][number];

// --- statistics ---

export type Ratio721 = GatewayGet<'/api/stats/721'>;
export type RatioFigures = Ratio721['totals'];
export type Shares = RatioFigures['shares'];
export type ResponseTimes = GatewayGet<'/api/stats/response-times'>;
export type DurationView = ResponseTimes['totals']['firstResponse'];
export type SlaStats = GatewayGet<'/api/stats/sla'>;
export type SlaFigures = SlaStats['totals'];

export interface StatsQuery {
  readonly from?: string;
  readonly to?: string;
  readonly asOf?: string;
}

// --- operations ---

export type RebuildsView = GatewayGet<'/api/admin/rebuilds'>;
export type RebuildStatus = NonNullable<RebuildsView['rebuild']>;
export type DeadLetters = GatewayGet<'/api/admin/dead-letters'>;

// --- my work ---

export type MyWork = GatewayGet<'/api/my-work'>;
export type WorkItem = MyWork['items'][number];

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
  /** The file is in the evidence store: custodians may open it. */
  readonly file?: { readonly contentType: string; readonly size: number };
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
