import {
  applyDecorators,
  BadRequestException,
  Delete,
  Get,
  HttpCode,
  Patch,
  Post,
  Put,
  SetMetadata,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiExtension,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  type SchemaObject,
} from '@nestjs/swagger';
import type { Agency } from '@gridline/contracts';
import type { Observable } from 'rxjs';
import { SchemaValidationPipe } from './http.js';
import type { Principal, Role } from './token-verifier.js';

/**
 * One declaration per route: its method and path, who may call it, the body it
 * takes and what it answers (docs/security.md, "Access"). The platform guard
 * refuses every route without one.
 *
 *   @CommandRoute({
 *     method: 'POST', path: ':caseId/close', status: 200,
 *     summary: 'Closes a verified case',
 *     roles: ['coordinator', 'admin'], ownAgency: true,
 *     params: { caseId: UUID }, body: closeSchema,
 *     answers: { 404: 'no such case', 422: 'a case rule refused it' },
 *   })
 */

/** Roles people of an agency hold; `service` and `reporting-app` are machine accounts. */
export const STAFF = [
  'grid-worker',
  'officer',
  'legal-reviewer',
  'coordinator',
  'analyst',
  'admin',
] as const satisfies readonly Role[];

/** Who may call a route. */
export type Access =
  | { readonly kind: 'public' }
  /** The metrics scraper, by its own bearer token (the route's guard checks it). */
  | { readonly kind: 'scraper' }
  | {
      readonly kind: 'roles';
      /** The caller needs at least one of these. */
      readonly roles: readonly Role[];
      /** Only principals of the service's own agency (ignored by apps of no agency). */
      readonly ownAgency: boolean;
      /**
       * The route's own guard authenticates (the key is not an Authorization header,
       * e.g. Open311's `api_key` form field) and must enforce this same access with
       * `refusalOf`; the platform guard lets the request through to it.
       */
      readonly authenticatedBy?: string;
    };

/** Why a principal may not call a route with this access, or undefined when it may. */
export function refusalOf(
  access: Access,
  principal: Principal,
  serviceAgency: Agency | null,
): string | undefined {
  if (access.kind === 'public') return undefined;
  if (access.kind === 'scraper') return 'only the metrics scraper, with its own token';
  if (!access.roles.some((role) => principal.roles.includes(role)))
    return `needs one of the roles: ${access.roles.join(', ')}`;
  if (access.ownAgency && serviceAgency && principal.agency !== serviceAgency)
    return `only ${serviceAgency} principals may do this`;
  return undefined;
}

const ACCESS = 'gridline:access';

/** The access a route handler declares (undefined: none, so it is refused). */
export function declaredAccess(handler: object): Access | undefined {
  return Reflect.getMetadata(ACCESS, handler) as Access | undefined;
}

/** A path or query parameter's documentation: a description, or the details. */
export type ParamDoc =
  | string
  | {
      readonly description?: string;
      readonly format?: 'uuid';
      readonly enum?: readonly string[];
      readonly example?: string;
      readonly required?: boolean;
    };

/** A path parameter that is a UUID (a non-UUID is 400). */
export const UUID: ParamDoc = { format: 'uuid' };

interface RouteDocs {
  /** Relative to the controller's path; '' or omitted for the controller's own. */
  readonly path?: string;
  readonly summary: string;
  readonly description?: string;
  readonly params?: Readonly<Record<string, ParamDoc>>;
  readonly query?: Readonly<Record<string, ParamDoc>>;
  /** What the route answers, by status; the success status, 400, 401 and 403 get defaults. */
  readonly answers?: Readonly<Record<number, string>>;
  /**
   * The success answer's body: a JSON Schema (`application/json`), or another
   * media type with its schema (`{ mediaType: 'text/plain', schema }`). Written
   * into the OpenAPI document, which the console's client is generated from
   * (docs/console.md, "The API client"); every route names one.
   */
  readonly response: ResponseSchema;
}

