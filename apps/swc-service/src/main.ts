import 'reflect-metadata';
import { JsonLogger, loadServiceConfig, startHttpApp } from '@gridline/platform';
import { SwcModule } from './swc.module.js';

const config = loadServiceConfig(3001);
const logger = new JsonLogger('swc-service', config.LOG_LEVEL);
await startHttpApp(SwcModule.create(config, logger), {
  port: config.PORT,
  host: config.HOST,
  logger,
  name: 'swc-service',
});
