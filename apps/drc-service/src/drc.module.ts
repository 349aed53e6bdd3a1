import { drcInboundCommands } from './inbound/inbound.commands.js';
import { AssignmentInboxModule } from '@gridline/assignment-inbox';
import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AgencyRuntimeModule, type JsonLogger, type ServiceConfig } from '@gridline/platform';
import { GetProjectHandler } from './projects/get-project.query.js';
import {
  ApproveProjectHandler,
  CompleteProjectHandler,
  FundProjectHandler,
  RejectProjectHandler,
} from './projects/project-lifecycle.commands.js';
import { ProjectsController } from './projects/projects.controller.js';
import { ProposeProjectHandler } from './projects/propose-project.command.js';
import { GetWarningHandler } from './warnings/get-warning.query.js';
import { IssueWarningHandler } from './warnings/issue-warning.command.js';
import { LiftWarningHandler } from './warnings/lift-warning.command.js';
import { RelevelWarningHandler } from './warnings/relevel-warning.command.js';
import { WarningsController } from './warnings/warnings.controller.js';

/**
 * The Development and Reform Commission's service: risk early warnings from
 * economic and livelihood signals, and livelihood projects that resolve a
 * case's root cause.
 */
@Module({})
export class DrcModule {
  static create(config: ServiceConfig, logger: JsonLogger): DynamicModule {
    return {
      module: DrcModule,
      imports: [
        CqrsModule.forRoot(),
        AgencyRuntimeModule.forRoot('drc', config, logger),
        AssignmentInboxModule.forAgency('drc'),
      ],
      controllers: [WarningsController, ProjectsController],
      providers: [
        drcInboundCommands,
        IssueWarningHandler,
        RelevelWarningHandler,
        LiftWarningHandler,
        GetWarningHandler,
        ProposeProjectHandler,
        ApproveProjectHandler,
        RejectProjectHandler,
        FundProjectHandler,
        CompleteProjectHandler,
        GetProjectHandler,
      ],
    };
  }
}
