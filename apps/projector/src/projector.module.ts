import { APP_INTERCEPTOR } from '@nestjs/core';
import { Module, type DynamicModule } from '@nestjs/common';
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
import { ProjectionRunner } from './projection.runner.js';

@Module({})
export class ProjectorModule {
  static create(config: ServiceConfig, logger: JsonLogger): DynamicModule {
    return {
      module: ProjectorModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: JsonLogger, useValue: logger },
        HealthRegistry,
        ...Metrics.providers(config),
        { provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor },
        ProjectionRunner,
        ...authProviders(config, null),
      ],
    };
  }
}
