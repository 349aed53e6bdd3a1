import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthRegistry, JsonLogger, openStores, type ServiceConfig } from '@gridline/platform';
import { PostgresExportAudit, type PostgresStoreHandle } from '@gridline/store-postgres';
import { ExportsController } from './exports.controller.js';
import { CaseHistoryController } from './case-history.controller.js';
import { HISTORY_STORE } from './history.tokens.js';
import { IntegrityController } from './integrity.controller.js';
import { LogSealing } from './log-sealing.js';

@Injectable()
class HistoryLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(HISTORY_STORE) private readonly postgres: PostgresStoreHandle,
    @Inject(ModuleRef) private readonly modules: ModuleRef,
  ) {}

  onModuleInit(): void {
    // The gateway's one health registry lives in the gateway module.
    this.modules.get(HealthRegistry, { strict: false }).register('postgres', async () => {
      await this.postgres.pool.query('SELECT 1');
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.postgres.close();
  }
}

/**
 * Time travel and export over the event store (PostgreSQL, DATABASE_URL): the
 * gateway reads events and writes only the export audit log and the log's seals.
 */
@Module({})
export class HistoryModule {
  static register(config: ServiceConfig): DynamicModule {
    return {
      module: HistoryModule,
      controllers: [CaseHistoryController, ExportsController, IntegrityController],
      providers: [
        { provide: JsonLogger, useValue: new JsonLogger('gateway', config.LOG_LEVEL) },
        {
          provide: HISTORY_STORE,
          useFactory: () => openStores(config, { applicationName: 'gateway', poolSize: 5 }),
        },
        {
          provide: PostgresExportAudit,
          inject: [HISTORY_STORE],
          useFactory: (pg: PostgresStoreHandle) => new PostgresExportAudit(pg.pool),
        },
        LogSealing,
        HistoryLifecycle,
      ],
      exports: [HISTORY_STORE],
    };
  }
}
