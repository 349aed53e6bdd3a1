import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { INestApplication } from '@nestjs/common';
import { AGENCIES, type Agency } from '@gridline/contracts';
import { loadConfig, parsers, setting, type JsonLogger } from '@gridline/platform';

/**
 * The console's one origin for work: `/api/agencies/<agency>/<path>` on the
 * gateway is `/api/<path>` of that agency's service, so a person's commands go
 * where the domain rules are (the agency service authenticates, authorises and
 * decides; the gateway only forwards). Only what a command needs crosses: the
 * bearer token, the body and its type, the Idempotency-Key, If-Match, the trace; the
 * answer comes back with its status and body as the service gave them.
 */
export const agencyProxySettings = {
  SWC_SERVICE_URL: setting(
    "the SWC service's address, for the console's commands",
    parsers.url('http:', 'https:'),
    'http://127.0.0.1:3001',
  ),
  DRC_SERVICE_URL: setting(
    "the DRC service's address, for the console's commands",
    parsers.url('http:', 'https:'),
    'http://127.0.0.1:3002',
  ),
  STREET_SERVICE_URL: setting(
    "the street service's address, for the console's commands",
    parsers.url('http:', 'https:'),
    'http://127.0.0.1:3003',
  ),
};

export const AGENCY_PROXY_PREFIX = '/api/agencies/';

const REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'content-length',
  'accept',
  'accept-language',
  'idempotency-key',
  // The revision a person decided on: the service answers 409 when it moved on.
  'if-match',
  // A device's digest of the evidence file it uploads (RFC 9530).
  'repr-digest',
  'traceparent',
  'tracestate',
];
const RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'content-disposition',
  'location',
  'retry-after',
  'etag',
  // An evidence file's digest (RFC 9530) and the refusal to guess its type.
  'repr-digest',
  'x-content-type-options',
];
const METHODS = new Set(['GET', 'HEAD', 'POST']);
const TIMEOUT_MS = 30_000;

type Next = (error?: unknown) => void;

function refuse(response: ServerResponse, status: number, message: string): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.setHeader('cache-control', 'no-store');
  response.end(JSON.stringify({ statusCode: status, message }));
}

/** Where a gateway path goes: the agency and the service's own path, or undefined. */
export function agencyTarget(url: string): { agency: Agency; path: string } | undefined {
  if (!url.startsWith(AGENCY_PROXY_PREFIX)) return undefined;
  const rest = url.slice(AGENCY_PROXY_PREFIX.length);
  const slash = rest.indexOf('/');
  const agency = slash < 0 ? rest : rest.slice(0, slash);
  if (!(AGENCIES as readonly string[]).includes(agency)) return undefined;
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  // Only the services' API: never their health, metrics or documents.
  if (path === '' || path.startsWith('/') || path.split(/[/?#]/).includes('..')) return undefined;
  return { agency: agency as Agency, path: `/api/${path}` };
}

/** Connect-style middleware; registered before the body parsers, so the body streams through. */
export function agencyProxy(targets: Readonly<Record<Agency, URL>>, logger: JsonLogger) {
  return (request: IncomingMessage, response: ServerResponse, next: Next): void => {
    const url = request.url ?? '';
    if (!url.startsWith(AGENCY_PROXY_PREFIX)) return next();
    const target = agencyTarget(url);
    if (!target) return refuse(response, 404, 'no such agency route');
    if (!METHODS.has(request.method ?? ''))
      return refuse(response, 405, `${request.method} is not forwarded to agency services`);
    if (!/^Bearer \S+$/i.test(String(request.headers.authorization ?? '')))
      return refuse(response, 401, 'a bearer token is required');
    const base = targets[target.agency];
    const headers: Record<string, string | string[]> = {};
    for (const name of REQUEST_HEADERS) {
      const value = request.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    const outgoing = (base.protocol === 'https:' ? httpsRequest : httpRequest)(
      new URL(target.path, base),
      { method: request.method, headers, timeout: TIMEOUT_MS },
      (answer) => {
        response.statusCode = answer.statusCode ?? 502;
        for (const name of RESPONSE_HEADERS) {
          const value = answer.headers[name];
          if (value !== undefined) response.setHeader(name, value);
        }
        response.setHeader('cache-control', 'no-store');
        answer.pipe(response);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', (error) => {
      logger.warn('agency service unreachable', {
        agency: target.agency,
        error: error.message,
      });
      if (!response.headersSent)
        refuse(response, 502, `the ${target.agency} service did not answer; try again`);
      else response.destroy();
    });
    request.pipe(outgoing);
  };
}

/** runService's `configure` hook part: the proxy before the gateway's routes. */
export function mountAgencyProxy(app: INestApplication, logger: JsonLogger): void {
  const own = loadConfig(agencyProxySettings);
  const targets = {
    swc: new URL(own.SWC_SERVICE_URL),
    drc: new URL(own.DRC_SERVICE_URL),
    street: new URL(own.STREET_SERVICE_URL),
  } satisfies Record<Agency, URL>;
  app.use(agencyProxy(targets, logger));
}
