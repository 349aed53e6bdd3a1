import type { AssignmentEvent, InboxAgency } from '@gridline/contracts';
import type { SummaryTable } from './summary-table.js';

const names = { street: 'The street office', drc: 'The DRC' } as const;

function inboxSummaries<A extends InboxAgency>(agency: A): SummaryTable<AssignmentEvent<A>> {
  const who = names[agency];
  return {
    [`${agency}.assignment.received.v1`]: (d: { role: string; dueAt: string }) =>
      `${who} received the assignment (${d.role}, due ${d.dueAt})`,
    [`${agency}.assignment.accepted.v1`]: () => `${who} accepted the assignment`,
    [`${agency}.assignment.declined.v1`]: (d: { reason: string }) =>
      `${who} declined the assignment: ${d.reason}`,
    [`${agency}.assignment.returned.v1`]: (d: { reason: string }) =>
      `${who} returned the assignment: ${d.reason}`,
    [`${agency}.assignment.progress-reported.v1`]: (d: { note: string }) =>
      `${who} reported progress: ${d.note}`,
    [`${agency}.assignment.completed.v1`]: (d: { outcome: string }) =>
      `${who} completed the assignment: ${d.outcome}`,
  } as unknown as SummaryTable<AssignmentEvent<A>>;
}

export const assignmentSummaries = { ...inboxSummaries('street'), ...inboxSummaries('drc') };
