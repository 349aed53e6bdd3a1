import { BadRequestException } from '@nestjs/common';
import { QueryValidationError, type Visibility } from '@gridline/read-models';
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
