// The console's commands: `send(agency, path, body)` is a POST to the gateway's
// `/api/agencies/<agency>/api-path`, which forwards it to that agency's service
// (apps/gateway/src/agencies/agency-proxy.ts). The service authenticates,
// authorises and decides; the console only asks. Each submission carries an
// Idempotency-Key the caller keeps while it retries the same submission
// (lib/useCommand.ts), so a retry after a lost answer records once. A refusal
// becomes a CommandRefused with the refusal as data (the words are the
// console's own, i18n/refusals.ts), never the server's text.
import createClient from 'openapi-fetch';
import { reportUnauthorized, withQuery } from './client';
import { accessToken } from './oidc';
import type { paths as StreetPaths } from './openapi/street-service';
import type { paths as SwcPaths } from './openapi/swc-service';
import type { SuccessBody } from './types';

export type AgencyCode = 'swc' | 'drc' | 'street';

export interface FieldProblem {
  /** The body's field as a JSON pointer-ish path (`location/grid`), or '' for the body itself. */
  readonly field: string;
  readonly message: string;
}

/** Why a command was not recorded. */
export type Refusal =
  /** 400: the body does not fit the command's schema; `problems` names each field. */
  | { readonly kind: 'invalid'; readonly problems: readonly FieldProblem[] }
  /** 422: a domain rule refused it (the decider's DomainError code and details). */
  | {
      readonly kind: 'rule';
      readonly code: string;
      readonly details: Readonly<Record<string, unknown>>;
    }
  /** 409: the case (or issue) changed since the form was filled in. */
  | { readonly kind: 'conflict' }
  | { readonly kind: 'forbidden' }
  /** 401: the session ended; the console signs out (with the provider's or gateway's words). */
  | { readonly kind: 'unauthorized'; readonly reason: string }
  | { readonly kind: 'not-found' }
  /** The service did not answer, or failed (5xx, network): retrying the same submission is safe. */
  | { readonly kind: 'unavailable'; readonly status: number };

export class CommandRefused extends Error {
  constructor(readonly refusal: Refusal) {
    super(`command refused: ${refusal.kind}${refusal.kind === 'rule' ? ` (${refusal.code})` : ''}`);
    this.name = 'CommandRefused';
  }
}

/** A refusal after which sending the very same submission again may succeed. */
export const retryable = (refusal: Refusal) => refusal.kind === 'unavailable';

export interface SendOptions {
  /** One per submission: the same key for a retry of the same submission. */
  readonly idempotencyKey: string;
  /** The revision of the stream the person saw: a newer one is a 409 (the service checks). */
  readonly ifMatch?: number;
  readonly signal?: AbortSignal;
}

const agencyPath = (agency: AgencyCode, path: string) =>
  `/api/agencies/${agency}/${path.replace(/^\/+/, '')}`;

function fieldOf(problem: Record<string, unknown>): string {
  const raw = [problem.field, problem.path, problem.parameter].find((v) => typeof v === 'string');
  return typeof raw === 'string' ? raw.replace(/^\/+/, '') : '';
}

/** The refusal an error answer means (its body read as the platform writes it, libs/platform http.ts). */
export async function refusalOf(response: Response): Promise<Refusal> {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await response.json();
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // no JSON body: the status says enough
  }
  switch (response.status) {
    case 400: {
      const problems = Array.isArray(body.problems)
        ? (body.problems as Record<string, unknown>[]).map((p) => ({
            field: fieldOf(p),
            message: typeof p.message === 'string' ? p.message : '',
          }))
        : [];
      return { kind: 'invalid', problems };
    }
    case 401:
      return {
        kind: 'unauthorized',
        reason: typeof body.message === 'string' ? body.message : 'unauthorized',
      };
    case 403:
      return { kind: 'forbidden' };
    case 404:
      return { kind: 'not-found' };
    case 409:
      return { kind: 'conflict' };
    case 422:
      return {
        kind: 'rule',
        code: typeof body.error === 'string' ? body.error : 'unprocessable',
        details:
          body.details && typeof body.details === 'object'
            ? (body.details as Record<string, unknown>)
            : {},
      };
    default:
      return { kind: 'unavailable', status: response.status };
  }
}

