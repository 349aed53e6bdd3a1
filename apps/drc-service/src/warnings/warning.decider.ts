import {
  RISK_LEVELS,
  type RiskLevel,
  type RiskWarningArea,
  type RiskWarningEvent,
  type RiskWarningKind,
  type SignalFigures,
} from '@gridline/contracts';
import { assertNever, DomainError, type Decider } from '@gridline/eventsourcing';

export interface IssueWarning {
  readonly type: 'IssueWarning';
  readonly warningId: string;
  /** The prevention case this warning opens: every event of the warning carries it. */
  readonly caseId: string;
  readonly kind: RiskWarningKind;
  readonly level: RiskLevel;
  readonly area: RiskWarningArea;
  readonly description: string;
  readonly signal?: SignalFigures;
  readonly issuedBy: string;
  readonly issuedAt: Date;
}

export interface RelevelWarning {
  readonly type: 'RelevelWarning';
  readonly warningId: string;
  readonly level: RiskLevel;
  readonly reason?: string;
  readonly signal?: SignalFigures;
  readonly releveledBy: string;
  readonly releveledAt: Date;
}

export interface LiftWarning {
  readonly type: 'LiftWarning';
  readonly warningId: string;
  readonly reason: string;
  readonly liftedBy: string;
  readonly liftedAt: Date;
}

export type WarningCommand = IssueWarning | RelevelWarning | LiftWarning;

export type WarningState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'lifted';
      readonly warningId: string;
      readonly caseId: string;
      readonly kind: RiskWarningKind;
      readonly level: RiskLevel;
      readonly area: RiskWarningArea;
      readonly description: string;
      /** The latest figures: those given at issue, or with the last re-leveling. */
      readonly signal?: SignalFigures;
      readonly issuedBy: string;
      readonly issuedAt: string;
      readonly lifted?: { readonly reason: string; readonly by: string; readonly at: string };
    };

export const warningStreamId = (warningId: string) => `drc-warning-${warningId}`;

const rank = (level: RiskLevel) => RISK_LEVELS.indexOf(level);

/** The warning's state, or a domain error when it cannot be changed any more. */
function activeWarning(state: WarningState, warningId: string, action: string) {
  if (state.status === 'none')
    throw new DomainError('warning-not-found', `warning ${warningId} was never issued`);
  if (state.status === 'lifted')
    throw new DomainError(
      'warning-lifted',
      `warning ${warningId} was lifted on ${state.lifted?.at ?? 'an earlier date'}: it cannot be ${action}`,
    );
  return state;
}

/**
 * A risk early warning: issued at a level, raised or lowered while the risk
 * develops, lifted (for good) when it has passed.
 */
export const warningDecider: Decider<WarningCommand, RiskWarningEvent, WarningState> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'IssueWarning': {
        if (state.status !== 'none')
          throw new DomainError(
            'warning-exists',
            `warning ${command.warningId} was already issued`,
          );
        return [
          {
            type: 'drc.warning.issued.v1',
            data: {
              warningId: command.warningId,
              caseId: command.caseId,
              kind: command.kind,
              level: command.level,
              area: command.area,
              description: command.description,
              ...(command.signal ? { signal: command.signal } : {}),
              issuedBy: command.issuedBy,
              issuedAt: command.issuedAt.toISOString(),
            },
          },
        ];
      }
      case 'RelevelWarning': {
        const warning = activeWarning(state, command.warningId, 're-leveled');
        if (command.level === warning.level)
          throw new DomainError(
            'level-unchanged',
            `warning ${command.warningId} is already at level ${warning.level}`,
            { level: warning.level },
          );
        return [
          {
            type: 'drc.warning.re-leveled.v1',
            data: {
              warningId: warning.warningId,
              caseId: warning.caseId,
              fromLevel: warning.level,
              toLevel: command.level,
              direction: rank(command.level) > rank(warning.level) ? 'raised' : 'lowered',
              ...(command.reason ? { reason: command.reason } : {}),
              ...(command.signal ? { signal: command.signal } : {}),
              releveledBy: command.releveledBy,
              releveledAt: command.releveledAt.toISOString(),
            },
          },
        ];
      }
      case 'LiftWarning': {
        const warning = activeWarning(state, command.warningId, 'lifted again');
        // Lifting ends the prevention effort: the record must say why the risk has passed.
        if (command.reason.trim() === '')
          throw new DomainError('reason-required', 'lifting a warning needs a reason');
        return [
          {
            type: 'drc.warning.lifted.v1',
            data: {
              warningId: warning.warningId,
              caseId: warning.caseId,
              reason: command.reason,
              liftedBy: command.liftedBy,
              liftedAt: command.liftedAt.toISOString(),
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
      case 'drc.warning.issued.v1':
        return {
          status: 'active',
          warningId: event.data.warningId,
          caseId: event.data.caseId,
          kind: event.data.kind,
          level: event.data.level,
          area: event.data.area,
          description: event.data.description,
          ...(event.data.signal ? { signal: event.data.signal } : {}),
          issuedBy: event.data.issuedBy,
          issuedAt: event.data.issuedAt,
        };
      case 'drc.warning.re-leveled.v1':
        if (state.status === 'none') return state;
        return {
          ...state,
          level: event.data.toLevel,
          ...(event.data.signal ? { signal: event.data.signal } : {}),
        };
      case 'drc.warning.lifted.v1':
        if (state.status === 'none') return state;
        return {
          ...state,
          status: 'lifted',
          lifted: { reason: event.data.reason, by: event.data.liftedBy, at: event.data.liftedAt },
        };
      default:
        return assertNever(event);
    }
  },
};
