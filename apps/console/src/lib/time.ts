// Time arithmetic the pages share: SLA countdowns and states, ISO ↔ datetime-local.
import type { Assignment, HistoryAssignment, SlaState } from '../api/types';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A span as `2d 3h`, `5h 12m` or `8m` (always positive). */
export function compactDuration(ms: number): string {
  const abs = Math.abs(ms);
  const days = Math.floor(abs / DAY);
  const hours = Math.floor((abs % DAY) / HOUR);
  const minutes = Math.floor((abs % HOUR) / MINUTE);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  return `${minutes}m`;
}

/** Hours with one decimal, for statistics. */
export const hours = (ms: number | null) =>
  ms === null ? null : Math.round((ms / HOUR) * 10) / 10;

type AnyAssignment = Pick<Assignment, 'dueAt' | 'assignedAt'> & {
  readonly status: Assignment['status'] | HistoryAssignment['status'];
  readonly completedAt?: string;
};

export const isOpen = (a: { status: string }) =>
  a.status === 'pending' || a.status === 'accepted' || a.status === 'assigned';

/**
 * An assignment's SLA state at a time: the gateway's rule (libs/read-models/src/sla.ts),
 * for views that do not carry it (a case as it stood at a past time). Undefined
 * for a completed assignment without its completion time.
 */
export function slaStateAt(a: AnyAssignment, now: number): SlaState | undefined {
  const due = Date.parse(a.dueAt);
  if (a.status === 'completed')
    return a.completedAt ? (Date.parse(a.completedAt) <= due ? 'met' : 'missed') : undefined;
  if (a.status === 'declined' || a.status === 'returned') return 'released';
  const left = due - now;
  if (left < 0) return 'overdue';
  return left < (due - Date.parse(a.assignedAt)) * 0.25 ? 'due-soon' : 'on-time';
}

/** The earliest due time among open assignments. */
export function nextDue(assignments: readonly AnyAssignment[]): string | undefined {
  return assignments
    .filter(isOpen)
    .map((a) => a.dueAt)
    .sort((x, y) => Date.parse(x) - Date.parse(y))[0];
}

/** `2026-03-10T12:00:00.000Z` → `2026-03-10T20:00:00` in the browser's zone, for datetime-local. */
export function toLocalInput(iso: string | number): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A datetime-local value (the browser's zone) → ISO-8601 in UTC; undefined when empty or bad. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** A valid ISO time from the query string, or undefined. */
export function parseIso(value: string | null): string | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
