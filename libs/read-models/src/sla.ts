import type { AssignmentDocument } from './collections.js';

/**
 * An assignment's SLA state, computed when it is read (it changes with time, not
 * with events):
 * - open (pending or accepted): `overdue` past the due time; `due-soon` when less
 *   than a quarter of its window (assigned → due) is left; otherwise `on-time`;
 * - completed: `met` when completed by the due time, else `missed`;
 * - declined or returned: `released` (the agency no longer holds it).
 */
export type SlaState = 'on-time' | 'due-soon' | 'overdue' | 'met' | 'missed' | 'released';

/** Share of the SLA window below which an open assignment is due soon. */
export const DUE_SOON_SHARE = 0.25;

export function slaState(assignment: AssignmentDocument, now: Date): SlaState {
  const due = Date.parse(assignment.dueAt);
  switch (assignment.status) {
    case 'completed':
      return Date.parse(assignment.completedAt ?? assignment.dueAt) <= due ? 'met' : 'missed';
    case 'declined':
    case 'returned':
      return 'released';
    case 'pending':
    case 'accepted': {
      const left = due - now.getTime();
      if (left < 0) return 'overdue';
      const window = due - Date.parse(assignment.assignedAt);
      return left < window * DUE_SOON_SHARE ? 'due-soon' : 'on-time';
    }
  }
}

export function isOpenAssignment(assignment: AssignmentDocument): boolean {
  return assignment.status === 'pending' || assignment.status === 'accepted';
}
