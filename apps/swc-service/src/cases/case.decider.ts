import type {
  AssignmentRole,
  CaseArea,
  CaseMode,
  CaseOrigin,
  HandlingAgency,
  RiskLevel,
  Severity,
  SwcEvent,
} from '@gridline/contracts';
import { assertNever, DomainError, type Decider } from '@gridline/eventsourcing';
import { dueAt, type SlaTable } from './sla.js';

/** Every command says who acts and when (the handler's clock), so the decider stays pure. */
interface Acting {
  readonly by: string;
  readonly at: Date;
}

export interface OpenCase extends Acting {
  readonly type: 'OpenCase';
  readonly caseId: string;
  readonly origin: CaseOrigin;
  readonly originEventId?: string;
  readonly category: string;
  readonly location: CaseArea;
  readonly severity: Severity;
  readonly riskLevel?: RiskLevel;
}
export interface TriageCase extends Acting {
  readonly type: 'TriageCase';
  readonly riskLevel: RiskLevel;
  readonly category: string;
  readonly leadAgency: HandlingAgency;
  readonly coHandlers: readonly HandlingAgency[];
  /** One new id per assignment: the lead's first, then the co-handlers' in order. */
  readonly assignmentIds: readonly string[];
  readonly instructions?: string;
  readonly sla: SlaTable;
}
export interface ChangeRiskLevel extends Acting {
  readonly type: 'ChangeRiskLevel';
  readonly to: RiskLevel;
  readonly reason: string;
  readonly sla: SlaTable;
}
export interface SwitchMode extends Acting {
  readonly type: 'SwitchMode';
  readonly mode: CaseMode;
  readonly reason: string;
  readonly sla: SlaTable;
}
export interface AssignAgency extends Acting {
  readonly type: 'AssignAgency';
  readonly assignmentId: string;
  readonly agency: HandlingAgency;
  readonly role: AssignmentRole;
  readonly instructions?: string;
  readonly sla: SlaTable;
}
export type HandoffKind = 'accepted' | 'declined' | 'returned' | 'progress' | 'completed';
/** An agency's answer on its assignment, recorded from the agency's own event. */
export interface RecordHandoff extends Acting {
  readonly type: 'RecordHandoff';
  readonly kind: HandoffKind;
  readonly assignmentId: string;
  readonly agency: HandlingAgency;
  /** Reason (declined, returned), note (progress) or outcome (completed). */
  readonly text?: string;
  readonly sourceEventId: string;
}
export interface EscalateOverdue {
  readonly type: 'EscalateOverdue';
  readonly assignmentId: string;
  readonly at: Date;
}
export interface VerifyOutcome extends Acting {
  readonly type: 'VerifyOutcome';
  readonly note: string;
}
export interface RecordFeedback extends Acting {
  readonly type: 'RecordFeedback';
  readonly satisfaction: 1 | 2 | 3 | 4 | 5;
  readonly channel: 'phone' | 'visit' | 'online';
}
export interface CloseCase extends Acting {
  readonly type: 'CloseCase';
}
export interface ReopenCase extends Acting {
  readonly type: 'ReopenCase';
  readonly reason: string;
  readonly causeEventId?: string;
}

export type CaseCommand =
  | OpenCase
  | TriageCase
  | ChangeRiskLevel
  | SwitchMode
  | AssignAgency
  | RecordHandoff
  | EscalateOverdue
  | VerifyOutcome
  | RecordFeedback
  | CloseCase
  | ReopenCase;

export type AssignmentStatus = 'pending' | 'accepted' | 'declined' | 'returned' | 'completed';

export interface AssignmentState {
  readonly agency: HandlingAgency;
  readonly role: AssignmentRole;
  readonly status: AssignmentStatus;
  readonly assignedAt: string;
  readonly dueAt: string;
  readonly escalated: boolean;
}

export interface ActiveCase {
  readonly status: 'open' | 'closed';
  readonly caseId: string;
  readonly originEventId: string | undefined;
  readonly riskLevel: RiskLevel | undefined;
  readonly mode: CaseMode;
  readonly triaged: boolean;
  readonly assignments: Readonly<Record<string, AssignmentState>>;
  readonly verified: boolean;
  /** Triggers (agency events, revocations) already recorded: redelivery changes nothing. */
  readonly handled: readonly string[];
}

