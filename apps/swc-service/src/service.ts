import { runService } from '@gridline/platform';
import { SwcModule } from './swc.module.js';

await runService('swc-service', 3001, (config, logger) => SwcModule.create(config, logger));
