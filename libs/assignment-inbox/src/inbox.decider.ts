import type { AssignmentEvent, InboxAgency } from '@gridline/contracts';
import { assertNever, DomainError, type Decider } from '@gridline/eventsourcing';

interface Acting {
  readonly by: string;
  readonly at: Date;
}
export interface ReceiveAssignment {
  readonly type: 'ReceiveAssignment';
  readonly assignmentId: string;
  readonly caseId: string;
  readonly role: 'lead' | 'co-handler';
  readonly dueAt: string;
  readonly instructions?: string;
  readonly sourceEventId: string;
  readonly at: Date;
}
export interface AcceptAssignment extends Acting {
  readonly type: 'AcceptAssignment';
}
export interface DeclineAssignment extends Acting {
  readonly type: 'DeclineAssignment';
  readonly reason: string;
}
export interface ReturnAssignment extends Acting {
  readonly type: 'ReturnAssignment';
  readonly reason: string;
}
export interface ReportProgress extends Acting {
  readonly type: 'ReportProgress';
  readonly note: string;
}
export interface CompleteAssignment extends Acting {
  readonly type: 'CompleteAssignment';
  readonly outcome: string;
}
export type InboxCommand =
  | ReceiveAssignment
  | AcceptAssignment
  | DeclineAssignment
  | ReturnAssignment
  | ReportProgress
  | CompleteAssignment;

export type InboxStatus = 'received' | 'accepted' | 'declined' | 'returned' | 'completed';

export type InboxState =
  | { readonly status: 'none' }
  | {
      readonly status: InboxStatus;
      readonly assignmentId: string;
      readonly caseId: string;
      readonly role: 'lead' | 'co-handler';
      readonly dueAt: string;
      readonly instructions?: string;
      readonly sourceEventId: string;
      readonly progressNotes: number;
    };

export const inboxStreamId = (agency: InboxAgency, assignmentId: string) =>
  `${agency}-assignment-${assignmentId}`;

/** The commands each status allows (everything else is refused with the status). */
const ALLOWED: Record<InboxStatus, readonly InboxCommand['type'][]> = {
  received: ['AcceptAssignment', 'DeclineAssignment'],
  accepted: ['ReportProgress', 'CompleteAssignment', 'ReturnAssignment'],
  declined: [],
  returned: [],
  completed: [],
};

function required(text: string, what: string): string {
  if (!text.trim()) throw new DomainError('text-required', `${what} is required`);
  return text;
}

/**
 * An agency's inbox entry for one SWC assignment: received, then accepted or
 * declined; an accepted one gets progress reports and is completed or handed
 * back. The same decider serves every handling agency, under its own prefix.
 */
export function inboxDecider<A extends InboxAgency>(
  agency: A,
): Decider<InboxCommand, AssignmentEvent<A>, InboxState> {
  const type = <V extends string>(verb: V) => `${agency}.assignment.${verb}.v1` as const;
  return {
    initialState: () => ({ status: 'none' }),

    decide(command, state) {
      if (command.type === 'ReceiveAssignment') {
        if (state.status !== 'none') {
          if (state.sourceEventId === command.sourceEventId) return []; // redelivered
          throw new DomainError('already-received', 'this assignment is already in the inbox');
        }
        return [
          {
            type: type('received'),
            data: {
              assignmentId: command.assignmentId,
              caseId: command.caseId,
              role: command.role,
              dueAt: command.dueAt,
              ...(command.instructions ? { instructions: command.instructions } : {}),
              sourceEventId: command.sourceEventId,
              receivedAt: command.at.toISOString(),
            },
          },
        ];
      }
      if (state.status === 'none')
        throw new DomainError('assignment-not-found', 'no such assignment in this inbox');
      if (!ALLOWED[state.status].includes(command.type))
        throw new DomainError(
          'assignment-state',
          `the assignment is ${state.status}: ${command.type} is not possible`,
          { status: state.status },
        );
      const ids = { assignmentId: state.assignmentId, caseId: state.caseId };
      const at = command.at.toISOString();
      const event = (() => {
        switch (command.type) {
          case 'AcceptAssignment':
            return { type: type('accepted'), data: { ...ids, by: command.by, at } };
          case 'DeclineAssignment':
            return {
              type: type('declined'),
              data: { ...ids, by: command.by, reason: required(command.reason, 'a reason'), at },
            };
          case 'ReturnAssignment':
            return {
              type: type('returned'),
              data: { ...ids, by: command.by, reason: required(command.reason, 'a reason'), at },
            };
          case 'ReportProgress':
            return {
              type: type('progress-reported'),
              data: { ...ids, by: command.by, note: required(command.note, 'a note'), at },
            };
          case 'CompleteAssignment':
            return {
              type: type('completed'),
              data: {
                ...ids,
                by: command.by,
                outcome: required(command.outcome, 'an outcome'),
                at,
              },
            };
          default:
            return assertNever(command);
        }
      })();
      return [event];
    },

    evolve(state, event) {
      const verb = event.type.split('.')[2] as
        'received' | Exclude<InboxStatus, 'received'> | 'progress-reported';
      if (verb === 'received') {
        const d = event.data as Extract<
          AssignmentEvent,
          { type: `${InboxAgency}.assignment.received.v1` }
        >['data'];
        return {
          status: 'received',
          assignmentId: d.assignmentId,
          caseId: d.caseId,
          role: d.role,
          dueAt: d.dueAt,
          ...(d.instructions ? { instructions: d.instructions } : {}),
          sourceEventId: d.sourceEventId,
          progressNotes: 0,
        };
      }
      if (state.status === 'none') return state;
      if (verb === 'progress-reported') return { ...state, progressNotes: state.progressNotes + 1 };
      return { ...state, status: verb };
    },
  };
}