/** POST one command to an agency service through the gateway; its answer, or CommandRefused. */
export async function send<T = unknown>(
  agency: AgencyCode,
  path: string,
  body: unknown,
  options: SendOptions,
): Promise<T> {
  const token = accessToken();
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/json',
    'idempotency-key': options.idempotencyKey,
  };
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
  let response: Response;
  try {
    response = await fetch(agencyPath(agency, path), {
      method: 'POST',
      headers,
      body: JSON.stringify(body ?? {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new CommandRefused({ kind: 'unavailable', status: 0 });
  }
  if (!response.ok) {
    const refusal = await refusalOf(response);
    if (refusal.kind === 'unauthorized') reportUnauthorized(refusal.reason);
    throw new CommandRefused(refusal);
  }
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** GET from an agency service through the gateway (its own reads: the case's revision, grids, SLA). */
export async function readAgency<T>(
  agency: AgencyCode,
  path: string,
  options: { signal?: AbortSignal; query?: Record<string, string | undefined> } = {},
): Promise<T> {
  const token = accessToken();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(withQuery(agencyPath(agency, path), options.query), {
      headers,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new CommandRefused({ kind: 'unavailable', status: 0 });
  }
  if (!response.ok) {
    const refusal = await refusalOf(response);
    if (refusal.kind === 'unauthorized') reportUnauthorized(refusal.reason);
    throw new CommandRefused(refusal);
  }
  return (await response.json()) as T;
}

/**
 * The fetch of the agency clients: `/api/<path>` of an agency's OpenAPI document
 * goes to the gateway's `/api/agencies/<agency>/<path>`, with the bearer token;
 * a refusal is thrown as CommandRefused, as readAgency does.
 */
function agencyFetch(agency: AgencyCode): (input: Request) => Promise<Response> {
  return async (input) => {
    const url = new URL(input.url);
    url.pathname = agencyPath(agency, url.pathname.replace(/^\/api\//, ''));
    const token = accessToken();
    const headers = new Headers(input.headers);
    headers.set('accept', 'application/json');
    if (token) headers.set('authorization', `Bearer ${token}`);
    let response: Response;
    try {
      response = await fetch(
        new Request(url, { method: input.method, headers, signal: input.signal }),
      );
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new CommandRefused({ kind: 'unavailable', status: 0 });
    }
    if (!response.ok) {
      const refusal = await refusalOf(response);
      if (refusal.kind === 'unauthorized') reportUnauthorized(refusal.reason);
      throw new CommandRefused(refusal);
    }
    return response;
  };
}

const baseUrl = () => (typeof location === 'undefined' ? 'http://localhost' : location.origin);

/**
 * Typed clients of the agency services' own reads through the gateway, from
 * their generated paths (./openapi/<app>.d.ts, `npm run api:client`).
 */
export const swcApi = createClient<SwcPaths>({ baseUrl: baseUrl(), fetch: agencyFetch('swc') });
export const streetApi = createClient<StreetPaths>({
  baseUrl: baseUrl(),
  fetch: agencyFetch('street'),
});

/** GET /api/cases/:id of the SWC service: its own view of the case, with its revision. */
export type SwcCase = SuccessBody<SwcPaths['/api/cases/{caseId}']['get']>;
/** GET /api/sla of the SWC service: hours per mode and risk level. */
export type SlaTable = SuccessBody<SwcPaths['/api/sla']['get']>;
/** GET /api/grids of the street service: the grid map as GeoJSON. */
export type GridCollection = SuccessBody<StreetPaths['/api/grids']['get']>;
/** GET /api/issues/:id of the street service. */
export type StreetIssue = SuccessBody<StreetPaths['/api/issues/{issueId}']['get']>;

/** The body of a typed agency read (refusals were thrown by agencyFetch). */
export async function dataOf<T>(call: Promise<{ data?: unknown }>): Promise<T> {
  return (await call).data as T;
}