export type CaseState = { readonly status: 'none' } | ActiveCase;

export const caseStreamId = (caseId: string) => `swc-case-${caseId}`;

const ACTIVE: readonly AssignmentStatus[] = ['pending', 'accepted'];

/** Which assignment state a handoff may come from, and what it becomes. */
const HANDOFFS: Record<HandoffKind, { from: AssignmentStatus; to: AssignmentStatus }> = {
  accepted: { from: 'pending', to: 'accepted' },
  declined: { from: 'pending', to: 'declined' },
  returned: { from: 'accepted', to: 'returned' },
  progress: { from: 'accepted', to: 'accepted' },
  completed: { from: 'accepted', to: 'completed' },
};

function requireOpen(state: CaseState): ActiveCase {
  if (state.status === 'none') throw new DomainError('case-not-found', 'no such case');
  if (state.status === 'closed')
    throw new DomainError('case-closed', `case ${state.caseId} is closed`);
  return state;
}

function requireText(text: string | undefined, what: string): string {
  if (!text?.trim()) throw new DomainError('text-required', `${what} is required`);
  return text;
}

/** Reschedules every open assignment for a new mode or risk level. */
function reschedule(
  state: ActiveCase,
  mode: CaseMode,
  risk: RiskLevel,
  sla: SlaTable,
  reason: string,
  at: Date,
): SwcEvent[] {
  return Object.entries(state.assignments)
    .filter(([, a]) => ACTIVE.includes(a.status))
    .map(([assignmentId, a]) => ({
      type: 'swc.case.assignment-rescheduled.v1' as const,
      data: {
        caseId: state.caseId,
        assignmentId,
        dueAt: dueAt(a.assignedAt, sla, mode, risk),
        reason,
        rescheduledAt: at.toISOString(),
      },
    }));
}

function decideOpen(command: OpenCase, state: CaseState): SwcEvent[] {
  if (state.status !== 'none') {
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
        ...(command.riskLevel ? { riskLevel: command.riskLevel } : {}),
        openedBy: command.by,
        openedAt: command.at.toISOString(),
      },
    },
  ];
}

function decideTriage(command: TriageCase, state: CaseState): SwcEvent[] {
  const open = requireOpen(state);
  if (open.triaged) throw new DomainError('already-triaged', 'the case was triaged already');
  if (command.coHandlers.includes(command.leadAgency))
    throw new DomainError('lead-is-co-handler', 'the lead agency cannot also be a co-handler');
  const agencies = [command.leadAgency, ...command.coHandlers];
  if (new Set(agencies).size !== agencies.length)
    throw new DomainError('duplicate-co-handler', 'a co-handler is named twice');
  if (command.assignmentIds.length !== agencies.length)
    throw new Error('TriageCase needs one assignment id per agency');
  const at = command.at.toISOString();
  // A red case is an emergency from the start: its deadlines are the short ones.
  const mode: CaseMode = command.riskLevel === 'red' ? 'emergency' : open.mode;
  const events: SwcEvent[] = [
    {
      type: 'swc.case.triaged.v1',
      data: {
        caseId: open.caseId,
        riskLevel: command.riskLevel,
        category: command.category,
        leadAgency: command.leadAgency,
        coHandlers: command.coHandlers,
        triagedBy: command.by,
        triagedAt: at,
      },
    },
  ];
  if (mode !== open.mode)
    events.push({
      type: 'swc.case.mode-switched.v1',
      data: {
        caseId: open.caseId,
        mode,
        reason: 'red risk level',
        switchedBy: command.by,
        switchedAt: at,
      },
    });
  agencies.forEach((agency, index) =>
    events.push({
      type: 'swc.case.assignment-made.v1',
      data: {
        caseId: open.caseId,
        assignmentId: command.assignmentIds[index] ?? '',
        agency,
        role: index === 0 ? 'lead' : 'co-handler',
        dueAt: dueAt(at, command.sla, mode, command.riskLevel),
        ...(command.instructions ? { instructions: command.instructions } : {}),
        assignedBy: command.by,
        assignedAt: at,
      },
    }),
  );
  return events;
}

