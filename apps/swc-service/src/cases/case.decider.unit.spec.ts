import type { SwcEvent } from '@gridline/contracts';
import { DomainError, deciderSpec } from '@gridline/eventsourcing';
import { caseDecider, type CaseCommand, type TriageCase } from './case.decider.js';
import { DEFAULT_SLA } from './sla.js';

const spec = deciderSpec(caseDecider);
const caseId = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const report = '11111111-2222-4333-8444-555555555555';
const lead = 'aaaaaaaa-0000-4000-8000-000000000001';
const co = 'aaaaaaaa-0000-4000-8000-000000000002';
const t0 = new Date('2026-03-02T08:00:00.000Z');
const hoursLater = (h: number) => new Date(t0.getTime() + h * 3_600_000);
const iso = (d: Date) => d.toISOString();
const who = { by: 'coord-1', at: t0 };
const agencyEvent = (n: number) => `bbbbbbbb-0000-4000-8000-00000000000${n}`;

const location = { street: 'Xinjiekou', community: 'Zhaodengyu', grid: 'G-0312' };
const opened: SwcEvent = {
  type: 'swc.case.opened.v1',
  data: {
    caseId,
    origin: 'street-report',
    originEventId: report,
    category: 'street-vending',
    location,
    severity: 'medium',
    openedBy: 'swc-service',
    openedAt: iso(t0),
  },
};
const triage: TriageCase = {
  type: 'TriageCase',
  riskLevel: 'yellow',
  category: 'street-vending',
  leadAgency: 'street',
  coHandlers: ['drc'],
  assignmentIds: [lead, co],
  sla: DEFAULT_SLA,
  ...who,
};
const triaged: SwcEvent[] = [
  {
    type: 'swc.case.triaged.v1',
    data: {
      caseId,
      riskLevel: 'yellow',
      category: 'street-vending',
      leadAgency: 'street',
      coHandlers: ['drc'],
      triagedBy: 'coord-1',
      triagedAt: iso(t0),
    },
  },
  {
    type: 'swc.case.assignment-made.v1',
    data: {
      caseId,
      assignmentId: lead,
      agency: 'street',
      role: 'lead',
      dueAt: iso(hoursLater(72)),
      assignedBy: 'coord-1',
      assignedAt: iso(t0),
    },
  },
  {
    type: 'swc.case.assignment-made.v1',
    data: {
      caseId,
      assignmentId: co,
      agency: 'drc',
      role: 'co-handler',
      dueAt: iso(hoursLater(72)),
      assignedBy: 'coord-1',
      assignedAt: iso(t0),
    },
  },
];
const handoff = (
  kind: 'accepted' | 'declined' | 'returned' | 'progress' | 'completed',
  assignmentId: string,
  agency: 'street' | 'drc',
  n: number,
  text?: string,
): CaseCommand => ({
  type: 'RecordHandoff',
  kind,
  assignmentId,
  agency,
  sourceEventId: agencyEvent(n),
  ...(text ? { text } : {}),
  by: `${agency}-officer`,
  at: hoursLater(1),
});
const handoffEvent = (
  type:
    | 'swc.case.assignment-accepted.v1'
    | 'swc.case.assignment-completed.v1'
    | 'swc.case.assignment-declined.v1',
  assignmentId: string,
  agency: 'street' | 'drc',
  n: number,
  extra: object = {},
): SwcEvent =>
  ({
    type,
    data: {
      caseId,
      assignmentId,
      agency,
      by: `${agency}-officer`,
      sourceEventId: agencyEvent(n),
      at: iso(hoursLater(1)),
      ...extra,
    },
  }) as SwcEvent;
const bothDone: SwcEvent[] = [
  ...triaged,
  handoffEvent('swc.case.assignment-accepted.v1', lead, 'street', 1),
  handoffEvent('swc.case.assignment-accepted.v1', co, 'drc', 2),
  handoffEvent('swc.case.assignment-completed.v1', lead, 'street', 3, { outcome: 'stall offered' }),
  handoffEvent('swc.case.assignment-completed.v1', co, 'drc', 4, { outcome: 'zone funded' }),
];
const verified: SwcEvent = {
  type: 'swc.case.outcome-verified.v1',
  data: { caseId, verifiedBy: 'coord-1', note: 'vendor moved', verifiedAt: iso(t0) },
};
const closed: SwcEvent = {
  type: 'swc.case.closed.v1',
  data: { caseId, closedBy: 'coord-1', closedAt: iso(t0) },
};
const rejects = (events: SwcEvent[], command: CaseCommand, code: string) =>
  spec
    .given(events)
    .when(command)
    .thenThrows(DomainError, (e) => e.code === code);

