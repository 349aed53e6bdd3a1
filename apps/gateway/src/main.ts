import { runService } from '@gridline/platform';
import { mountConsole } from './console/console-files.js';
import { GatewayModule } from './gateway.module.js';

await runService('gateway', 3000, (config, logger) => GatewayModule.create(config, logger), {
  // The web console at / (static files before the API routes; docs/console.md).
  configure: mountConsole,
});