function decideRiskChange(command: ChangeRiskLevel, state: CaseState): SwcEvent[] {
  const open = requireOpen(state);
  if (!open.triaged || !open.riskLevel)
    throw new DomainError('not-triaged', 'triage the case before changing its risk level');
  if (open.riskLevel === command.to)
    throw new DomainError('same-risk-level', `the risk level is already ${command.to}`);
  const reason = requireText(command.reason, 'a reason');
  const at = command.at.toISOString();
  const mode: CaseMode = command.to === 'red' ? 'emergency' : open.mode;
  const events: SwcEvent[] = [
    {
      type: 'swc.case.risk-level-changed.v1',
      data: {
        caseId: open.caseId,
        from: open.riskLevel,
        to: command.to,
        reason,
        changedBy: command.by,
        changedAt: at,
      },
    },
  ];
  if (mode !== open.mode)
    events.push({
      type: 'swc.case.mode-switched.v1',
      data: {
        caseId: open.caseId,
        mode,
        reason: 'red risk level',
        switchedBy: command.by,
        switchedAt: at,
      },
    });
  return [
    ...events,
    ...reschedule(open, mode, command.to, command.sla, `risk level ${command.to}`, command.at),
  ];
}

function decideSwitchMode(command: SwitchMode, state: CaseState): SwcEvent[] {
  const open = requireOpen(state);
  if (open.mode === command.mode)
    throw new DomainError('same-mode', `the case is already in ${command.mode} mode`);
  if (command.mode === 'routine' && open.riskLevel === 'red')
    throw new DomainError('red-stays-emergency', 'a red case stays in emergency mode');
  const reason = requireText(command.reason, 'a reason');
  const events: SwcEvent[] = [
    {
      type: 'swc.case.mode-switched.v1',
      data: {
        caseId: open.caseId,
        mode: command.mode,
        reason,
        switchedBy: command.by,
        switchedAt: command.at.toISOString(),
      },
    },
  ];
  if (!open.riskLevel) return events;
  return [
    ...events,
    ...reschedule(
      open,
      command.mode,
      open.riskLevel,
      command.sla,
      `${command.mode} mode`,
      command.at,
    ),
  ];
}

function decideAssign(command: AssignAgency, state: CaseState): SwcEvent[] {
  const open = requireOpen(state);
  if (!open.triaged || !open.riskLevel)
    throw new DomainError('not-triaged', 'triage the case before assigning more agencies');
  const active = Object.values(open.assignments).filter((a) => ACTIVE.includes(a.status));
  if (active.some((a) => a.agency === command.agency))
    throw new DomainError('already-assigned', `${command.agency} already has an open assignment`);
  if (command.role === 'lead' && active.some((a) => a.role === 'lead'))
    throw new DomainError('lead-already-assigned', 'the case already has an open lead assignment');
  const at = command.at.toISOString();
  return [
    {
      type: 'swc.case.assignment-made.v1',
      data: {
        caseId: open.caseId,
        assignmentId: command.assignmentId,
        agency: command.agency,
        role: command.role,
        dueAt: dueAt(at, command.sla, open.mode, open.riskLevel),
        ...(command.instructions ? { instructions: command.instructions } : {}),
        assignedBy: command.by,
        assignedAt: at,
      },
    },
  ];
}