describe('Coordinated case: opening', () => {
  it('SWC opens a case from a street report', () => {
    spec
      .given([])
      .when({
        type: 'OpenCase',
        caseId,
        origin: 'street-report',
        originEventId: report,
        category: 'street-vending',
        location,
        severity: 'medium',
        by: 'swc-service',
        at: t0,
      })
      .then([opened]);
  });

  it('the same report delivered again opens nothing more; another trigger is refused', () => {
    const again: CaseCommand = {
      type: 'OpenCase',
      caseId,
      origin: 'street-report',
      originEventId: report,
      category: 'street-vending',
      location,
      severity: 'medium',
      ...who,
    };
    spec.given([opened]).when(again).then([]);
    rejects([opened], { ...again, originEventId: agencyEvent(9) }, 'case-already-open');
  });
});

describe('Coordinated case: triage and assignments', () => {
  it('triage assigns the lead and the co-handlers, each due by the SLA of its risk level', () => {
    spec.given([opened]).when(triage).then(triaged);
  });

  it('a red case is triaged straight into emergency mode with the emergency deadlines', () => {
    const [first, lead2] = triaged as [
      SwcEvent,
      SwcEvent & { type: 'swc.case.assignment-made.v1' },
    ];
    spec
      .given([opened])
      .when({ ...triage, riskLevel: 'red', coHandlers: [], assignmentIds: [lead] })
      .then([
        { ...first, data: { ...first.data, riskLevel: 'red', coHandlers: [] } } as SwcEvent,
        {
          type: 'swc.case.mode-switched.v1',
          data: {
            caseId,
            mode: 'emergency',
            reason: 'red risk level',
            switchedBy: 'coord-1',
            switchedAt: iso(t0),
          },
        },
        { ...lead2, data: { ...lead2.data, dueAt: iso(hoursLater(2)) } },
      ]);
  });

  it('the lead cannot also be a co-handler, and a case is triaged once', () => {
    rejects([opened], { ...triage, coHandlers: ['street'] }, 'lead-is-co-handler');
    rejects([opened, ...triaged], triage, 'already-triaged');
  });

  it('an agency with an open assignment is not assigned again; a declined one may be', () => {
    const assign: CaseCommand = {
      type: 'AssignAgency',
      assignmentId: 'aaaaaaaa-0000-4000-8000-000000000003',
      agency: 'drc',
      role: 'co-handler',
      sla: DEFAULT_SLA,
      ...who,
    };
    rejects([opened, ...triaged], assign, 'already-assigned');
    const declined = handoffEvent('swc.case.assignment-declined.v1', co, 'drc', 2, {
      reason: 'not our remit',
    });
    spec
      .given([opened, ...triaged, declined])
      .when(assign)
      .then([
        {
          type: 'swc.case.assignment-made.v1',
          data: {
            caseId,
            assignmentId: 'aaaaaaaa-0000-4000-8000-000000000003',
            agency: 'drc',
            role: 'co-handler',
            dueAt: iso(hoursLater(72)),
            assignedBy: 'coord-1',
            assignedAt: iso(t0),
          },
        },
      ]);
  });
});

describe('Coordinated case: handoffs from the agencies', () => {
  it('records accept, progress and completion in order, with the agency event as source', () => {
    spec
      .given([opened, ...triaged])
      .when(handoff('accepted', lead, 'street', 1))
      .then([handoffEvent('swc.case.assignment-accepted.v1', lead, 'street', 1)]);
    spec
      .given([
        opened,
        ...triaged,
        handoffEvent('swc.case.assignment-accepted.v1', lead, 'street', 1),
      ])
      .when(handoff('completed', lead, 'street', 3, 'stall offered'))
      .then([
        handoffEvent('swc.case.assignment-completed.v1', lead, 'street', 3, {
          outcome: 'stall offered',
        }),
      ]);
  });

  it('refuses a handoff out of order or for an unknown assignment', () => {
    rejects(
      [opened, ...triaged],
      handoff('completed', lead, 'street', 3, 'x'),
      'handoff-out-of-order',
    );
    rejects([opened, ...triaged], handoff('accepted', lead, 'drc', 1), 'unknown-assignment');
  });

  it('a decline needs a reason', () => {
    rejects([opened, ...triaged], handoff('declined', co, 'drc', 2), 'text-required');
  });

  it('the same agency event delivered twice is recorded once', () => {
    spec
      .given([
        opened,
        ...triaged,
        handoffEvent('swc.case.assignment-accepted.v1', lead, 'street', 1),
      ])
      .when(handoff('accepted', lead, 'street', 1))
      .then([]);
  });
});

