import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Agency } from '@gridline/contracts';
import {
  ErrorsToHttpFilter,
  JsonLogger,
  loadServiceConfig,
  type ServiceConfig,
} from '@gridline/platform';
import { DrcModule } from '../../apps/drc-service/src/drc.module.js';
import { GatewayModule } from '../../apps/gateway/src/gateway.module.js';
import { ProjectorModule } from '../../apps/projector/src/projector.module.js';
import { StreetModule } from '../../apps/street-service/src/street.module.js';
import { SwcModule } from '../../apps/swc-service/src/swc.module.js';
import { appEnvironment, type AppName, type TestIdentity } from './apps.js';
import type { IsolatedStores } from './isolated.js';
import { appKafkaEnv, ensureKafkaAccess } from './kafka.js';

/** The five apps as `npm start` runs them, to start in the test's own process. */
export const IN_PROCESS_APPS: readonly {
  readonly name: AppName;
  readonly port: number;
  readonly agency: Agency | null;
  readonly module: (config: ServiceConfig, logger: JsonLogger) => DynamicModule;
}[] = [
  { name: 'gateway', port: 3000, agency: null, module: (c, l) => GatewayModule.create(c, l) },
  { name: 'swc-service', port: 3001, agency: 'swc', module: (c, l) => SwcModule.create(c, l) },
  { name: 'drc-service', port: 3002, agency: 'drc', module: (c, l) => DrcModule.create(c, l) },
  {
    name: 'street-service',
    port: 3003,
    agency: 'street',
    module: (c, l) => StreetModule.create(c, l),
  },
  { name: 'projector', port: 3004, agency: null, module: (c, l) => ProjectorModule.create(c, l) },
];

export interface InProcessApp {
  readonly app: INestApplication;
  readonly url: string;
}

/**
 * Starts every app in this process (the same modules `npm start` runs) on a store
 * of the test's own, on free ports, with rate limits out of the way. Their routes
 * come from their routers (test/support/route-walk.ts), not from a list kept here.
 */
export async function startInProcessApps(
  identity: TestIdentity,
  stores: IsolatedStores,
): Promise<Map<AppName, InProcessApp>> {
  // Read by the gateway's sealer from the environment, as its other feature settings.
  process.env['LOG_SEAL_KEY_FILE'] = identity.logSealKeyFile;
  const running = new Map<AppName, InProcessApp>();
  await ensureKafkaAccess(stores.env['KAFKA_NAMESPACE'] ?? '');
  await Promise.all(
    IN_PROCESS_APPS.map(async ({ name, port, agency, module }) => {
      const env = appEnvironment(identity, port, {
        ...stores.env,
        WRITE_RATE_LIMIT_BURST: '10000',
        LOG_LEVEL: 'error',
        ...appKafkaEnv(agency ?? (name as 'gateway' | 'projector')),
        ...(agency === 'street' ? { PII_MASTER_KEY_FILE: identity.piiMasterKeyFile } : {}),
      });
      const config = loadServiceConfig(port, env);
      const logger = new JsonLogger(name, 'error');
      const app = await NestFactory.create(module(config, logger), { logger });
      app.useGlobalFilters(new ErrorsToHttpFilter(logger));
      await app.listen(0, '127.0.0.1');
      running.set(name, { app, url: await app.getUrl() });
    }),
  );
  return running;
}
