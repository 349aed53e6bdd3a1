import 'reflect-metadata';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { loadServiceConfig, type ServiceConfig } from './agency-runtime.js';
import { ErrorsToHttpFilter } from './http.js';
import { JsonLogger } from './logger.js';

/**
 * Starts one Gridline app: configuration from the environment, JSON logging,
 * error mapping, graceful shutdown. A start-up failure (bad configuration, a
 * server that does not answer) is logged as one line and exits with status 1.
 */
export async function runService(
  name: string,
  defaultPort: number,
  createModule: (config: ServiceConfig, logger: JsonLogger) => DynamicModule,
): Promise<INestApplication> {
  let logger = new JsonLogger(name);
  try {
    const config = loadServiceConfig(defaultPort);
    logger = new JsonLogger(name, config.LOG_LEVEL);
    const app = await NestFactory.create(createModule(config, logger), {
      logger,
      abortOnError: false,
    });
    app.useGlobalFilters(new ErrorsToHttpFilter(logger));
    mountOpenApi(app, name);
    app.enableShutdownHooks();
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
  const config = new DocumentBuilder()
    .setTitle(`Gridline ${name}`)
    .setDescription(
      'Bearer JWT on every endpoint but health. Commands accept an Idempotency-Key header: ' +
        'the same key and request return the first result; the same key with another request is 422.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: 'api/docs-json',
  });
}
