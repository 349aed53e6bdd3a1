import type { AssignmentDocument } from './collections.js';
import { slaState } from './sla.js';
import { isRepeatOf } from './statistics.projection.js';

const assignment: AssignmentDocument = {
  assignmentId: 'a',
  agency: 'street',
  role: 'lead',
  status: 'accepted',
  assignedAt: '2026-03-01T00:00:00.000Z',
  dueAt: '2026-03-05T00:00:00.000Z', // a 96 h window: due soon in its last 24 h
  escalated: false,
};
const at = (iso: string) => new Date(iso);

describe('SLA state at read time', () => {
  it('is on time, due soon in the last quarter of the window, then overdue', () => {
    expect(slaState(assignment, at('2026-03-02T00:00:00.000Z'))).toBe('on-time');
    expect(slaState(assignment, at('2026-03-04T00:00:00.000Z'))).toBe('on-time');
    expect(slaState(assignment, at('2026-03-04T00:00:01.000Z'))).toBe('due-soon');
    expect(slaState(assignment, at('2026-03-05T00:00:01.000Z'))).toBe('overdue');
  });

  it('is met or missed once completed, released once declined or returned', () => {
    const done = { ...assignment, status: 'completed' as const };
    const now = at('2026-04-01T00:00:00.000Z');
    expect(slaState({ ...done, completedAt: '2026-03-05T00:00:00.000Z' }, now)).toBe('met');
    expect(slaState({ ...done, completedAt: '2026-03-05T00:00:01.000Z' }, now)).toBe('missed');
    expect(slaState({ ...assignment, status: 'declined' }, now)).toBe('released');
  });
});

describe('repeat violations', () => {
  const step = (eventId: string, time: string) => ({ eventId, time });
  it('a later step within 12 months repeats an earlier one; ties go by event id', () => {
    expect(isRepeatOf(step('b', '2026-03-02T00:00:00Z'), step('a', '2026-03-01T00:00:00Z'))).toBe(
      true,
    );
    expect(isRepeatOf(step('a', '2026-03-01T00:00:00Z'), step('b', '2026-03-02T00:00:00Z'))).toBe(
      false,
    );
    expect(isRepeatOf(step('b', '2026-03-01T00:00:00Z'), step('a', '2026-03-01T00:00:00Z'))).toBe(
      true,
    );
    expect(isRepeatOf(step('b', '2027-03-01T00:00:01Z'), step('a', '2026-03-01T00:00:00Z'))).toBe(
      false,
    );
  });
});
