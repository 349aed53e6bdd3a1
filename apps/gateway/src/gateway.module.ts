import { APP_INTERCEPTOR } from '@nestjs/core';
import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  authProviders,
  CONFIG,
  HealthController,
  HealthRegistry,
  BodyHygieneInterceptor,
  HttpMetricsInterceptor,
  Metrics,
  MetricsController,
  JsonLogger,
  type ServiceConfig,
} from '@gridline/platform';
import {
  ReadModelIndexes,
  CaseQueries,
  openMongo,
  PublicityQueries,
  LiveReadModels,
  PointInTimeViews,
  RebuildRequests,
  StatisticsQueries,
  WorkQueries,
  type MongoHandle,
  type ReadModelCollections,
  type SetIndexes,
} from '@gridline/read-models';
import { CasesController } from './cases/cases.controller.js';
import { ContractsController } from './contracts/contracts.controller.js';
import { PublicityController } from './publicity/publicity.controller.js';
import { StatsController } from './stats/stats.controller.js';
import { StreamController } from './stream/stream.controller.js';
import { TimelineFeed } from './stream/timeline-feed.js';
import { RebuildsController } from './admin/rebuilds.controller.js';
import { DeadLettersController } from './admin/dead-letters.controller.js';
import { HistoryModule } from './history/history.module.js';
import { HISTORY_STORE } from './history/history.tokens.js';
import { MyWorkController } from './work/my-work.controller.js';
import type { PostgresStoreHandle } from '@gridline/store-postgres';

const MONGO = Symbol('MONGO');
const COLLECTIONS = Symbol('COLLECTIONS');
const LIVE_INDEXES = Symbol('LIVE_INDEXES');
type LiveIndexes = (() => SetIndexes) | null;

@Injectable()
class GatewayLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(MONGO) private readonly mongo: MongoHandle,
    @Inject(LiveReadModels) private readonly live: LiveReadModels,
    @Inject(HealthRegistry) health: HealthRegistry,
  ) {
    health.register('mongo', async () => {
      await mongo.db.command({ ping: 1 });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.live.stop();
    await this.mongo.close();
  }
}

@Module({})
export class GatewayModule {
  static create(config: ServiceConfig, logger: JsonLogger): DynamicModule {
    return {
      module: GatewayModule,
      imports: [HistoryModule.register(config)],
      controllers: [
        HealthController,
        CasesController,
        StatsController,
        PublicityController,
        StreamController,
        MetricsController,
        RebuildsController,
        DeadLettersController,
        ContractsController,
        MyWorkController,
      ],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: JsonLogger, useValue: logger },
        HealthRegistry,
        ...Metrics.providers(config),
        { provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor },
        { provide: APP_INTERCEPTOR, useClass: BodyHygieneInterceptor },
        { provide: MONGO, useFactory: () => openMongo(config.MONGO_URL, 'gateway') },
        {
          // Readers follow the version pointer, so a rebuilt set takes over live.
          provide: LiveReadModels,
          inject: [MONGO],
          useFactory: async (mongo: MongoHandle) => {
            const live = new LiveReadModels(mongo.db);
            await live.start();
            return live;
          },
        },
        {
          provide: COLLECTIONS,
          inject: [LiveReadModels],
          useFactory: (live: LiveReadModels) => live.collections,
        },
        {
          provide: RebuildRequests,
          inject: [MONGO],
          useFactory: (mongo: MongoHandle) => new RebuildRequests(mongo.db),
        },
        {
          // The live set's index tables (ADR 0007), following the version pointer
          // with the collections; none with READ_MODEL_LISTS=mongodb.
          provide: LIVE_INDEXES,
          inject: [LiveReadModels, MONGO, HISTORY_STORE],
          useFactory: (live: LiveReadModels, mongo: MongoHandle, pg: PostgresStoreHandle) => {
            if (config.READ_MODEL_LISTS !== 'postgres') return null;
            const indexes = new ReadModelIndexes(pg.pool, mongo.db.databaseName);
            return () => indexes.of(live.currentSuffix);
          },
        },
        {
          provide: CaseQueries,
          inject: [COLLECTIONS, LIVE_INDEXES],
          useFactory: (c: ReadModelCollections, live: LiveIndexes) =>
            live ? new CaseQueries(c, () => live().cases) : new CaseQueries(c),
        },
        {
          provide: StatisticsQueries,
          inject: [COLLECTIONS, LIVE_INDEXES],
          useFactory: (c: ReadModelCollections, live: LiveIndexes) =>
            live ? new StatisticsQueries(c, () => live().stats) : new StatisticsQueries(c),
        },
        {
          provide: WorkQueries,
          inject: [COLLECTIONS, LIVE_INDEXES],
          useFactory: (c: ReadModelCollections, live: LiveIndexes) =>
            live ? new WorkQueries(c, () => live().work) : new WorkQueries(c),
        },
        {
          provide: PublicityQueries,
          inject: [COLLECTIONS, LIVE_INDEXES],
          useFactory: (c: ReadModelCollections, live: LiveIndexes) =>
            live ? new PublicityQueries(c, () => live().publicity) : new PublicityQueries(c),
        },
        {
          // Whole views as they stood at a past time (`asOf` on the case list and statistics).
          provide: PointInTimeViews,
          inject: [MONGO, HISTORY_STORE],
          useFactory: (mongo: MongoHandle, pg: PostgresStoreHandle) =>
            new PointInTimeViews(
              mongo.db,
              pg.store,
              config.READ_MODEL_LISTS === 'postgres'
                ? { indexes: new ReadModelIndexes(pg.pool, mongo.db.databaseName) }
                : {},
            ),
        },
        GatewayLifecycle,
        TimelineFeed,
        ...authProviders(config, null),
      ],
    };
  }
}
