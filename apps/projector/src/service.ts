// The projector serves only health and metrics over HTTP.
import { runService } from '@gridline/platform';
import { ProjectorModule } from './projector.module.js';

await runService('projector', 3004, (config, logger) => ProjectorModule.create(config, logger));
