import 'reflect-metadata';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { loadServiceConfig, type ServiceConfig } from './agency-runtime.js';
import { accessLog } from './access-log.js';
import { ErrorsToHttpFilter } from './http.js';
import { JsonLogger } from './logger.js';
import { parseTraceExport, startTracing, stopTracing } from './tracing.js';
import { contextFrom, SpanKind, SpanStatusCode, traceparentOf, tracer } from '@gridline/messaging';
import { context, trace } from '@opentelemetry/api';

interface HttpRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  route?: { path?: string };
}
interface HttpResponse {
  statusCode: number;
  on(event: 'finish' | 'close', listener: () => void): void;
}

/** What an app may add to the HTTP server before its routes (the gateway's console). */
export interface RunServiceOptions {
  /** Called once, before the routes are mounted: middleware registered here runs first. */
  configure?(app: INestApplication, config: ServiceConfig, logger: JsonLogger): void;
}

/**
 * Starts one Gridline app: configuration from the environment, JSON logging,
 * error mapping, graceful shutdown. A start-up failure (bad configuration, a
 * server that does not answer) is logged as one line and exits with status 1.
 */
export async function runService(
  name: string,
  defaultPort: number,
  createModule: (config: ServiceConfig, logger: JsonLogger) => DynamicModule,
  options: RunServiceOptions = {},
): Promise<INestApplication> {
  let logger = new JsonLogger(name);
  try {
    const config = loadServiceConfig(defaultPort);
    logger = new JsonLogger(name, config.LOG_LEVEL);
    startTracing(name, parseTraceExport(config.GRIDLINE_TRACES));
    const app = await NestFactory.create(createModule(config, logger), {
      logger,
      abortOnError: false,
    });
    app.use(accessLog(logger));
    app.use(traceRequests);
    options.configure?.(app, config, logger);
    app.useGlobalFilters(new ErrorsToHttpFilter(logger));
    mountOpenApi(app, name);
    app.enableShutdownHooks();
    process.once('beforeExit', () => void stopTracing());
    for (const signal of ['SIGTERM', 'SIGINT'] as const)
      process.once(signal, () => void stopTracing());
    await app.listen(config.PORT, config.HOST);
    logger.info(`${name} listening`, { url: `http://${config.HOST}:${config.PORT}` });
    return app;
  } catch (error) {
    logger.error(`${name} could not start: ${(error as Error).message}`);
    // Connections opened before the failure would keep the process alive.
    process.exit(1);
  }
}

/** OpenAPI document at /api/docs-json, Swagger UI at /api/docs (both public). */
function mountOpenApi(app: INestApplication, name: string): void {
  SwaggerModule.setup('api/docs', app, openApiDocument(app, name), {
    jsonDocumentUrl: 'api/docs-json',
  });
}

/**
 * The app's OpenAPI document, as /api/docs-json serves it. The console's client
 * is generated from these (docs/console.md, "The API client"); they can be made
 * without starting anything with `describeApp`.
 */
export function openApiDocument(app: INestApplication, name: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(`Gridline ${name}`)
    .setDescription(
      'Bearer JWT on every endpoint but health. Commands accept an Idempotency-Key header: ' +
        'the same key and request return the first result; the same key with another request is 422.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * An app's OpenAPI document without starting it: its module built in Nest's
 * preview mode, where no provider is instantiated, so nothing connects to a
 * server. The configuration only has to parse (placeholder addresses).
 */
export async function describeApp(
  name: string,
  createModule: (config: ServiceConfig, logger: JsonLogger) => DynamicModule,
): Promise<OpenAPIObject> {
  const config = loadServiceConfig(0, {
    DATABASE_URL: 'postgres://describe@127.0.0.1:9/describe',
    KAFKA_BROKERS: '127.0.0.1:9',
    KAFKA_TLS: 'true',
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'describe',
    KAFKA_SASL_PASSWORD_FILE: '/nonexistent/kafka-password',
    MONGO_URL: 'mongodb://127.0.0.1:9/describe',
    JWT_JWKS_URL: 'https://127.0.0.1:9/jwks',
    JWT_ISSUER: 'https://describe.invalid',
    JWT_AUDIENCE: 'gridline',
    // Read by providers only, which preview mode never makes.
    PII_MASTER_KEY_FILE: '/nonexistent/pii-master-key',
  });
  const logger = new JsonLogger(name, 'error');
  const app = await NestFactory.create(createModule(config, logger), {
    logger: false,
    preview: true,
    abortOnError: false,
  });
  try {
    return openApiDocument(app, name);
  } finally {
    await app.close();
  }
}

/**
 * A server span per request (health and metrics left out), child of the
 * caller's `traceparent` when it sends one. The request's `traceparent` header
 * is replaced by the span's, so the events the command records, and everything
 * they cause in other services, belong to this trace (tracing on).
 */
function traceRequests(request: HttpRequest, response: HttpResponse, next: () => void): void {
  if (request.path.startsWith('/health') || request.path === '/metrics') return next();
  const incoming = request.headers['traceparent'];
  const parent = contextFrom(typeof incoming === 'string' ? incoming : undefined);
  const span = tracer().startSpan(
    request.method,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'url.path': request.path },
    },
    parent,
  );
  const traceparent = traceparentOf(span);
  if (traceparent) request.headers['traceparent'] = traceparent;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    const route = request.route?.path;
    if (route) span.updateName(`${request.method} ${route}`);
    span.setAttribute('http.response.status_code', response.statusCode);
    if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  response.on('finish', end);
  response.on('close', end);
  context.with(trace.setSpan(parent, span), next);
}
