import type { CaseHistoryView } from './case-history.js';

export interface FieldChange {
  /** `status`, `assignments[<assignmentId>].status`, `location.grid`, … */
  readonly path: string;
  readonly from?: unknown;
  readonly to?: unknown;
}

/** Fields that change with every event: reported as the events themselves, not as changes. */
const ACTIVITY = new Set(['eventCount', 'lastEventAt', 'lastEventId']);

/** Items of the view's lists are keyed by their id field, so a change names the item. */
function keyOf(item: unknown, index: number): string {
  if (typeof item === 'object' && item !== null) {
    const id = Object.entries(item).find(([k, v]) => k.endsWith('Id') && typeof v === 'string');
    if (id) return String(id[1]);
  }
  return String(index);
}

function flatten(value: unknown, path: string, into: Map<string, unknown>): void {
  if (Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null)) {
    value.forEach((item, i) => flatten(item, `${path}[${keyOf(item, i)}]`, into));
    return;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, path ? `${path}.${k}` : k, into);
    return;
  }
  into.set(path, value);
}

/** What changed in a case between two folds (either may be undefined: no case yet). */
export function diffCaseViews(
  before: CaseHistoryView | undefined,
  after: CaseHistoryView | undefined,
): FieldChange[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  if (before) flatten(before, '', a);
  if (after) flatten(after, '', b);
  const changes: FieldChange[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    if (ACTIVITY.has(path)) continue;
    const from = a.get(path);
    const to = b.get(path);
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    changes.push({ path, ...(a.has(path) ? { from } : {}), ...(b.has(path) ? { to } : {}) });
  }
  return changes;
}
