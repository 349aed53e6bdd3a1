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
  HttpMetricsInterceptor,
  Metrics,
  MetricsController,
  JsonLogger,
  type ServiceConfig,
} from '@gridline/platform';
import {
  CaseQueries,
  openMongo,
  PublicityQueries,
  readModelCollections,
  StatisticsQueries,
  type MongoHandle,
  type ReadModelCollections,
} from '@gridline/read-models';
import { CasesController } from './cases/cases.controller.js';
import { PublicityController } from './publicity/publicity.controller.js';
import { StatsController } from './stats/stats.controller.js';
import { StreamController } from './stream/stream.controller.js';
import { HistoryModule } from './history/history.module.js';

const MONGO = Symbol('MONGO');
const COLLECTIONS = Symbol('COLLECTIONS');

@Injectable()
class GatewayLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(MONGO) private readonly mongo: MongoHandle,
    @Inject(HealthRegistry) health: HealthRegistry,
  ) {
    health.register('mongo', async () => {
      await mongo.db.command({ ping: 1 });
    });
  }

  async onApplicationShutdown(): Promise<void> {
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
      ],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: JsonLogger, useValue: logger },
        HealthRegistry,
        Metrics,
        { provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor },
        { provide: MONGO, useFactory: () => openMongo(config.MONGO_URL, 'gateway') },
        {
          provide: COLLECTIONS,
          inject: [MONGO],
          useFactory: (mongo: MongoHandle) => readModelCollections(mongo.db),
        },
        {
          provide: CaseQueries,
          inject: [COLLECTIONS],
          useFactory: (c: ReadModelCollections) => new CaseQueries(c),
        },
        {
          provide: StatisticsQueries,
          inject: [COLLECTIONS],
          useFactory: (c: ReadModelCollections) => new StatisticsQueries(c),
        },
        {
          provide: PublicityQueries,
          inject: [COLLECTIONS],
          useFactory: (c: ReadModelCollections) => new PublicityQueries(c),
        },
        GatewayLifecycle,
        ...authProviders(config, null),
      ],
    };
  }
}
