import {
  BadRequestException,
  Catch,
  HttpException,
  HttpStatus,
  Injectable,
  type ArgumentsHost,
  type ExceptionFilter,
  type PipeTransform,
} from '@nestjs/common';
import { createSchemaValidator, describeSchemaErrors } from '@gridline/contracts';
import {
  ConcurrencyConflictError,
  DomainError,
  StreamOwnershipError,
  WrongExpectedVersionError,
} from '@gridline/eventsourcing';
import { IdempotencyClaimLostError } from '@gridline/store-postgres';
import type { ValidateFunction } from 'ajv';
import type { JsonLogger } from './logger.js';

const ajv = createSchemaValidator();

/** Validates a request body against a JSON Schema: 400 naming every bad field. */
@Injectable()
export class SchemaValidationPipe implements PipeTransform {
  private readonly validate: ValidateFunction;

  constructor(schema: object) {
    this.validate = ajv.compile(schema);
  }

  transform(value: unknown): unknown {
    if (this.validate(value)) return value;
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: 'request body is invalid',
      problems: describeSchemaErrors(this.validate.errors).map((p) => ({
        field: p.path || '/',
        message: p.message,
      })),
    });
  }
}

/** The aggregate a request names does not exist. */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

/**
 * Maps domain and store errors to HTTP: a broken business rule is 422 with its
 * code and details, a concurrency conflict 409, a foreign stream 403, an unknown
 * aggregate 404. Anything unexpected is 500 and logged, never leaked.
 */
@Catch()
export class ErrorsToHttpFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<{
      status(code: number): { json(body: unknown): void };
    }>();
    const [status, body] = errorToHttp(error);
    if (status >= 500) this.logger.error('request failed', { error: (error as Error).stack });
    response.status(status).json(body);
  }
}

/** The HTTP status and body an error becomes (also used to record idempotent results). */
export function errorToHttp(error: unknown): [number, unknown] {
  if (error instanceof HttpException) {
    const body = error.getResponse();
    return [
      error.getStatus(),
      typeof body === 'string' ? { statusCode: error.getStatus(), message: body } : body,
    ];
  }
  if (error instanceof DomainError)
    return [
      HttpStatus.UNPROCESSABLE_ENTITY,
      { statusCode: 422, error: error.code, message: error.message, details: error.details },
    ];
  if (error instanceof NotFoundError)
    return [HttpStatus.NOT_FOUND, { statusCode: 404, message: error.message }];
  if (
    error instanceof ConcurrencyConflictError ||
    error instanceof WrongExpectedVersionError ||
    error instanceof IdempotencyClaimLostError
  )
    return [HttpStatus.CONFLICT, { statusCode: 409, message: error.message }];
  if (error instanceof StreamOwnershipError)
    return [HttpStatus.FORBIDDEN, { statusCode: 403, message: error.message }];
  return [HttpStatus.INTERNAL_SERVER_ERROR, { statusCode: 500, message: 'internal error' }];
}
