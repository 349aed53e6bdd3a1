import type { AssignmentEvent } from '@gridline/contracts';
import { DomainError, deciderSpec } from '@gridline/eventsourcing';
import { inboxDecider, type InboxCommand } from './inbox.decider.js';

const spec = deciderSpec(inboxDecider('drc'));
const ids = {
  assignmentId: 'aaaaaaaa-0000-4000-8000-000000000002',
  caseId: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
};
const source = 'cccccccc-0000-4000-8000-000000000001';
const at = new Date('2026-03-02T09:00:00.000Z');
const received: AssignmentEvent<'drc'> = {
  type: 'drc.assignment.received.v1',
  data: {
    ...ids,
    role: 'co-handler',
    dueAt: '2026-03-05T08:00:00.000Z',
    sourceEventId: source,
    receivedAt: at.toISOString(),
  },
};
const accepted: AssignmentEvent<'drc'> = {
  type: 'drc.assignment.accepted.v1',
  data: { ...ids, by: 'drc-coord', at: at.toISOString() },
};
const receive: InboxCommand = {
  type: 'ReceiveAssignment',
  ...ids,
  role: 'co-handler',
  dueAt: '2026-03-05T08:00:00.000Z',
  sourceEventId: source,
  at,
};
const act = <T extends InboxCommand['type']>(type: T, extra: object = {}) =>
  ({ type, by: 'drc-coord', at, ...extra }) as InboxCommand;
const refused = (events: AssignmentEvent<'drc'>[], command: InboxCommand, code: string) =>
  spec
    .given(events)
    .when(command)
    .thenThrows(DomainError, (e) => e.code === code);

describe('Assignment inbox', () => {
  it('an SWC assignment arrives once, however often it is delivered', () => {
    spec.given([]).when(receive).then([received]);
    spec.given([received]).when(receive).then([]);
  });

  it('is accepted or declined (with a reason) first', () => {
    spec.given([received]).when(act('AcceptAssignment')).then([accepted]);
    spec
      .given([received])
      .when(act('DeclineAssignment', { reason: 'outside our remit' }))
      .then([
        {
          type: 'drc.assignment.declined.v1',
          data: { ...ids, by: 'drc-coord', reason: 'outside our remit', at: at.toISOString() },
        },
      ]);
    refused([received], act('DeclineAssignment', { reason: ' ' }), 'text-required');
    refused([received], act('CompleteAssignment', { outcome: 'done' }), 'assignment-state');
  });

  it('an accepted assignment gets progress and is completed or handed back', () => {
    spec
      .given([received, accepted])
      .when(act('CompleteAssignment', { outcome: 'vending zone funded' }))
      .then([
        {
          type: 'drc.assignment.completed.v1',
          data: { ...ids, by: 'drc-coord', outcome: 'vending zone funded', at: at.toISOString() },
        },
      ]);
    refused([received, accepted], act('AcceptAssignment'), 'assignment-state');
  });

  it('nothing happens to a completed assignment, nor to one never received', () => {
    const completed: AssignmentEvent<'drc'> = {
      type: 'drc.assignment.completed.v1',
      data: { ...ids, by: 'drc-coord', outcome: 'done', at: at.toISOString() },
    };
    refused(
      [received, accepted, completed],
      act('ReportProgress', { note: 'more' }),
      'assignment-state',
    );
    refused([], act('AcceptAssignment'), 'assignment-not-found');
  });
});
