import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { errorToHttp, JsonLogger } from '@gridline/platform';

/** One GeoReport v2 error: `code` repeats the HTTP status. */
export interface GeoReportError {
  readonly code: number;
  readonly description: string;
}

/**
 * An error as GeoReport v2 answers it: an array of `{ code, description }`, one
 * per problem (so a bad request names each bad field), with the HTTP status.
 */
export class Open311Error extends HttpException {
  constructor(status: number, descriptions: string | readonly string[]) {
    const list = typeof descriptions === 'string' ? [descriptions] : descriptions;
    super(
      list.map((description): GeoReportError => ({ code: status, description })),
      status,
    );
  }
}

/** A bad request naming its field, e.g. `badField('lat', 'must be a number')`. */
export const badField = (field: string, message: string) =>
  new Open311Error(400, `${field}: ${message}`);

interface PlatformErrorBody {
  readonly message?: unknown;
  readonly error?: unknown;
  readonly problems?: readonly { readonly field: string; readonly message: string }[];
}

/**
 * Every error of the Open311 routes in GeoReport form: ours as they are, the
 * platform's (auth, rate limit, business rules, 500) translated with the same
 * status. A 500 is logged and says nothing more, as everywhere else.
 */
export function toGeoReportErrors(error: unknown): [number, GeoReportError[]] {
  const [status, body] = errorToHttp(error);
  if (Array.isArray(body)) return [status, body as GeoReportError[]];
  const { message, error: code, problems } = (body ?? {}) as PlatformErrorBody;
  if (problems?.length)
    return [
      status,
      problems.map((p) => ({ code: status, description: `${p.field}: ${p.message}` })),
    ];
  const text = typeof message === 'string' ? message : 'the request failed';
  const description = status === 422 && typeof code === 'string' ? `${code}: ${text}` : text;
  return [status, [{ code: status, description }]];
}

@Catch()
export class Open311ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<{
      status(code: number): { json(body: unknown): void };
    }>();
    const [status, body] = toGeoReportErrors(error);
    if (status >= 500)
      this.logger.error('open311 request failed', { error: (error as Error).stack });
    response.status(status).json(body);
  }
}
