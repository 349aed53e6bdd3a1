import { AssignmentInboxModule } from '@gridline/assignment-inbox';
import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AgencyRuntimeModule, type JsonLogger, type ServiceConfig } from '@gridline/platform';
import { CredentialActionHandler } from './credentials/credential.commands.js';
import {
  GetOfficerCredentialsHandler,
  ListCredentialsHandler,
} from './credentials/credential.queries.js';
import { CredentialsController } from './credentials/credentials.controller.js';
import { DecisionActionHandler } from './decisions/decision.commands.js';
import { DecisionQueueController } from './decisions/decision-queue.controller.js';
import { DecisionQueueHandler } from './decisions/decision-queue.query.js';
import { DecisionsController } from './decisions/decisions.controller.js';
import { GetDecisionHandler } from './decisions/get-decision.query.js';
import { ProposePenaltyHandler } from './decisions/propose-penalty.command.js';
import { DiscretionController } from './discretion/discretion.controller.js';
import { GetStandardHandler } from './discretion/get-standard.query.js';
import { PublishStandardHandler } from './discretion/publish-standard.command.js';
import { EnforcementCommandHandler } from './enforcement/enforcement.commands.js';
import { EnforcementController } from './enforcement/enforcement.controller.js';
import { GetEnforcementHandler } from './enforcement/get-enforcement.query.js';
import { GridsController } from './grids/grids.controller.js';
import { EvidenceController } from './evidence/evidence.controller.js';
import { evidenceProviders } from './evidence/evidence.providers.js';
import { GetIssueHandler } from './issues/get-issue.query.js';
import { HandleIssueHandler } from './issues/handle-issue.commands.js';
import { EraseReporterHandler } from './issues/erase-reporter.command.js';
import { IssuesController } from './issues/issues.controller.js';
import { ReportIssueHandler } from './issues/report-issue.command.js';
import { streetInboundCommands } from './inbound/inbound.commands.js';
import { Open311Controller } from './open311/open311.controller.js';
import { loadJurisdiction, OPEN311_JURISDICTION } from './open311/open311.jurisdiction.js';
import { FindServiceRequestsHandler } from './open311/open311.queries.js';
import { ENFORCEMENT_POLICY, loadEnforcementPolicy } from './shared/street-policy.js';
import { RegisterSubjectHandler } from './subjects/register-subject.command.js';
import { EraseSubjectHandler } from './subjects/erase-subject.command.js';
import { SubjectsController } from './subjects/subjects.controller.js';

@Module({})
export class StreetModule {
  static create(config: ServiceConfig, logger: JsonLogger): DynamicModule {
    return {
      module: StreetModule,
      imports: [
        CqrsModule.forRoot(),
        AgencyRuntimeModule.forRoot('street', config, logger),
        AssignmentInboxModule.forAgency('street'),
      ],
      controllers: [
        IssuesController,
        SubjectsController,
        EnforcementController,
        DiscretionController,
        DecisionsController,
        DecisionQueueController,
        CredentialsController,
        Open311Controller,
        GridsController,
        EvidenceController,
      ],
      providers: [
        { provide: ENFORCEMENT_POLICY, useValue: loadEnforcementPolicy() },
        { provide: OPEN311_JURISDICTION, useValue: loadJurisdiction() },
        ...evidenceProviders,
        streetInboundCommands,
        ReportIssueHandler,
        HandleIssueHandler,
        EraseReporterHandler,
        GetIssueHandler,
        RegisterSubjectHandler,
        EraseSubjectHandler,
        EnforcementCommandHandler,
        GetEnforcementHandler,
        PublishStandardHandler,
        GetStandardHandler,
        ProposePenaltyHandler,
        DecisionActionHandler,
        GetDecisionHandler,
        DecisionQueueHandler,
        CredentialActionHandler,
        GetOfficerCredentialsHandler,
        ListCredentialsHandler,
        FindServiceRequestsHandler,
      ],
    };
  }
}