function decideHandoff(command: RecordHandoff, state: CaseState): SwcEvent[] {
  if (state.status !== 'none' && state.handled.includes(command.sourceEventId)) return [];
  const open = requireOpen(state);
  const assignment = open.assignments[command.assignmentId];
  if (!assignment || assignment.agency !== command.agency)
    throw new DomainError(
      'unknown-assignment',
      `no assignment ${command.assignmentId} for ${command.agency} in this case`,
    );
  const rule = HANDOFFS[command.kind];
  if (assignment.status !== rule.from)
    throw new DomainError(
      'handoff-out-of-order',
      `cannot record ${command.kind} on an assignment that is ${assignment.status}`,
      { status: assignment.status },
    );
  const base = {
    caseId: open.caseId,
    assignmentId: command.assignmentId,
    agency: command.agency,
    by: command.by,
    sourceEventId: command.sourceEventId,
    at: command.at.toISOString(),
  };
  switch (command.kind) {
    case 'accepted':
      return [{ type: 'swc.case.assignment-accepted.v1', data: base }];
    case 'declined':
      return [
        {
          type: 'swc.case.assignment-declined.v1',
          data: { ...base, reason: requireText(command.text, 'a reason') },
        },
      ];
    case 'returned':
      return [
        {
          type: 'swc.case.assignment-returned.v1',
          data: { ...base, reason: requireText(command.text, 'a reason') },
        },
      ];
    case 'progress':
      return [
        {
          type: 'swc.case.progress-reported.v1',
          data: { ...base, note: requireText(command.text, 'a note') },
        },
      ];
    case 'completed':
      return [
        {
          type: 'swc.case.assignment-completed.v1',
          data: { ...base, outcome: requireText(command.text, 'an outcome') },
        },
      ];
    default:
      return assertNever(command.kind);
  }
}

function decideEscalation(command: EscalateOverdue, state: CaseState): SwcEvent[] {
  // The deadline scanner may fire twice or late: anything but a due, open,
  // not yet escalated assignment is a no-op rather than an error.
  if (state.status !== 'open') return [];
  const assignment = state.assignments[command.assignmentId];
  if (!assignment || !ACTIVE.includes(assignment.status) || assignment.escalated) return [];
  if (command.at.getTime() < Date.parse(assignment.dueAt)) return [];
  return [
    {
      type: 'swc.case.assignment-escalated.v1',
      data: {
        caseId: state.caseId,
        assignmentId: command.assignmentId,
        agency: assignment.agency,
        dueAt: assignment.dueAt,
        escalatedAt: command.at.toISOString(),
      },
    },
  ];
}

function decideVerify(command: VerifyOutcome, state: CaseState): SwcEvent[] {
  const open = requireOpen(state);
  const assignments = Object.values(open.assignments);
  const unfinished = assignments.filter((a) => ACTIVE.includes(a.status));
  if (unfinished.length > 0)
    throw new DomainError('assignments-open', 'every assignment must be completed first', {
      open: unfinished.map((a) => a.agency),
    });
  if (!assignments.some((a) => a.role === 'lead' && a.status === 'completed'))
    throw new DomainError('no-completed-lead', 'a lead agency must have completed the case');
  return [
    {
      type: 'swc.case.outcome-verified.v1',
      data: {
        caseId: open.caseId,
        verifiedBy: command.by,
        note: requireText(command.note, 'a verification note'),
        verifiedAt: command.at.toISOString(),
      },
    },
  ];
}

function decideFeedback(command: RecordFeedback, state: CaseState): SwcEvent[] {
  if (state.status === 'none') throw new DomainError('case-not-found', 'no such case');
  if (!state.verified) throw new DomainError('not-verified', 'feedback is on a verified outcome');
  return [
    {
      type: 'swc.case.feedback-recorded.v1',
      data: {
        caseId: state.caseId,
        satisfaction: command.satisfaction,
        channel: command.channel,
        recordedBy: command.by,
        recordedAt: command.at.toISOString(),
      },
    },
  ];
}

function decideClose(command: CloseCase, state: CaseState): SwcEvent[] {
  const open = requireOpen(state);
  if (!open.verified)
    throw new DomainError('not-verified', 'a case closes only after its outcome is verified');
  return [
    {
      type: 'swc.case.closed.v1',
      data: { caseId: open.caseId, closedBy: command.by, closedAt: command.at.toISOString() },
    },
  ];
}

function decideReopen(command: ReopenCase, state: CaseState): SwcEvent[] {
  if (state.status === 'none') throw new DomainError('case-not-found', 'no such case');
  if (command.causeEventId && state.handled.includes(command.causeEventId)) return [];
  // A revocation while the case is still open needs no reopening: it is on the timeline.
  if (state.status === 'open' && command.causeEventId) return [];
  if (state.status !== 'closed')
    throw new DomainError('case-not-closed', 'only a closed case can be reopened');
  return [
    {
      type: 'swc.case.reopened.v1',
      data: {
        caseId: state.caseId,
        reason: requireText(command.reason, 'a reason'),
        ...(command.causeEventId ? { causeEventId: command.causeEventId } : {}),
        reopenedBy: command.by,
        reopenedAt: command.at.toISOString(),
      },
    },
  ];
}

