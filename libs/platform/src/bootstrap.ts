import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ErrorsToHttpFilter } from './http.js';
import type { JsonLogger } from './logger.js';

/** Creates and starts a Nest HTTP app with our logger, error mapping and shutdown hooks. */
export async function startHttpApp(
  module: unknown,
  options: {
    readonly port: number;
    readonly host: string;
    readonly logger: JsonLogger;
    readonly name: string;
  },
): Promise<INestApplication> {
  const app = await NestFactory.create(module as never, {
    logger: options.logger,
    bodyParser: true,
  });
  app.useGlobalFilters(new ErrorsToHttpFilter(options.logger));
  app.enableShutdownHooks();
  await app.listen(options.port, options.host);
  options.logger.info(`${options.name} listening`, {
    url: `http://${options.host}:${options.port}`,
  });
  return app;
}
