// One function per gateway endpoint the console uses (apps/gateway/src), through
// the client openapi-fetch makes from the gateway's generated paths
// (./openapi/gateway.d.ts, `npm run api:client`): paths, parameters and answers
// are checked against the gateway's OpenAPI document when the console compiles.
import createClient from 'openapi-fetch';
import { authorisedFetch, getJson, type RequestOptions } from './client';
import type { paths } from './openapi/gateway';
import type {
  CaseFilters,
  GatewayGet,
  GridFeatureCollection,
  RebuildStatus,
  StatsQuery,
} from './types';

export type { MyWork, WorkItem } from './types';

type Opts = Pick<RequestOptions, 'signal'>;

const gateway = createClient<paths>({ fetch: authorisedFetch() });

/**
 * The answer's body as the generated type of that path's success answer
 * (openapi-fetch's own `data` type does not keep readonly arrays, so the path's
 * type from ./types is named); refusals were thrown by authorisedFetch already.
 */
async function dataOf<P extends keyof paths>(
  _path: P,
  call: Promise<{ data?: unknown; error?: unknown }>,
): Promise<GatewayGet<P>> {
  const { data } = await call;
  return data as GatewayGet<P>;
}

/** Empty values are left out of the query, as the hand-written client did. */
function present<Q extends Record<string, string | undefined>>(query: Q): Q {
  return Object.fromEntries(
    Object.entries(query).filter(([, value]) => value !== undefined && value !== ''),
  ) as Q;
}

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
  return dataOf(
    '/api/cases',
    gateway.GET('/api/cases', {
      params: { query: present({ ...rest, ...(limit ? { limit: String(limit) } : {}) }) },
      fetch: authorisedFetch(options),
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  );
}

/** GET /api/cases/:id: the case with its assignments' SLA state now. */
export function getCase(caseId: string, options: Opts = {}) {
  return dataOf(
    '/api/cases/{caseId}',
    gateway.GET('/api/cases/{caseId}', { params: { path: { caseId } }, ...options }),
  );
}

/** GET /api/cases/:id/timeline: every agency's entries in global log order, with causation. */
export function getTimeline(caseId: string, options: Opts = {}) {
  return dataOf(
    '/api/cases/{caseId}/timeline',
    gateway.GET('/api/cases/{caseId}/timeline', { params: { path: { caseId } }, ...options }),
  );
}

/** GET /api/cases/:id/as-of?at=: the case folded from the events that occurred by then. */
export function getCaseAsOf(caseId: string, at: string, options: Opts = {}) {
  return dataOf(
    '/api/cases/{caseId}/as-of',
    gateway.GET('/api/cases/{caseId}/as-of', {
      params: { path: { caseId }, query: { at } },
      ...options,
    }),
  );
}

/** GET /api/cases/:id/diff?from=&to=: field changes and the events in between. */
export function getCaseDiff(caseId: string, from: string, to: string, options: Opts = {}) {
  return dataOf(
    '/api/cases/{caseId}/diff',
    gateway.GET('/api/cases/{caseId}/diff', {
      params: { path: { caseId }, query: { from, to } },
      ...options,
    }),
  );
}

const statsQuery = (q: StatsQuery) => present({ from: q.from, to: q.to, asOf: q.asOf });

/** GET /api/stats/721: the 721 mix per street and month. */
export function getRatio721(query: StatsQuery = {}, options: Opts = {}) {
  return dataOf(
    '/api/stats/721',
    gateway.GET('/api/stats/721', { params: { query: statsQuery(query) }, ...options }),
  );
}

/** GET /api/stats/sla: SLA compliance per handling agency and month. */
export function getSlaStats(query: StatsQuery = {}, options: Opts = {}) {
  return dataOf(
    '/api/stats/sla',
    gateway.GET('/api/stats/sla', { params: { query: statsQuery(query) }, ...options }),
  );
}

/** GET /api/stats/response-times: time to first response and to closure per street and month. */
export function getResponseTimes(query: StatsQuery = {}, options: Opts = {}) {
  return dataOf(
    '/api/stats/response-times',
    gateway.GET('/api/stats/response-times', { params: { query: statsQuery(query) }, ...options }),
  );
}

/** GET /api/admin/rebuilds: the live read-model set and the latest rebuild. */
export function getRebuilds(options: Opts = {}) {
  return dataOf('/api/admin/rebuilds', gateway.GET('/api/admin/rebuilds', options));
}

/** POST /api/admin/rebuilds: 202 requested; 409 (ApiError) when one runs already. */
export async function startRebuild(options: Opts = {}): Promise<RebuildStatus> {
  const { data } = await gateway.POST('/api/admin/rebuilds', { body: {}, ...options });
  return data as RebuildStatus;
}

/** GET /api/admin/dead-letters: messages waiting per dead-letter topic. */
export function getDeadLetters(options: Opts = {}) {
  return dataOf('/api/admin/dead-letters', gateway.GET('/api/admin/dead-letters', options));
}

/** GET /api/my-work: what waits on you, soonest due first, with counts per kind. */
export function getMyWork(options: Opts = {}) {
  return dataOf('/api/my-work', gateway.GET('/api/my-work', options));
}

/** GET /api/agencies/street/grids: the street offices' grid map (GeoJSON), for the board's map. */
export function getGrids(options: Opts = {}) {
  return getJson<GridFeatureCollection>('/api/agencies/street/grids', options);
}