/** A route's success body (see RouteDocs.response). */
export type ResponseSchema = object | { readonly mediaType: string; readonly schema: object };

function contentOf(response: ResponseSchema): Record<string, { schema: SchemaObject }> {
  // Our schemas are `as const` (readonly arrays); SchemaObject wants mutable ones.
  const { mediaType, schema } = response as { mediaType?: unknown; schema?: unknown };
  if (typeof mediaType === 'string' && typeof schema === 'object' && schema !== null)
    return { [mediaType]: { schema } };
  return { 'application/json': { schema: response as SchemaObject } };
}

interface Restricted {
  /** Who may call it: at least one of these roles. */
  readonly roles: readonly Role[];
  /** Only principals of this service's agency. */
  readonly ownAgency?: true;
  /** A guard of the route's own that authenticates and enforces this access (see Access). */
  readonly authenticatedBy?: Type<CanActivate>;
}

export interface CommandRouteOptions extends RouteDocs, Restricted {
  readonly method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The success status. */
  readonly status: number;
  /**
   * The JSON Schema of the body, checked before the handler runs: 400 naming
   * each bad field. A request without a body is checked as `{}`.
   */
  readonly body?: object;
}

export interface ReadRouteOptions extends RouteDocs, Restricted {}

export interface PublicRouteOptions extends RouteDocs {
  /** Public routes are reads. */
  readonly method?: 'GET';
  /** A guard of the route's own (e.g. one reading an optional key). */
  readonly guard?: Type<CanActivate>;
}

/** Validates `request.body` against a schema after the guards, before the handler. */
class BodySchemaInterceptor implements NestInterceptor {
  private readonly pipe: SchemaValidationPipe;

  constructor(schema: object) {
    this.pipe = new SchemaValidationPipe(schema);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<{ body?: unknown }>();
    request.body = this.pipe.transform(request.body ?? {});
    return next.handle();
  }
}

/**
 * A read that declares no query parameters takes none: any is 400 naming it, after
 * the guards (deny by default for input, as for access). Reads that declare some
 * check them themselves (`parseQuery` and the like).
 */
class NoQueryParametersInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>();
    const names = Object.keys(request.query ?? {});
    if (names.length > 0)
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'query parameters are invalid',
        problems: names.map((parameter) => ({ parameter, message: 'is not a known parameter' })),
      });
    return next.handle();
  }
}

const NO_QUERY_PARAMETERS = 'a query parameter was given (this route takes none)';

const noQueryAnswer = (docs: RouteDocs): Record<number, string> =>
  docs.query ? {} : { 400: NO_QUERY_PARAMETERS };

/** The interceptor of a read without declared query parameters. */
function queryDecorators(docs: RouteDocs) {
  return docs.query ? [] : [UseInterceptors(new NoQueryParametersInterceptor())];
}

const METHODS = { GET: Get, POST: Post, PUT: Put, PATCH: Patch, DELETE: Delete } as const;

function described(doc: ParamDoc): Exclude<ParamDoc, string> {
  return typeof doc === 'string' ? { description: doc } : doc;
}

