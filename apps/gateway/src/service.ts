import { runService } from '@gridline/platform';
import { mountAgencyProxy } from './agencies/agency-proxy.js';
import { mountConsole } from './console/console-files.js';
import { GatewayModule } from './gateway.module.js';

await runService('gateway', 3000, (config, logger) => GatewayModule.create(config, logger), {
  configure: (app, config, logger) => {
    // The console's commands to the agency services (docs/console.md), before any body parser.
    mountAgencyProxy(app, logger);
    // The web console at / (static files before the API routes; docs/console.md).
    mountConsole(app, config, logger);
  },
});
