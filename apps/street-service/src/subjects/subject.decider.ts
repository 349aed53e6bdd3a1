import type { EnforcementSubjectKind, SealedValue, SubjectRegistered } from '@gridline/contracts';
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

export type SubjectCommand = RegisterSubject;
export type SubjectEvent = SubjectRegistered;

export type SubjectState =
  | { readonly status: 'none' }
  | {
      readonly status: 'registered';
      readonly subjectId: string;
      readonly kind: EnforcementSubjectKind;
      readonly name: SealedValue;
      readonly registeredAt: string;
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
      default:
        return assertNever(command.type);
    }
  },

  evolve(_state, event) {
    switch (event.type) {
      case 'street.subject.registered.v1':
        return {
          status: 'registered',
          subjectId: event.data.subjectId,
          kind: event.data.kind,
          name: event.data.name,
          registeredAt: event.data.registeredAt,
        };
      default:
        return assertNever(event.type);
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
