import { runService } from '@gridline/platform';
import { StreetModule } from './street.module.js';

await runService('street-service', 3003, (config, logger) => StreetModule.create(config, logger));