describe('Coordinated case: deadlines and emergency linkage', () => {
  const escalate = (h: number): CaseCommand => ({
    type: 'EscalateOverdue',
    assignmentId: lead,
    at: hoursLater(h),
  });
  const escalated: SwcEvent = {
    type: 'swc.case.assignment-escalated.v1',
    data: {
      caseId,
      assignmentId: lead,
      agency: 'street',
      dueAt: iso(hoursLater(72)),
      escalatedAt: iso(hoursLater(73)),
    },
  };

  it('an open assignment past its due time is escalated once', () => {
    spec
      .given([opened, ...triaged])
      .when(escalate(73))
      .then([escalated]);
    spec
      .given([opened, ...triaged, escalated])
      .when(escalate(74))
      .then([]);
  });

  it('nothing is escalated before the due time or after completion', () => {
    spec
      .given([opened, ...triaged])
      .when(escalate(71))
      .then([]);
    spec
      .given([opened, ...bothDone])
      .when(escalate(100))
      .then([]);
  });

  it('switching to emergency shortens the deadlines of open assignments', () => {
    spec
      .given([opened, ...triaged])
      .when({
        type: 'SwitchMode',
        mode: 'emergency',
        reason: 'crowd forming',
        sla: DEFAULT_SLA,
        ...who,
      })
      .then([
        {
          type: 'swc.case.mode-switched.v1',
          data: {
            caseId,
            mode: 'emergency',
            reason: 'crowd forming',
            switchedBy: 'coord-1',
            switchedAt: iso(t0),
          },
        },
        ...[lead, co].map((assignmentId): SwcEvent => ({
          type: 'swc.case.assignment-rescheduled.v1',
          data: {
            caseId,
            assignmentId,
            dueAt: iso(hoursLater(12)),
            reason: 'emergency mode',
            rescheduledAt: iso(t0),
          },
        })),
      ]);
  });

  it('raising the risk to red switches to emergency; a red case cannot go back to routine', () => {
    const raised = caseDecider.decide(
      { type: 'ChangeRiskLevel', to: 'red', reason: 'injury reported', sla: DEFAULT_SLA, ...who },
      [opened, ...triaged].reduce(caseDecider.evolve, caseDecider.initialState()),
    );
    expect(raised.map((e) => e.type)).toEqual([
      'swc.case.risk-level-changed.v1',
      'swc.case.mode-switched.v1',
      'swc.case.assignment-rescheduled.v1',
      'swc.case.assignment-rescheduled.v1',
    ]);
    rejects(
      [opened, ...triaged, ...raised],
      { type: 'SwitchMode', mode: 'routine', reason: 'calm', sla: DEFAULT_SLA, ...who },
      'red-stays-emergency',
    );
  });
});

describe('Coordinated case: verification, feedback, closure, reopening', () => {
  const verify: CaseCommand = { type: 'VerifyOutcome', note: 'vendor moved', ...who };

  it('the outcome is verified only after every assignment is completed', () => {
    rejects([opened, ...triaged], verify, 'assignments-open');
    spec
      .given([opened, ...bothDone])
      .when(verify)
      .then([verified]);
  });

  it('a declined co-handler does not block verification, but a lead must have completed', () => {
    const declined = handoffEvent('swc.case.assignment-declined.v1', lead, 'street', 1, {
      reason: 'wrong street',
    });
    const coDone = [
      handoffEvent('swc.case.assignment-accepted.v1', co, 'drc', 2),
      handoffEvent('swc.case.assignment-completed.v1', co, 'drc', 4, { outcome: 'zone funded' }),
    ];
    rejects([opened, ...triaged, declined, ...coDone], verify, 'no-completed-lead');
  });

  it('closes only a verified case; feedback is on a verified outcome', () => {
    rejects([opened, ...bothDone], { type: 'CloseCase', ...who }, 'not-verified');
    rejects(
      [opened, ...bothDone],
      { type: 'RecordFeedback', satisfaction: 5, channel: 'phone', ...who },
      'not-verified',
    );
    spec
      .given([opened, ...bothDone, verified])
      .when({ type: 'CloseCase', ...who })
      .then([closed]);
    spec
      .given([opened, ...bothDone, verified, closed])
      .when({ type: 'RecordFeedback', satisfaction: 4, channel: 'phone', ...who })
      .then([
        {
          type: 'swc.case.feedback-recorded.v1',
          data: {
            caseId,
            satisfaction: 4,
            channel: 'phone',
            recordedBy: 'coord-1',
            recordedAt: iso(t0),
          },
        },
      ]);
  });

  it('a closed case takes no more work, and reopens when a decision is revoked on appeal', () => {
    const history = [opened, ...bothDone, verified, closed];
    rejects(
      history,
      { type: 'SwitchMode', mode: 'emergency', reason: 'x', sla: DEFAULT_SLA, ...who },
      'case-closed',
    );
    const reopen: CaseCommand = {
      type: 'ReopenCase',
      reason: 'decision revoked on appeal',
      causeEventId: agencyEvent(8),
      ...who,
    };
    const reopened: SwcEvent = {
      type: 'swc.case.reopened.v1',
      data: {
        caseId,
        reason: 'decision revoked on appeal',
        causeEventId: agencyEvent(8),
        reopenedBy: 'coord-1',
        reopenedAt: iso(t0),
      },
    };
    spec.given(history).when(reopen).then([reopened]);
    spec
      .given([...history, reopened])
      .when(reopen)
      .then([]);
    // Reopened: verification is needed again before closing.
    rejects([...history, reopened], { type: 'CloseCase', ...who }, 'not-verified');
  });

  it('a manual reopen needs a closed case', () => {
    rejects([opened], { type: 'ReopenCase', reason: 'why not', ...who }, 'case-not-closed');
  });
});
