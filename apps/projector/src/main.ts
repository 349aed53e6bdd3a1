import 'reflect-metadata';
import { JsonLogger, loadServiceConfig, startHttpApp } from '@gridline/platform';
import { ProjectorModule } from './projector.module.js';

// The projector serves only health (and, later, metrics) over HTTP.
const config = loadServiceConfig(3004);
const logger = new JsonLogger('projector', config.LOG_LEVEL);
await startHttpApp(ProjectorModule.create(config, logger), {
  port: config.PORT,
  host: config.HOST,
  logger,
  name: 'projector',
});
