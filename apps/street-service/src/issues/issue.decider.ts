import type { IssueSource, Place, Severity, StreetEvent } from '@gridline/contracts';
import { assertNever, DomainError, type Decider } from '@gridline/eventsourcing';

export interface ReportIssue {
  readonly type: 'ReportIssue';
  readonly issueId: string;
  readonly caseId: string;
  readonly source: IssueSource;
  readonly category: string;
  readonly location: Place;
  readonly description: string;
  readonly severity: Severity;
  readonly reportedBy: string;
  readonly reportedAt: Date;
}

export type IssueCommand = ReportIssue;

export type IssueState =
  | { readonly status: 'none' }
  | {
      readonly status: 'reported';
      readonly issueId: string;
      readonly caseId: string;
      readonly category: string;
      readonly location: Place;
      readonly severity: Severity;
      readonly reportedAt: string;
    };

export const issueStreamId = (issueId: string) => `street-issue-${issueId}`;

export const issueDecider: Decider<IssueCommand, StreetEvent, IssueState> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'ReportIssue': {
        if (state.status !== 'none')
          throw new DomainError('issue-exists', `issue ${command.issueId} was already reported`);
        return [
          {
            type: 'street.issue.reported.v1',
            data: {
              issueId: command.issueId,
              caseId: command.caseId,
              source: command.source,
              category: command.category,
              location: command.location,
              description: command.description,
              severity: command.severity,
              reportedBy: command.reportedBy,
              reportedAt: command.reportedAt.toISOString(),
            },
          },
        ];
      }
      default:
        return assertNever(command.type);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'street.issue.reported.v1':
        return {
          status: 'reported',
          issueId: event.data.issueId,
          caseId: event.data.caseId,
          category: event.data.category,
          location: event.data.location,
          severity: event.data.severity,
          reportedAt: event.data.reportedAt,
        };
      default:
        return assertNever(event.type);
    }
  },
};
