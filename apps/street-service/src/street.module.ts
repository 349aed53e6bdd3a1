import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AgencyRuntimeModule, type JsonLogger, type ServiceConfig } from '@gridline/platform';
import { GetIssueHandler } from './issues/get-issue.query.js';
import { IssuesController } from './issues/issues.controller.js';
import { ReportIssueHandler } from './issues/report-issue.command.js';

@Module({})
export class StreetModule {
  static create(config: ServiceConfig, logger: JsonLogger): DynamicModule {
    return {
      module: StreetModule,
      imports: [CqrsModule.forRoot(), AgencyRuntimeModule.forRoot('street', config, logger)],
      controllers: [IssuesController],
      providers: [ReportIssueHandler, GetIssueHandler],
    };
  }
}
