import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiResponse, type SchemaObject } from '@nestjs/swagger';

/**
 * The OpenAPI description every DRC command shares: its body is the same JSON
 * Schema the validation pipe enforces, so the document cannot drift from it.
 */
export function ApiCommand(options: {
  readonly body: object;
  /** What the 201 response means. */
  readonly created: string;
  /** Which business rules answer 422, if any can. */
  readonly refused?: string;
  /** Set when the command names an existing aggregate in its path. */
  readonly notFound?: string;
}) {
  return applyDecorators(
    // Our schemas are `as const` (readonly arrays); SchemaObject wants mutable ones.
    ApiBody({ schema: options.body as SchemaObject }),
    ApiResponse({ status: 201, description: options.created }),
    ApiResponse({ status: 400, description: 'The body is invalid: `problems` names each field.' }),
    ApiResponse({ status: 401, description: 'No valid bearer token.' }),
    ApiResponse({ status: 403, description: 'Not a DRC principal, or lacks the role.' }),
    ...(options.notFound ? [ApiResponse({ status: 404, description: options.notFound })] : []),
    ...(options.refused ? [ApiResponse({ status: 422, description: options.refused })] : []),
  );
}
