import { Module, type DynamicModule } from '@nestjs/common';
import {
  authProviders,
  CONFIG,
  HealthController,
  HealthRegistry,
  JsonLogger,
  type ServiceConfig,
} from '@gridline/platform';
import { ProjectionRunner } from './projection.runner.js';

@Module({})
export class ProjectorModule {
  static create(config: ServiceConfig, logger: JsonLogger): DynamicModule {
    return {
      module: ProjectorModule,
      controllers: [HealthController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: JsonLogger, useValue: logger },
        HealthRegistry,
        ProjectionRunner,
        ...authProviders(config, null),
      ],
    };
  }
}
