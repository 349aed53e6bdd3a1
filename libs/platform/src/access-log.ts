import { randomUUID } from 'node:crypto';
import type { JsonLogger } from './logger.js';

export interface AccessLogRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  route?: { path?: string };
  principal?: { id: string; agency?: string | null };
}
export interface AccessLogResponse {
  statusCode: number;
  setHeader(name: string, value: string): void;
  on(event: 'finish' | 'close', listener: () => void): void;
}

/** A caller's own request id is kept when it is a plain token; otherwise one is made. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * One line per request (docs/operations.md, "Logs"): method, the route it matched
 * (its pattern, `/api/cases/:caseId`) and the path (ids, never the query string,
 * which may carry a key), status, duration, who (principal id and agency), the
 * request id (echoed as `X-Request-Id`) and the W3C `traceparent` of the server
 * span. Headers and bodies are never logged. Health probes and metrics scrapes
 * are left out.
 */
export function accessLog(logger: JsonLogger) {
  return (request: AccessLogRequest, response: AccessLogResponse, next: () => void): void => {
    if (request.path.startsWith('/health') || request.path === '/metrics') return next();
    const started = process.hrtime.bigint();
    const given = request.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    response.setHeader('X-Request-Id', requestId);
    let logged = false;
    const log = (finished: boolean) => {
      if (logged) return;
      logged = true;
      const traceparent = request.headers['traceparent'];
      logger.info('request', {
        method: request.method,
        route: request.route?.path ?? null,
        path: request.path,
        status: response.statusCode,
        durationMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        ...(finished ? {} : { aborted: true }),
        principalId: request.principal?.id ?? null,
        agency: request.principal?.agency ?? null,
        requestId,
        traceparent: typeof traceparent === 'string' ? traceparent : null,
      });
    };
    response.on('finish', () => log(true));
    response.on('close', () => log(false));
    next();
  };
}
