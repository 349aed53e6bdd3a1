import 'reflect-metadata';
import { JsonLogger, loadServiceConfig, startHttpApp } from '@gridline/platform';
import { DrcModule } from './drc.module.js';

const config = loadServiceConfig(3002);
const logger = new JsonLogger('drc-service', config.LOG_LEVEL);
await startHttpApp(DrcModule.create(config, logger), {
  port: config.PORT,
  host: config.HOST,
  logger,
  name: 'drc-service',
});
