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
  JsonLogger,
  type ServiceConfig,
} from '@gridline/platform';
import {
  CaseQueries,
  openMongo,
  readModelCollections,
  type MongoHandle,
} from '@gridline/read-models';
import { CasesController } from './cases/cases.controller.js';
import { HistoryModule } from './history/history.module.js';

const MONGO = Symbol('MONGO');

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
      controllers: [HealthController, CasesController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: JsonLogger, useValue: logger },
        HealthRegistry,
        { provide: MONGO, useFactory: () => openMongo(config.MONGO_URL, 'gateway') },
        {
          provide: CaseQueries,
          inject: [MONGO],
          useFactory: (mongo: MongoHandle) => new CaseQueries(readModelCollections(mongo.db)),
        },
        GatewayLifecycle,
        ...authProviders(config, null),
      ],
    };
  }
}
