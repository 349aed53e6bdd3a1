import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiParam, ApiResponse } from '@nestjs/swagger';

/** The answers every street command can give, documented once. */
export function ApiCommand(summary: string, body?: object, created = 'recorded') {
  return applyDecorators(
    ...(body ? [ApiBody({ schema: body })] : []),
    ApiResponse({ status: 201, description: `${summary}: ${created}` }),
    ApiResponse({ status: 400, description: 'the body is invalid; `problems` names each field' }),
    ApiResponse({ status: 401, description: 'no or invalid bearer token' }),
    ApiResponse({ status: 403, description: 'not a street principal with the needed role' }),
    ApiResponse({ status: 404, description: 'the aggregate named in the path does not exist' }),
    ApiResponse({ status: 409, description: 'concurrent changes kept conflicting' }),
    ApiResponse({
      status: 422,
      description: 'a business rule refused it (`error` code, `details`)',
    }),
  );
}

export const ApiUuidParam = (name: string, description: string) =>
  ApiParam({ name, description, format: 'uuid', type: String });
