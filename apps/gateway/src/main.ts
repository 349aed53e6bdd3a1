import 'reflect-metadata';
import { JsonLogger, loadServiceConfig, startHttpApp } from '@gridline/platform';
import { GatewayModule } from './gateway.module.js';

const config = loadServiceConfig(3000);
const logger = new JsonLogger('gateway', config.LOG_LEVEL);
await startHttpApp(GatewayModule.create(config, logger), {
  port: config.PORT,
  host: config.HOST,
  logger,
  name: 'gateway',
});
