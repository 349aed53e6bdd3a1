// One function per gateway endpoint the console uses (apps/gateway/src).
import { getJson, request, type RequestOptions } from './client';
import type {
  CaseAsOf,
  CaseDiff,
  CaseFilters,
  CaseView,
  DeadLetters,
  GridFeatureCollection,
  PageOf,
  Ratio721,
  RebuildStatus,
  RebuildsView,
  ResponseTimes,
  SlaStats,
  StatsQuery,
  Timeline,
} from './types';

type Opts = Pick<RequestOptions, 'signal'>;

export interface ListCasesQuery extends CaseFilters {
  readonly cursor?: string;
  readonly limit?: number;
  /** The list as it stood at this time (ISO-8601). */
  readonly asOf?: string;
}

/** GET /api/cases: newest activity first, cursor pages. */
export function listCases(
  query: ListCasesQuery,
  options: Opts & Pick<RequestOptions, 'token' | 'quiet401'> = {},
) {
  const { limit, ...rest } = query;
  return getJson<PageOf<CaseView>>('/api/cases', {
    ...options,
    query: { ...rest, ...(limit ? { limit: String(limit) } : {}) },
  });
}

/** GET /api/cases/:id: the case with its assignments' SLA state now. */
export function getCase(caseId: string, options: Opts = {}) {
  return getJson<CaseView>(`/api/cases/${encodeURIComponent(caseId)}`, options);
}

/** GET /api/cases/:id/timeline: every agency's entries in global log order, with causation. */
export function getTimeline(caseId: string, options: Opts = {}) {
  return getJson<Timeline>(`/api/cases/${encodeURIComponent(caseId)}/timeline`, options);
}

/** GET /api/cases/:id/as-of?at=: the case folded from the events that occurred by then. */
export function getCaseAsOf(caseId: string, at: string, options: Opts = {}) {
  return getJson<CaseAsOf>(`/api/cases/${encodeURIComponent(caseId)}/as-of`, {
    ...options,
    query: { at },
  });
}

/** GET /api/cases/:id/diff?from=&to=: field changes and the events in between. */
export function getCaseDiff(caseId: string, from: string, to: string, options: Opts = {}) {
  return getJson<CaseDiff>(`/api/cases/${encodeURIComponent(caseId)}/diff`, {
    ...options,
    query: { from, to },
  });
}

const statsQuery = (q: StatsQuery) => ({ from: q.from, to: q.to, asOf: q.asOf });

/** GET /api/stats/721: the 721 mix per street and month. */
export function getRatio721(query: StatsQuery = {}, options: Opts = {}) {
  return getJson<Ratio721>('/api/stats/721', { ...options, query: statsQuery(query) });
}

/** GET /api/stats/sla: SLA compliance per handling agency and month. */
export function getSlaStats(query: StatsQuery = {}, options: Opts = {}) {
  return getJson<SlaStats>('/api/stats/sla', { ...options, query: statsQuery(query) });
}

/** GET /api/stats/response-times: time to first response and to closure per street and month. */
export function getResponseTimes(query: StatsQuery = {}, options: Opts = {}) {
  return getJson<ResponseTimes>('/api/stats/response-times', {
    ...options,
    query: statsQuery(query),
  });
}

/** GET /api/admin/rebuilds: the live read-model set and the latest rebuild. */
export function getRebuilds(options: Opts = {}) {
  return getJson<RebuildsView>('/api/admin/rebuilds', options);
}

/** POST /api/admin/rebuilds: 202 requested; 409 (ApiError) when one runs already. */
export async function startRebuild(options: Opts = {}): Promise<RebuildStatus> {
  const response = await request('/api/admin/rebuilds', { ...options, method: 'POST' });
  return (await response.json()) as RebuildStatus;
}

/** GET /api/admin/dead-letters: messages waiting per dead-letter topic. */
export function getDeadLetters(options: Opts = {}) {
  return getJson<DeadLetters>('/api/admin/dead-letters', options);
}

/** One piece of work waiting on the signed-in person (GET /api/my-work). */
export interface WorkItem {
  readonly id: string;
  readonly kind: string;
  readonly caseId: string;
  readonly agency: string;
  readonly queue: string | null;
  readonly personal: boolean;
  readonly assignmentId?: string;
  readonly decisionId?: string;
  readonly warningId?: string;
  readonly projectId?: string;
  readonly label: string;
  readonly since: string;
  readonly dueAt: string | null;
  readonly sla: 'on-time' | 'due-soon' | 'overdue' | null;
  readonly escalated: boolean;
}

export interface MyWork {
  readonly at: string;
  readonly items: readonly WorkItem[];
  readonly counts: Readonly<Record<string, number>>;
  readonly total: number;
}

/** GET /api/my-work: what waits on you, soonest due first, with counts per kind. */
export function getMyWork(options: Opts = {}) {
  return getJson<MyWork>('/api/my-work', options);
}

/** GET /api/agencies/street/grids: the street offices' grid map (GeoJSON), for the board's map. */
export function getGrids(options: Opts = {}) {
  return getJson<GridFeatureCollection>('/api/agencies/street/grids', options);
}
