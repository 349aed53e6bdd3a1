import type { CaseOrigin, GridRef, Severity, SwcEvent } from '@gridline/contracts';
import { assertNever, DomainError, type Decider } from '@gridline/eventsourcing';

export interface OpenCase {
  readonly type: 'OpenCase';
  readonly caseId: string;
  readonly origin: CaseOrigin;
  readonly originEventId?: string;
  readonly category: string;
  readonly location: GridRef;
  readonly severity: Severity;
  readonly openedAt: Date;
}

export type CaseCommand = OpenCase;

export type CaseState =
  | { readonly status: 'none' }
  | {
      readonly status: 'open';
      readonly caseId: string;
      readonly originEventId: string | undefined;
      readonly severity: Severity;
    };

export const caseStreamId = (caseId: string) => `swc-case-${caseId}`;

export const caseDecider: Decider<CaseCommand, SwcEvent, CaseState> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'OpenCase': {
        if (state.status === 'open') {
          // The same trigger delivered again: the case is already open for it.
          if (command.originEventId !== undefined && state.originEventId === command.originEventId)
            return [];
          throw new DomainError('case-already-open', `case ${command.caseId} is already open`);
        }
        return [
          {
            type: 'swc.case.opened.v1',
            data: {
              caseId: command.caseId,
              origin: command.origin,
              ...(command.originEventId ? { originEventId: command.originEventId } : {}),
              category: command.category,
              location: command.location,
              severity: command.severity,
              openedAt: command.openedAt.toISOString(),
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
      case 'swc.case.opened.v1':
        return {
          status: 'open',
          caseId: event.data.caseId,
          originEventId: event.data.originEventId,
          severity: event.data.severity,
        };
      default:
        return assertNever(event.type);
    }
  },
};
