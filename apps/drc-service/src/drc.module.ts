import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AgencyRuntimeModule, type JsonLogger, type ServiceConfig } from '@gridline/platform';

/**
 * The Development and Reform Commission's service. The walking skeleton gives it
 * its runtime (store, relay, auth, health); its commands arrive with the
 * workflow (risk warnings, livelihood projects).
 */
@Module({})
export class DrcModule {
  static create(config: ServiceConfig, logger: JsonLogger): DynamicModule {
    return {
      module: DrcModule,
      imports: [CqrsModule.forRoot(), AgencyRuntimeModule.forRoot('drc', config, logger)],
    };
  }
}
