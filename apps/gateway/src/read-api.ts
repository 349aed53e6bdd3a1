import { BadRequestException, ServiceUnavailableException } from '@nestjs/common';
import {
  PastViewsBusyError,
  QueryValidationError,
  type PointInTimeSet,
  type PointInTimeViews,
  type Visibility,
} from '@gridline/read-models';
import type { Principal } from '@gridline/platform';

/** Roles that see every case; other principals see the cases their agency takes part in. */
export const SEE_ALL = ['coordinator', 'analyst', 'admin'] as const;

export function visibilityOf(principal: Principal): Visibility {
  return SEE_ALL.some((role) => principal.roles.includes(role))
    ? { all: true }
    : { all: false, agency: principal.agency };
}

/** Runs a read; a refused query parameter becomes 400 naming each one. */
export async function read<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if (error instanceof QueryValidationError)
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'query parameters are invalid',
        problems: error.problems,
      });
    throw error;
  }
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** When to ask again for a past view while others are being built. */
const PAST_VIEW_RETRY_SECONDS = 10;

/** Where a response carries the time its view stood at. */
export interface HeaderSink {
  setHeader(name: string, value: string): void;
}

/**
 * Takes `asOf` out of a view's query: the rest goes to the view's own parser.
 * Without it the live view answers; with it the whole view as it stood then
 * (PointInTimeViews), marked by `x-gridline-as-of` and `x-gridline-as-of-cached`.
 * A time that is not ISO-8601 with a zone, or lies in the future, is 400; a view
 * that must be built while another is being built is 503 with Retry-After.
 */
export async function pointInTime(
  query: unknown,
  views: PointInTimeViews,
  response: HeaderSink,
): Promise<{ rest: unknown; set?: PointInTimeSet }> {
  if (!query || typeof query !== 'object' || !('asOf' in query)) return { rest: query };
  const { asOf, ...rest } = query as Record<string, unknown>;
  const bad = (message: string) =>
    new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: 'query parameters are invalid',
      problems: [{ field: 'asOf', message }],
    });
  if (typeof asOf !== 'string' || !ISO_8601.test(asOf) || Number.isNaN(Date.parse(asOf)))
    throw bad('must be one ISO-8601 date or time with a zone');
  const at = new Date(asOf);
  if (at.getTime() > Date.now()) throw bad('must not be in the future');
  const set = await views.at(at).catch((error: unknown) => {
    if (!(error instanceof PastViewsBusyError)) throw error;
    // Admission control: building a past view replays the log (docs/history.md).
    response.setHeader('Retry-After', String(PAST_VIEW_RETRY_SECONDS));
    throw new ServiceUnavailableException({
      statusCode: 503,
      error: 'past-views-busy',
      message: error.message,
    });
  });
  response.setHeader('x-gridline-as-of', set.at.toISOString());
  response.setHeader('x-gridline-as-of-cached', String(set.cached));
  return { rest, set };
}
