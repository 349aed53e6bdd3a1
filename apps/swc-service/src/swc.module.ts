import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import {
  AgencyRuntimeModule,
  loadConfig,
  parsers,
  setting,
  type JsonLogger,
  type ServiceConfig,
} from '@gridline/platform';
import { OpenCaseHandler } from './cases/open-case.command.js';
import { AUTO_OPEN_POLICY, StreetReportReaction } from './reactions/street-report.reaction.js';

export const swcSettings = {
  SWC_AUTO_OPEN_MIN_SEVERITY: setting(
    'least severity of a street report that opens a coordinated case by itself',
    parsers.oneOf('low', 'medium', 'high', 'critical'),
    'low',
  ),
};

@Module({})
export class SwcModule {
  static create(config: ServiceConfig, logger: JsonLogger): DynamicModule {
    const swc = loadConfig(swcSettings);
    return {
      module: SwcModule,
      imports: [CqrsModule.forRoot(), AgencyRuntimeModule.forRoot('swc', config, logger)],
      providers: [
        OpenCaseHandler,
        StreetReportReaction,
        { provide: AUTO_OPEN_POLICY, useValue: { minSeverity: swc.SWC_AUTO_OPEN_MIN_SEVERITY } },
      ],
    };
  }
}
