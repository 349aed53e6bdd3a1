import type {
  EnforcementEvidenceRecorded,
  Place,
  ReminderIssued,
  SeriousViolation,
  WarningIssued,
} from '@gridline/contracts';
import { assertNever, DomainError, type Decider } from '@gridline/eventsourcing';
import { recordEvidence, type NewEvidence } from '../shared/evidence.js';
import { lookBackStart, withinLookBack } from '../shared/look-back.js';
import {
  hasRole,
  requireEnforcementCredential,
  staffRef,
  type StaffActor,
} from '../shared/staff.js';

// One stream per subject and violation category holds the dated reminder and
// warning steps of the 721 progression; the penalty is a decision of its own
// (decisions/), which reads these steps to check the order.

interface StepCommand {
  readonly stepId: string;
  readonly subjectId: string;
  readonly category: string;
  /** The coordinated case (from SWC) this step belongs to. */
  readonly caseId: string;
  readonly place: Place;
  readonly explanation: string;
  readonly actor: StaffActor;
  readonly issuedAt: Date;
}

/** Service: the first contact. Auxiliary staff may remind. */
export interface IssueReminder extends StepCommand {
  readonly type: 'IssueReminder';
}

/** Management: a credentialed officer warns, with evidence attached in the same command. */
export interface IssueWarning extends StepCommand {
  readonly type: 'IssueWarning';
  readonly evidence: readonly NewEvidence[];
  /** A serious violation may skip the reminder, on a stated legal ground. */
  readonly serious?: SeriousViolation;
  readonly lookBackMonths: number;
}

/** More evidence for a step already taken (the full-process record). */
export interface RecordStepEvidence {
  readonly type: 'RecordStepEvidence';
  readonly stepId: string;
  readonly evidence: NewEvidence;
  readonly actor: StaffActor;
  readonly recordedAt: Date;
}

export type EnforcementCommand = IssueReminder | IssueWarning | RecordStepEvidence;
export type EnforcementEvent = ReminderIssued | WarningIssued | EnforcementEvidenceRecorded;

export interface EnforcementStep {
  readonly stepId: string;
  readonly kind: 'reminder' | 'warning';
  readonly caseId: string;
  readonly issuedAt: string;
  readonly issuedBy: string;
  readonly evidenceIds: readonly string[];
}

export interface EnforcementState {
  readonly subjectId?: string;
  readonly category?: string;
  readonly steps: readonly EnforcementStep[];
}

export const enforcementStreamId = (subjectId: string, category: string) =>
  `street-enforcement-${subjectId}-${category}`;

function stepIsNew(state: EnforcementState, stepId: string): void {
  if (state.steps.some((s) => s.stepId === stepId))
    throw new DomainError('step-exists', `enforcement step ${stepId} already exists`);
}

export const enforcementDecider: Decider<EnforcementCommand, EnforcementEvent, EnforcementState> = {
  initialState: () => ({ steps: [] }),

  decide(command, state) {
    switch (command.type) {
      case 'IssueReminder': {
        if (!hasRole(command.actor, 'grid-worker') && !hasRole(command.actor, 'officer'))
          throw new DomainError('role-required', 'only grid workers and officers may remind', {
            actorId: command.actor.id,
          });
        stepIsNew(state, command.stepId);
        return [
          {
            type: 'street.enforcement.reminder-issued.v1',
            data: {
              stepId: command.stepId,
              subjectId: command.subjectId,
              category: command.category,
              caseId: command.caseId,
              place: command.place,
              explanation: command.explanation,
              issuedBy: staffRef(command.actor, command.issuedAt),
              issuedAt: command.issuedAt.toISOString(),
            },
          },
        ];
      }
      case 'IssueWarning': {
        const officer = requireEnforcementCredential(
          command.actor,
          'issue a warning',
          command.issuedAt,
        );
        stepIsNew(state, command.stepId);
        if (command.evidence.length === 0)
          throw new DomainError(
            'evidence-required',
            'a warning needs at least one piece of evidence',
          );
        const reminders = withinLookBack(
          state.steps.filter((s) => s.kind === 'reminder'),
          command.issuedAt,
          command.lookBackMonths,
        );
        if (reminders.length === 0 && !command.serious)
          throw new DomainError(
            'progression-721',
            'a warning needs a prior reminder in the look-back window, unless the violation is serious with a stated legal ground',
            {
              missing: ['reminder'],
              lookBackMonths: command.lookBackMonths,
              windowStart: lookBackStart(command.issuedAt, command.lookBackMonths).toISOString(),
            },
          );
        return [
          {
            type: 'street.enforcement.warning-issued.v1',
            data: {
              stepId: command.stepId,
              subjectId: command.subjectId,
              category: command.category,
              caseId: command.caseId,
              place: command.place,
              explanation: command.explanation,
              ...(command.serious ? { serious: command.serious } : {}),
              evidence: command.evidence.map((e) => recordEvidence(e, officer, command.issuedAt)),
              issuedBy: officer,
              issuedAt: command.issuedAt.toISOString(),
            },
          },
        ];
      }
      case 'RecordStepEvidence': {
        const officer = requireEnforcementCredential(
          command.actor,
          'record evidence',
          command.recordedAt,
        );
        const step = state.steps.find((s) => s.stepId === command.stepId);
        if (!step || !state.subjectId || !state.category)
          throw new DomainError('step-unknown', `no enforcement step ${command.stepId}`);
        if (step.evidenceIds.includes(command.evidence.evidenceId)) return [];
        return [
          {
            type: 'street.enforcement.evidence-recorded.v1',
            data: {
              stepId: step.stepId,
              subjectId: state.subjectId,
              category: state.category,
              caseId: step.caseId,
              evidence: recordEvidence(command.evidence, officer, command.recordedAt),
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
      case 'street.enforcement.reminder-issued.v1':
      case 'street.enforcement.warning-issued.v1': {
        const { data } = event;
        const step: EnforcementStep = {
          stepId: data.stepId,
          kind: event.type === 'street.enforcement.reminder-issued.v1' ? 'reminder' : 'warning',
          caseId: data.caseId,
          issuedAt: data.issuedAt,
          issuedBy: 'staffId' in data.issuedBy ? data.issuedBy.staffId : data.issuedBy.officerId,
          evidenceIds: 'evidence' in data ? data.evidence.map((e) => e.evidenceId) : [],
        };
        return {
          subjectId: data.subjectId,
          category: data.category,
          steps: [...state.steps, step],
        };
      }
      case 'street.enforcement.evidence-recorded.v1':
        return {
          ...state,
          steps: state.steps.map((s) =>
            s.stepId === event.data.stepId
              ? { ...s, evidenceIds: [...s.evidenceIds, event.data.evidence.evidenceId] }
              : s,
          ),
        };
      default:
        return assertNever(event);
    }
  },
};
