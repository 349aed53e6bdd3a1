import { runService } from '@gridline/platform';
import { GatewayModule } from './gateway.module.js';

await runService('gateway', 3000, (config, logger) => GatewayModule.create(config, logger));
