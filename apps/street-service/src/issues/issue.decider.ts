import type {
  IssueAcknowledged,
  IssueNoteAdded,
  IssueOutcome,
  IssueReported,
  IssueReporterErased,
  IssueResolved,
  IssueSource,
  Place,
  IssuePhoto,
  SealedValue,
  Severity,
} from '@gridline/contracts';
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
  /** Sealed by the handler under the reporter's data-subject key; never clear text here. */
  readonly reporterContact?: { readonly dataSubjectId: string; readonly contact: SealedValue };
  /** Photos in the evidence store, their keys sealed under the reporter's data subject. */
  readonly photos?: { readonly dataSubjectId: string; readonly files: readonly IssuePhoto[] };
}

export interface AcknowledgeIssue {
  readonly type: 'AcknowledgeIssue';
  readonly acknowledgedBy: string;
  readonly acknowledgedAt: Date;
}

export interface AddIssueNote {
  readonly type: 'AddIssueNote';
  readonly noteId: string;
  readonly note: string;
  readonly addedBy: string;
  readonly addedAt: Date;
}

export interface ResolveIssue {
  readonly type: 'ResolveIssue';
  readonly outcome: IssueOutcome;
  readonly summary: string;
  readonly resolvedBy: string;
  readonly resolvedAt: Date;
}

/** Crypto-shredding of the reporter's contact; allowed at any stage, resolved or not. */
export interface EraseReporter {
  readonly type: 'EraseReporter';
  readonly reason: string;
  readonly erasedBy: string;
  readonly erasedAt: Date;
}

export type IssueCommand =
  ReportIssue | AcknowledgeIssue | AddIssueNote | ResolveIssue | EraseReporter;
export type IssueEvent =
  IssueReported | IssueAcknowledged | IssueNoteAdded | IssueResolved | IssueReporterErased;

export interface IssueNote {
  readonly noteId: string;
  readonly note: string;
  readonly addedBy: string;
  readonly addedAt: string;
}

export type IssueState =
  | { readonly status: 'none' }
  | {
      readonly status: 'reported' | 'acknowledged' | 'resolved';
      readonly issueId: string;
      readonly caseId: string;
      readonly source: IssueSource;
      readonly category: string;
      readonly location: Place;
      readonly severity: Severity;
      readonly reportedAt: string;
      readonly acknowledgedAt?: string;
      readonly notes: readonly IssueNote[];
      readonly outcome?: IssueOutcome;
      readonly resolvedAt?: string;
      /** The reporter's data subject, when the report carried a contact. */
      readonly reporterSubjectId?: string;
      readonly reporterErasedAt?: string;
    };

type ExistingIssue = Exclude<IssueState, { status: 'none' }>;

export const issueStreamId = (issueId: string) => `street-issue-${issueId}`;

/** Commands other than the report need an issue that is still open. */
function openIssue(state: IssueState): ExistingIssue {
  if (state.status === 'none') throw new DomainError('issue-unknown', 'no such issue');
  if (state.status === 'resolved')
    throw new DomainError('issue-resolved', `issue ${state.issueId} is resolved: it is final`);
  return state;
}

function acknowledgedIssue(state: IssueState, action: string): ExistingIssue {
  const issue = openIssue(state);
  if (issue.status !== 'acknowledged')
    throw new DomainError(
      'issue-not-acknowledged',
      `issue ${issue.issueId} must be acknowledged before it can be ${action}`,
    );
  return issue;
}

export const issueDecider: Decider<IssueCommand, IssueEvent, IssueState> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'ReportIssue': {
        if (state.status !== 'none')
          throw new DomainError('issue-exists', `issue ${command.issueId} was already reported`);
        // A complaint is answered: without a way back to the resident it cannot be taken in.
        if (command.source === 'resident-complaint' && !command.reporterContact)
          throw new DomainError(
            'reporter-contact-required',
            'a resident complaint needs the reporter’s contact',
          );
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
              ...(command.reporterContact ? { reporterContact: command.reporterContact } : {}),
              ...(command.photos ? { photos: command.photos } : {}),
            },
          },
        ];
      }
      case 'AcknowledgeIssue': {
        const issue = openIssue(state);
        if (issue.status === 'acknowledged')
          throw new DomainError(
            'issue-already-acknowledged',
            `issue ${issue.issueId} is already acknowledged`,
          );
        return [
          {
            type: 'street.issue.acknowledged.v1',
            data: {
              issueId: issue.issueId,
              caseId: issue.caseId,
              acknowledgedBy: command.acknowledgedBy,
              acknowledgedAt: command.acknowledgedAt.toISOString(),
            },
          },
        ];
      }
      case 'AddIssueNote': {
        const issue = acknowledgedIssue(state, 'handled');
        return [
          {
            type: 'street.issue.note-added.v1',
            data: {
              issueId: issue.issueId,
              caseId: issue.caseId,
              noteId: command.noteId,
              note: command.note,
              addedBy: command.addedBy,
              addedAt: command.addedAt.toISOString(),
            },
          },
        ];
      }
      case 'ResolveIssue': {
        const issue = acknowledgedIssue(state, 'resolved');
        return [
          {
            type: 'street.issue.resolved.v1',
            data: {
              issueId: issue.issueId,
              caseId: issue.caseId,
              outcome: command.outcome,
              summary: command.summary,
              resolvedBy: command.resolvedBy,
              resolvedAt: command.resolvedAt.toISOString(),
            },
          },
        ];
      }
      case 'EraseReporter': {
        if (state.status === 'none') throw new DomainError('issue-unknown', 'no such issue');
        if (!state.reporterSubjectId)
          throw new DomainError(
            'issue-has-no-reporter-data',
            `issue ${state.issueId} holds no personal data of its reporter`,
          );
        if (state.reporterErasedAt) return []; // erased already: nothing more to record
        return [
          {
            type: 'street.issue.reporter-erased.v1',
            data: {
              issueId: state.issueId,
              caseId: state.caseId,
              dataSubjectId: state.reporterSubjectId,
              reason: command.reason,
              erasedBy: command.erasedBy,
              erasedAt: command.erasedAt.toISOString(),
            },
          },
        ];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'street.issue.reported.v1':
        return {
          status: 'reported',
          issueId: event.data.issueId,
          caseId: event.data.caseId,
          source: event.data.source,
          category: event.data.category,
          location: event.data.location,
          severity: event.data.severity,
          reportedAt: event.data.reportedAt,
          notes: [],
          // One data subject for the reporter's contact and photos (the handler makes it so).
          ...(event.data.reporterContact || event.data.photos
            ? {
                reporterSubjectId:
                  event.data.reporterContact?.dataSubjectId ?? event.data.photos!.dataSubjectId,
              }
            : {}),
        };
      case 'street.issue.acknowledged.v1':
        return state.status === 'none'
          ? state
          : { ...state, status: 'acknowledged', acknowledgedAt: event.data.acknowledgedAt };
      case 'street.issue.note-added.v1': {
        if (state.status === 'none') return state;
        const { noteId, note, addedBy, addedAt } = event.data;
        return { ...state, notes: [...state.notes, { noteId, note, addedBy, addedAt }] };
      }
      case 'street.issue.resolved.v1':
        return state.status === 'none'
          ? state
          : {
              ...state,
              status: 'resolved',
              outcome: event.data.outcome,
              resolvedAt: event.data.resolvedAt,
            };
      case 'street.issue.reporter-erased.v1':
        return state.status === 'none'
          ? state
          : { ...state, reporterErasedAt: event.data.erasedAt };
      default:
        return assertNever(event);
    }
  },
};