function withAssignment(
  state: ActiveCase,
  assignmentId: string,
  change: Partial<AssignmentState>,
): ActiveCase {
  const current = state.assignments[assignmentId];
  if (!current) return state;
  return {
    ...state,
    assignments: { ...state.assignments, [assignmentId]: { ...current, ...change } },
  };
}

function evolveActive(state: ActiveCase, event: SwcEvent): ActiveCase {
  switch (event.type) {
    case 'swc.case.opened.v1':
      return state;
    case 'swc.case.triaged.v1':
      return { ...state, triaged: true, riskLevel: event.data.riskLevel };
    case 'swc.case.risk-level-changed.v1':
      return { ...state, riskLevel: event.data.to };
    case 'swc.case.mode-switched.v1':
      return { ...state, mode: event.data.mode };
    case 'swc.case.assignment-made.v1':
      return {
        ...state,
        assignments: {
          ...state.assignments,
          [event.data.assignmentId]: {
            agency: event.data.agency,
            role: event.data.role,
            status: 'pending',
            assignedAt: event.data.assignedAt,
            dueAt: event.data.dueAt,
            escalated: false,
          },
        },
      };
    case 'swc.case.assignment-rescheduled.v1':
      return withAssignment(state, event.data.assignmentId, {
        dueAt: event.data.dueAt,
        escalated: false,
      });
    case 'swc.case.assignment-accepted.v1':
    case 'swc.case.assignment-declined.v1':
    case 'swc.case.assignment-returned.v1':
    case 'swc.case.progress-reported.v1':
    case 'swc.case.assignment-completed.v1': {
      const status = {
        'swc.case.assignment-accepted.v1': 'accepted',
        'swc.case.assignment-declined.v1': 'declined',
        'swc.case.assignment-returned.v1': 'returned',
        'swc.case.progress-reported.v1': 'accepted',
        'swc.case.assignment-completed.v1': 'completed',
      }[event.type] as AssignmentStatus;
      return {
        ...withAssignment(state, event.data.assignmentId, { status }),
        handled: [...state.handled, event.data.sourceEventId],
      };
    }
    case 'swc.case.assignment-escalated.v1':
      return withAssignment(state, event.data.assignmentId, { escalated: true });
    case 'swc.case.outcome-verified.v1':
      return { ...state, verified: true };
    case 'swc.case.feedback-recorded.v1':
      return state;
    case 'swc.case.closed.v1':
      return { ...state, status: 'closed' };
    case 'swc.case.reopened.v1':
      return {
        ...state,
        status: 'open',
        verified: false,
        handled: event.data.causeEventId
          ? [...state.handled, event.data.causeEventId]
          : state.handled,
      };
    default:
      return assertNever(event);
  }
}

export const caseDecider: Decider<CaseCommand, SwcEvent, CaseState> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'OpenCase':
        return decideOpen(command, state);
      case 'TriageCase':
        return decideTriage(command, state);
      case 'ChangeRiskLevel':
        return decideRiskChange(command, state);
      case 'SwitchMode':
        return decideSwitchMode(command, state);
      case 'AssignAgency':
        return decideAssign(command, state);
      case 'RecordHandoff':
        return decideHandoff(command, state);
      case 'EscalateOverdue':
        return decideEscalation(command, state);
      case 'VerifyOutcome':
        return decideVerify(command, state);
      case 'RecordFeedback':
        return decideFeedback(command, state);
      case 'CloseCase':
        return decideClose(command, state);
      case 'ReopenCase':
        return decideReopen(command, state);
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    if (state.status === 'none') {
      if (event.type !== 'swc.case.opened.v1') return state;
      return {
        status: 'open',
        caseId: event.data.caseId,
        originEventId: event.data.originEventId,
        riskLevel: event.data.riskLevel,
        mode: 'routine',
        triaged: false,
        assignments: {},
        verified: false,
        handled: [],
      };
    }
    return evolveActive(state, event);
  },
};
