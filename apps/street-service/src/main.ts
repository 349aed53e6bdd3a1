import 'reflect-metadata';
import { JsonLogger, loadServiceConfig, startHttpApp } from '@gridline/platform';
import { StreetModule } from './street.module.js';

const config = loadServiceConfig(3003);
const logger = new JsonLogger('street-service', config.LOG_LEVEL);
await startHttpApp(StreetModule.create(config, logger), {
  port: config.PORT,
  host: config.HOST,
  logger,
  name: 'street-service',
});
