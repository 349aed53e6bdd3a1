import { swcInboundCommands } from './inbound/inbound.commands.js';
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
import { CaseCommandHandler } from './cases/case-command.handler.js';
import { CasesController } from './cases/cases.controller.js';
import { SlaController } from './cases/sla.controller.js';
import { GetCaseHandler } from './cases/get-case.query.js';
import { DEFAULT_SLA, parseSlaTable, SLA_TABLE } from './cases/sla.js';
import { DEADLINE_SCAN_MS, DeadlineTracker } from './deadlines/deadline-tracker.js';
import { AUTO_OPEN_POLICY } from './reactions/auto-open.policy.js';
import { SwcReactions } from './reactions/swc.reactions.js';

export const swcSettings = {
  SWC_AUTO_OPEN_MIN_SEVERITY: setting(
    'least severity of a street report that opens a coordinated case by itself',
    parsers.oneOf('low', 'medium', 'high', 'critical'),
    'low',
  ),
  SWC_AUTO_OPEN_CATEGORIES: setting(
    'report categories that always open a case, comma-separated',
    parsers.list,
    [],
  ),
  SWC_SLA_HOURS: setting(
    'hours per assignment by mode and risk level, JSON {"routine":{"blue":168,...},"emergency":{...}}',
    parseSlaTable,
    DEFAULT_SLA,
  ),
  SWC_DEADLINE_SCAN_MS: setting(
    'how often overdue assignments are looked for',
    parsers.positiveInt,
    5_000,
  ),
};

@Module({})
export class SwcModule {
  static create(config: ServiceConfig, logger: JsonLogger): DynamicModule {
    const swc = loadConfig(swcSettings);
    return {
      module: SwcModule,
      imports: [CqrsModule.forRoot(), AgencyRuntimeModule.forRoot('swc', config, logger)],
      controllers: [CasesController, SlaController],
      providers: [
        swcInboundCommands,
        CaseCommandHandler,
        GetCaseHandler,
        SwcReactions,
        DeadlineTracker,
        {
          provide: AUTO_OPEN_POLICY,
          useValue: {
            minSeverity: swc.SWC_AUTO_OPEN_MIN_SEVERITY,
            alwaysOpen: swc.SWC_AUTO_OPEN_CATEGORIES,
          },
        },
        { provide: SLA_TABLE, useValue: swc.SWC_SLA_HOURS },
        { provide: DEADLINE_SCAN_MS, useValue: swc.SWC_DEADLINE_SCAN_MS },
      ],
    };
  }
}
