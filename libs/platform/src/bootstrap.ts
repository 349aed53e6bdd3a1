import 'reflect-metadata';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { loadServiceConfig, type ServiceConfig } from './agency-runtime.js';
import { accessLog } from './access-log.js';
import { ErrorsToHttpFilter } from './http.js';
import { JsonLogger } from './logger.js';
import { traceparentOf } from '@gridline/messaging';
import { stopTracing } from '@gridline/telemetry';
import { trace } from '@opentelemetry/api';

interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
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
 * The request's `traceparent` header replaced by its server span's (made by the
 * http instrumentation, child of the caller's `traceparent` when it sent one), so
 * the events the command records, and everything they cause in other services,
 * belong to this trace. With tracing off there is no span and the caller's own
 * header stays.
 */
function traceRequests(request: HttpRequest, _response: unknown, next: () => void): void {
  const span = trace.getActiveSpan();
  const traceparent = span && traceparentOf(span);
  if (traceparent) request.headers['traceparent'] = traceparent;
  next();
}
