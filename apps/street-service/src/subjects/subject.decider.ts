import type {
  EnforcementSubjectKind,
  SealedValue,
  SubjectErased,
  SubjectRegistered,
} from '@gridline/contracts';
import { assertNever, DomainError, type Decider } from '@gridline/eventsourcing';

/** Identity arrives sealed by the handler under the subject's own key: deciders never see it. */
export interface RegisterSubject {
  readonly type: 'RegisterSubject';
  readonly subjectId: string;
  readonly caseId: string;
  readonly kind: EnforcementSubjectKind;
  readonly name: SealedValue;
  readonly identifier: SealedValue;
  readonly contact?: SealedValue;
  readonly registeredBy: string;
  readonly registeredAt: Date;
}

/** Erasure on request: the handler destroys the subject's key; this records it once. */
export interface EraseSubject {
  readonly type: 'EraseSubject';
  readonly subjectId: string;
  readonly reason: string;
  readonly erasedBy: string;
  readonly erasedAt: Date;
}

export type SubjectCommand = RegisterSubject | EraseSubject;
export type SubjectEvent = SubjectRegistered | SubjectErased;

export type SubjectState =
  | { readonly status: 'none' }
  | {
      readonly status: 'registered';
      readonly subjectId: string;
      readonly kind: EnforcementSubjectKind;
      readonly caseId: string;
      readonly name: SealedValue;
      readonly registeredAt: string;
      /** Set once erased: the sealed values can no longer be opened. */
      readonly erasedAt?: string;
    };

export const subjectStreamId = (subjectId: string) => `street-subject-${subjectId}`;

export const subjectDecider: Decider<SubjectCommand, SubjectEvent, SubjectState> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'RegisterSubject': {
        if (state.status !== 'none')
          throw new DomainError(
            'subject-exists',
            `subject ${command.subjectId} is already registered`,
          );
        return [
          {
            type: 'street.subject.registered.v1',
            data: {
              subjectId: command.subjectId,
              caseId: command.caseId,
              kind: command.kind,
              name: command.name,
              identifier: command.identifier,
              ...(command.contact ? { contact: command.contact } : {}),
              registeredBy: command.registeredBy,
              registeredAt: command.registeredAt.toISOString(),
            },
          },
        ];
      }
      case 'EraseSubject': {
        if (state.status === 'none')
          throw new DomainError(
            'subject-unknown',
            `subject ${command.subjectId} is not registered`,
          );
        if (state.erasedAt) return []; // erased already: nothing more to record
        return [
          {
            type: 'street.subject.erased.v1',
            data: {
              subjectId: state.subjectId,
              caseId: state.caseId,
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
      case 'street.subject.registered.v1':
        return {
          status: 'registered',
          subjectId: event.data.subjectId,
          kind: event.data.kind,
          caseId: event.data.caseId,
          name: event.data.name,
          registeredAt: event.data.registeredAt,
        };
      case 'street.subject.erased.v1':
        return state.status === 'registered' ? { ...state, erasedAt: event.data.erasedAt } : state;
      default:
        return assertNever(event);
    }
  },
};

/**
 * The subject as enforcement publicity shows it: kind and the first letter of the
 * name ("Individual W**"). An erased subject shows only a short pseudonym.
 */
export function maskedSubjectLabel(
  kind: EnforcementSubjectKind,
  name: string | undefined,
  subjectId: string,
): string {
  const initial = name ? [...name.trim()][0] : undefined;
  if (!initial) return `subject ${subjectId.slice(0, 8)}`;
  return `${kind === 'person' ? 'Individual' : 'Business'} ${initial.toUpperCase()}**`;
}
