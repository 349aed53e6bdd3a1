import { randomUUID } from 'node:crypto';
import type { Actor, Agency, EventMetadata, GridlineEvent } from '@gridline/contracts';
import type { EventStore, NewEvent } from '@gridline/eventsourcing';

/** One event of a scripted history, with the stream it belongs to. */
export interface ScriptedEvent {
  readonly streamId: string;
  readonly event: NewEvent;
}

export interface ScriptedCase {
  readonly caseId: string;
  readonly events: readonly ScriptedEvent[];
}

const place = {
  street: 'Xinjiekou',
  community: 'Zhaodengyu',
  grid: 'G-0312',
  description: 'school gate',
};

/**
 * A vendor story in events, for tests of the fold and of export/import: a grid
 * worker's report, SWC's case (street leads, DRC co-handles), a reminder, the
 * DRC's vending-zone project, verification, rating, closure and a reopening.
 * Every event is schema-valid; ids come from `newId` (fresh random ones by default).
 */
export function vendorStory(
  caseId: string = randomUUID(),
  newId: () => string = randomUUID,
): ScriptedCase {
  const ids = {
    issue: newId(),
    streetAssignment: newId(),
    drcAssignment: newId(),
    subject: newId(),
    step: newId(),
    project: newId(),
  };
  const events: ScriptedEvent[] = [];
  let previous = caseId;
  const add = <E extends GridlineEvent>(
    streamId: string,
    at: string,
    actor: Actor,
    type: E['type'],
    data: E['data'],
  ): string => {
    const id = newId();
    const metadata: EventMetadata = { caseId, correlationId: caseId, causationId: previous, actor };
    events.push({ streamId, event: { id, type, data, metadata, occurredAt: at } });
    previous = id;
    return id;
  };
  const user = (id: string, agency: Agency): Actor => ({ id, agency, kind: 'user' });
  const service = (agency: Agency): Actor => ({ id: `${agency}-service`, agency, kind: 'service' });
  const issueStream = `street-issue-${ids.issue}`;
  const caseStream = `swc-case-${caseId}`;
  const streetInbox = `street-assignment-${ids.streetAssignment}`;
  const drcInbox = `drc-assignment-${ids.drcAssignment}`;
  const projectStream = `drc-project-${ids.project}`;

  const reportId = add(
    issueStream,
    '2026-03-09T07:45:00.000Z',
    user('worker-17', 'street'),
    'street.issue.reported.v1',
    {
      issueId: ids.issue,
      caseId,
      source: 'grid-worker',
      category: 'street-vending',
      location: place,
      description: 'Unlicensed vending at the school gate',
      severity: 'medium',
      reportedBy: 'worker-17',
      reportedAt: '2026-03-09T07:45:00.000Z',
    },
  );
  add(caseStream, '2026-03-09T07:45:01.000Z', service('swc'), 'swc.case.opened.v1', {
    caseId,
    origin: 'street-report',
    originEventId: reportId,
    category: 'street-vending',
    location: { street: place.street, community: place.community, grid: place.grid },
    severity: 'medium',
    openedAt: '2026-03-09T07:45:01.000Z',
  });
  add(caseStream, '2026-03-09T09:00:00.000Z', user('coord-1', 'swc'), 'swc.case.triaged.v1', {
    caseId,
    riskLevel: 'yellow',
    category: 'street-vending',
    leadAgency: 'street',
    coHandlers: ['drc'],
    triagedBy: 'coord-1',
    triagedAt: '2026-03-09T09:00:00.000Z',
  });
  for (const [assignmentId, agency, role] of [
    [ids.streetAssignment, 'street', 'lead'],
    [ids.drcAssignment, 'drc', 'co-handler'],
  ] as const) {
    const made = add(
      caseStream,
      '2026-03-09T09:01:00.000Z',
      user('coord-1', 'swc'),
      'swc.case.assignment-made.v1',
      {
        caseId,
        assignmentId,
        agency,
        role,
        dueAt: '2026-03-12T09:01:00.000Z',
        assignedBy: 'coord-1',
        assignedAt: '2026-03-09T09:01:00.000Z',
      },
    );
    add(
      `${agency}-assignment-${assignmentId}`,
      '2026-03-09T09:01:01.000Z',
      service(agency),
      `${agency}.assignment.received.v1`,
      {
        assignmentId,
        caseId,
        role,
        dueAt: '2026-03-12T09:01:00.000Z',
        sourceEventId: made,
        receivedAt: '2026-03-09T09:01:01.000Z',
      },
    );
  }
  const accepted = add(
    streetInbox,
    '2026-03-09T10:00:00.000Z',
    user('street-coord', 'street'),
    'street.assignment.accepted.v1',
    {
      assignmentId: ids.streetAssignment,
      caseId,
      by: 'street-coord',
      at: '2026-03-09T10:00:00.000Z',
    },
  );
  add(caseStream, '2026-03-09T10:00:01.000Z', service('swc'), 'swc.case.assignment-accepted.v1', {
    caseId,
    assignmentId: ids.streetAssignment,
    agency: 'street',
    by: 'street-coord',
    sourceEventId: accepted,
    at: '2026-03-09T10:00:00.000Z',
  });
  add(
    `street-enforcement-${ids.subject}-street-vending`,
    '2026-03-09T11:00:00.000Z',
    user('worker-17', 'street'),
    'street.enforcement.reminder-issued.v1',
    {
      stepId: ids.step,
      subjectId: ids.subject,
      category: 'street-vending',
      caseId,
      place,
      explanation: 'Vending at the school gate blocks the pavement at pick-up time',
      issuedBy: { staffId: 'worker-17' },
      issuedAt: '2026-03-09T11:00:00.000Z',
    },
  );
  add(
    drcInbox,
    '2026-03-10T08:00:00.000Z',
    user('drc-coord', 'drc'),
    'drc.assignment.accepted.v1',
    {
      assignmentId: ids.drcAssignment,
      caseId,
      by: 'drc-coord',
      at: '2026-03-10T08:00:00.000Z',
    },
  );
  add(
    projectStream,
    '2026-03-10T09:00:00.000Z',
    user('drc-officer', 'drc'),
    'drc.project.proposed.v1',
    {
      projectId: ids.project,
      caseId,
      title: 'Vending zone by the market',
      description: 'A licensed vending zone two streets from the school',
      budget: 80_000,
      location: place,
      proposedBy: 'drc-officer',
      proposedAt: '2026-03-10T09:00:00.000Z',
    },
  );
  add(
    projectStream,
    '2026-03-11T09:00:00.000Z',
    user('drc-coord', 'drc'),
    'drc.project.approved.v1',
    {
      projectId: ids.project,
      caseId,
      approvedBudget: 60_000,
      approvedBy: 'drc-coord',
      approvedAt: '2026-03-11T09:00:00.000Z',
    },
  );
  add(caseStream, '2026-03-12T09:01:00.000Z', service('swc'), 'swc.case.assignment-escalated.v1', {
    caseId,
    assignmentId: ids.drcAssignment,
    agency: 'drc',
    dueAt: '2026-03-12T09:01:00.000Z',
    escalatedAt: '2026-03-12T09:01:00.000Z',
  });
  add(
    projectStream,
    '2026-03-13T09:00:00.000Z',
    user('drc-coord', 'drc'),
    'drc.project.funded.v1',
    {
      projectId: ids.project,
      caseId,
      tranche: 1,
      amount: 60_000,
      fundedTotal: 60_000,
      fundedBy: 'drc-coord',
      fundedAt: '2026-03-13T09:00:00.000Z',
    },
  );
  add(
    projectStream,
    '2026-03-20T09:00:00.000Z',
    user('drc-coord', 'drc'),
    'drc.project.completed.v1',
    {
      projectId: ids.project,
      caseId,
      outcome: 'Zone open with 12 stalls',
      fundedTotal: 60_000,
      completedBy: 'drc-coord',
      completedAt: '2026-03-20T09:00:00.000Z',
    },
  );
  for (const [assignmentId, agency, at] of [
    [ids.streetAssignment, 'street', '2026-03-20T10:00:00.000Z'],
    [ids.drcAssignment, 'drc', '2026-03-20T11:00:00.000Z'],
  ] as const) {
    const done = add(
      `${agency}-assignment-${assignmentId}`,
      at,
      user(`${agency}-coord`, agency),
      `${agency}.assignment.completed.v1`,
      {
        assignmentId,
        caseId,
        by: `${agency}-coord`,
        outcome: 'done',
        at,
      },
    );
    add(caseStream, at, service('swc'), 'swc.case.assignment-completed.v1', {
      caseId,
      assignmentId,
      agency,
      by: `${agency}-coord`,
      sourceEventId: done,
      outcome: 'done',
      at,
    });
  }
  add(
    caseStream,
    '2026-03-21T09:00:00.000Z',
    user('coord-1', 'swc'),
    'swc.case.outcome-verified.v1',
    {
      caseId,
      verifiedBy: 'coord-1',
      note: 'Gate clear at pick-up on two visits',
      verifiedAt: '2026-03-21T09:00:00.000Z',
    },
  );
  add(
    caseStream,
    '2026-03-22T09:00:00.000Z',
    user('coord-1', 'swc'),
    'swc.case.feedback-recorded.v1',
    {
      caseId,
      satisfaction: 5,
      channel: 'phone',
      recordedBy: 'coord-1',
      recordedAt: '2026-03-22T09:00:00.000Z',
    },
  );
  add(caseStream, '2026-03-22T09:30:00.000Z', user('coord-1', 'swc'), 'swc.case.closed.v1', {
    caseId,
    closedBy: 'coord-1',
    closedAt: '2026-03-22T09:30:00.000Z',
  });
  add(caseStream, '2026-04-02T09:00:00.000Z', user('coord-1', 'swc'), 'swc.case.reopened.v1', {
    caseId,
    reason: 'Vending back at the gate',
    reopenedBy: 'coord-1',
    reopenedAt: '2026-04-02T09:00:00.000Z',
  });
  return { caseId, events };
}

/** Appends a scripted history, each event at the next revision of its stream. */
export async function appendScripted(store: EventStore, scripted: ScriptedCase): Promise<void> {
  for (const { streamId, event } of scripted.events) await store.appendToStream(streamId, [event]);
}