function routeDecorators(
  method: keyof typeof METHODS,
  status: number,
  docs: RouteDocs,
  access: Access,
  defaults: Record<number, string>,
) {
  const answers: Record<number, string> = { ...defaults };
  for (const [code, text] of Object.entries(docs.answers ?? {}))
    // A route's own refusal (e.g. a case of another agency) adds to the roles'.
    answers[Number(code)] = code === '403' && defaults[403] ? `${defaults[403]}; ${text}` : text;
  return [
    METHODS[method](docs.path ?? ''),
    HttpCode(status),
    SetMetadata(ACCESS, access),
    ApiOperation({
      summary: docs.summary,
      ...(docs.description ? { description: docs.description } : {}),
    }),
    ApiExtension('x-gridline-access', access),
    ...(access.kind === 'roles' ? [ApiBearerAuth()] : []),
    ...Object.entries(docs.params ?? {}).map(([name, doc]) => {
      const { description, format, example, enum: values } = described(doc);
      return ApiParam({
        name,
        type: String,
        ...(description ? { description } : {}),
        ...(format ? { format } : {}),
        ...(example ? { example } : {}),
        ...(values ? { enum: [...values] } : {}),
      });
    }),
    ...Object.entries(docs.query ?? {}).map(([name, doc]) => {
      const { description, example, enum: values, required } = described(doc);
      return ApiQuery({
        name,
        type: String,
        required: required ?? false,
        ...(description ? { description } : {}),
        ...(example ? { example } : {}),
        ...(values ? { enum: [...values] } : {}),
      });
    }),
    ...Object.entries(answers).map(([code, description]) =>
      ApiResponse({
        status: Number(code),
        description,
        ...(Number(code) === status ? { content: contentOf(docs.response) } : {}),
      }),
    ),
  ];
}

function restricted(options: Restricted): Access {
  if (options.roles.length === 0) throw new Error('a route must name at least one role');
  return {
    kind: 'roles',
    roles: [...options.roles],
    ownAgency: options.ownAgency === true,
    ...(options.authenticatedBy ? { authenticatedBy: options.authenticatedBy.name } : {}),
  };
}

function refusals(access: Access): Record<number, string> {
  if (access.kind === 'public') return {};
  if (access.kind === 'scraper')
    return { 401: 'no bearer token', 403: 'not the scraper’s token, or none is configured' };
  return {
    401: 'no valid bearer token',
    403: `refused unless the caller holds one of: ${access.roles.join(', ')}${access.ownAgency ? ", of this service's agency" : ''}`,
  };
}

const BAD_BODY: Record<number, string> = {
  400: 'the body is invalid; `problems` names each field',
};

/** A route that changes something: a command. */
export function CommandRoute(options: CommandRouteOptions) {
  const access = restricted(options);
  return applyDecorators(
    ...routeDecorators(options.method, options.status, options, access, {
      [options.status]: options.summary,
      ...(options.body ? BAD_BODY : {}),
      ...refusals(access),
    }),
    ...(options.authenticatedBy ? [UseGuards(options.authenticatedBy)] : []),
    ...(options.body
      ? [
          // Our schemas are `as const` (readonly arrays); SchemaObject wants mutable ones.
          ApiBody({ schema: options.body as SchemaObject }),
          UseInterceptors(new BodySchemaInterceptor(options.body)),
        ]
      : []),
  );
}

/** A read (GET) for the principals it names. */
export function ReadRoute(options: ReadRouteOptions) {
  const access = restricted(options);
  return applyDecorators(
    ...routeDecorators('GET', 200, options, access, {
      200: options.summary,
      ...noQueryAnswer(options),
      ...refusals(access),
    }),
    ...(options.authenticatedBy ? [UseGuards(options.authenticatedBy)] : []),
    ...queryDecorators(options),
  );
}

/**
 * A read for the metrics scraper only: `guard` checks its token; the platform
 * guard lets the request through to it.
 */
export function ScrapeRoute(options: RouteDocs & { readonly guard: Type<CanActivate> }) {
  const access: Access = { kind: 'scraper' };
  return applyDecorators(
    ...routeDecorators('GET', 200, options, access, {
      200: options.summary,
      ...noQueryAnswer(options),
      ...refusals(access),
    }),
    UseGuards(options.guard),
    ...queryDecorators(options),
  );
}

/** A read anyone may make without a token (health, contracts, public feeds). */
export function PublicRoute(options: PublicRouteOptions) {
  const access: Access = { kind: 'public' };
  return applyDecorators(
    ...routeDecorators(options.method ?? 'GET', 200, options, access, {
      200: options.summary,
      ...noQueryAnswer(options),
    }),
    ...(options.guard ? [UseGuards(options.guard)] : []),
    ...queryDecorators(options),
  );
}
