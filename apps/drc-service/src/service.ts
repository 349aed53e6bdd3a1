import { runService } from '@gridline/platform';
import { DrcModule } from './drc.module.js';

await runService('drc-service', 3002, (config, logger) => DrcModule.create(config, logger));
