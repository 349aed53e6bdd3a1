import { AGENCIES, isEventOfType, type Agency, type EventEnvelope } from '@gridline/contracts';
import type { AssignmentDocument, CaseDocument } from './collections.js';
import { isOpenAssignment } from './sla.js';

/** Calendar month (UTC) of an ISO time: `2026-03`. Statistics are bucketed by it. */
export function monthOf(time: string): string {
  return new Date(time).toISOString().slice(0, 7);
}

/** One exactly-once increment of a statistics bucket, derived from one event. */
export type StatIncrement =
  | {
      readonly kind: 'street';
      readonly street: string;
      readonly month: string;
      readonly marker: string;
      readonly inc: Record<string, number>;
      readonly max?: Record<string, number>;
    }
  | {
      readonly kind: 'agency';
      readonly agency: string;
      readonly month: string;
      readonly marker: string;
      readonly inc: Record<string, number>;
    };

/** What one event changes on its case document, and which statistics it feeds. */
export interface CaseChange {
  readonly set: Record<string, unknown>;
  readonly inc?: Record<string, number>;
  readonly addAgencies?: readonly Agency[];
  readonly stats: readonly StatIncrement[];
  /**
   * The change holds only while the case is not opened: a report's category,
   * severity and place, which SWC's opening and triage override. The writer must
   * check it in the same write (`openedAt` absent), since another projector may
   * open the case between the read and the write.
   */
  readonly unlessOpened?: true;
}

type Before = Partial<CaseDocument> | null;

/**
 * Pure: the change an event makes to the case as it stood before it. Events of
 * one stream arrive in order (the projection's revision guard), so SWC events see
 * the assignments and times their predecessors left.
 */
export function caseChange(before: Before, event: EventEnvelope): CaseChange {
  const none: CaseChange = { set: {}, stats: [] };
  if (isEventOfType(event, 'street.issue.reported.v1')) {
    // SWC opens the case from the report, after it: in log order its opening (and a
    // triage) overwrite what the report says. A report projected after the opening
    // (the street topic behind SWC's) must not undo them, so it adds only its time.
    if (before?.openedAt !== undefined)
      return { set: { reportedAt: event.data.reportedAt }, stats: [] };
    const { street, community, grid } = event.data.location;
    return {
      set: {
        category: event.data.category,
        severity: event.data.severity,
        location: { street, community, grid },
        reportedAt: event.data.reportedAt,
      },
      stats: [],
      unlessOpened: true,
    };
  }
  if (!event.type.startsWith('swc.case.')) return none;
  const assignments = before?.assignments ?? [];
  const withAssignment = (id: string, patch: Partial<AssignmentDocument>) => {
    const next = assignments.map((a) => (a.assignmentId === id ? { ...a, ...patch } : a));
    return { assignments: next, nextDueAt: nextDueAt(next) };
  };
  const street = before?.location?.street;
  const month = monthOf(event.time);
  const streetStat = (inc: Record<string, number>, max: Record<string, number>) =>
    street ? [{ kind: 'street' as const, street, month, marker: event.id, inc, max }] : [];
  const agencyStat = (agency: string, inc: Record<string, number>) => [
    { kind: 'agency' as const, agency, month, marker: event.id, inc },
  ];

  if (isEventOfType(event, 'swc.case.opened.v1')) {
    const d = event.data;
    return {
      set: {
        status: 'open',
        origin: d.origin,
        category: d.category,
        severity: d.severity,
        location: d.location,
        openedAt: d.openedAt,
        openSince: d.openedAt,
        mode: before?.mode ?? 'routine',
        ...(d.riskLevel ? { riskLevel: d.riskLevel } : {}),
      },
      stats: [],
    };
  }
  if (isEventOfType(event, 'swc.case.triaged.v1'))
    return {
      set: {
        riskLevel: event.data.riskLevel,
        category: event.data.category,
        leadAgency: event.data.leadAgency,
        coHandlers: [...event.data.coHandlers],
      },
      stats: [],
    };
  if (isEventOfType(event, 'swc.case.risk-level-changed.v1'))
    return { set: { riskLevel: event.data.to }, stats: [] };
  if (isEventOfType(event, 'swc.case.mode-switched.v1'))
    return { set: { mode: event.data.mode }, stats: [] };
  if (isEventOfType(event, 'swc.case.assignment-made.v1')) {
    const d = event.data;
    const next = [
      ...assignments.filter((a) => a.assignmentId !== d.assignmentId),
      {
        assignmentId: d.assignmentId,
        agency: d.agency,
        role: d.role,
        status: 'pending' as const,
        assignedAt: d.assignedAt,
        dueAt: d.dueAt,
        escalated: false,
      },
    ];
    const coHandlers = new Set(before?.coHandlers ?? []);
    if (d.role === 'co-handler') coHandlers.add(d.agency);
    return {
      set: {
        assignments: next,
        nextDueAt: nextDueAt(next),
        ...(d.role === 'lead' ? { leadAgency: d.agency } : { coHandlers: [...coHandlers] }),
      },
      addAgencies: [d.agency],
      stats: [],
    };
  }
  if (isEventOfType(event, 'swc.case.assignment-rescheduled.v1'))
    return {
      set: withAssignment(event.data.assignmentId, { dueAt: event.data.dueAt, escalated: false }),
      stats: [],
    };
  if (isEventOfType(event, 'swc.case.assignment-accepted.v1')) {
    const d = event.data;
    const firstResponse = !before?.firstResponseAt && before?.openSince !== undefined;
    const ms = firstResponse ? Date.parse(d.at) - Date.parse(before?.openedAt ?? d.at) : 0;
    return {
      set: {
        ...withAssignment(d.assignmentId, { status: 'accepted', acceptedAt: d.at }),
        ...(firstResponse ? { firstResponseAt: d.at } : {}),
      },
      stats: firstResponse
        ? streetStat(
            { 'firstResponse.count': 1, 'firstResponse.sumMs': ms },
            { 'firstResponse.maxMs': ms },
          )
        : [],
    };
  }
  if (
    isEventOfType(event, 'swc.case.assignment-declined.v1') ||
    isEventOfType(event, 'swc.case.assignment-returned.v1')
  ) {
    const status = event.type === 'swc.case.assignment-declined.v1' ? 'declined' : 'returned';
    return {
      set: withAssignment(event.data.assignmentId, { status, endedAt: event.data.at }),
      stats: [],
    };
  }
  if (isEventOfType(event, 'swc.case.progress-reported.v1'))
    return { set: withAssignment(event.data.assignmentId, { status: 'accepted' }), stats: [] };
  if (isEventOfType(event, 'swc.case.assignment-completed.v1')) {
    const d = event.data;
    const assignment = assignments.find((a) => a.assignmentId === d.assignmentId);
    const onTime = assignment ? Date.parse(d.at) <= Date.parse(assignment.dueAt) : true;
    return {
      set: withAssignment(d.assignmentId, { status: 'completed', completedAt: d.at }),
      stats: agencyStat(d.agency, onTime ? { completedOnTime: 1 } : { completedLate: 1 }),
    };
  }
  if (isEventOfType(event, 'swc.case.assignment-escalated.v1'))
    return {
      set: withAssignment(event.data.assignmentId, { escalated: true }),
      stats: agencyStat(event.data.agency, { escalated: 1 }),
    };
  if (isEventOfType(event, 'swc.case.outcome-verified.v1'))
    return { set: { verifiedAt: event.data.verifiedAt }, stats: [] };
  if (isEventOfType(event, 'swc.case.feedback-recorded.v1'))
    return { set: { satisfaction: event.data.satisfaction }, stats: [] };
  if (isEventOfType(event, 'swc.case.closed.v1')) {
    const since = before?.openSince ?? before?.openedAt;
    const ms = since ? Date.parse(event.data.closedAt) - Date.parse(since) : undefined;
    return {
      set: { status: 'closed', closedAt: event.data.closedAt },
      stats:
        ms === undefined
          ? []
          : streetStat({ 'closure.count': 1, 'closure.sumMs': ms }, { 'closure.maxMs': ms }),
    };
  }
  if (isEventOfType(event, 'swc.case.reopened.v1'))
    return {
      set: { status: 'open', openSince: event.data.reopenedAt, closedAt: null },
      inc: { reopenCount: 1 },
      stats: [],
    };
  return none;
}

function nextDueAt(assignments: readonly AssignmentDocument[]): string | null {
  const due = assignments
    .filter(isOpenAssignment)
    // Normalised ISO-8601 (UTC, ms) so the string compares like the time in queries.
    .map((a) => new Date(a.dueAt).toISOString())
    .sort();
  return due[0] ?? null;
}

/**
 * Pure: the case document after an event, given `change = caseChange(before, event)`.
 * The same document the live projection's guarded update leaves (its `$set`,
 * `$max`, `$addToSet`, `$inc` and `$setOnInsert`), so the batched paths that
 * fold in memory write what the per-event path would have.
 */
export function foldCase(
  before: CaseDocument | null | undefined,
  event: EventEnvelope,
  change: CaseChange,
): CaseDocument {
  const caseId = event.metadata.caseId;
  // A case first seen through an event that sets no status starts as reported.
  const base: CaseDocument = before ?? {
    _id: caseId,
    caseId,
    status: 'reported',
    agencies: [],
    lastEventAt: event.time,
    streams: {},
  };
  const agencies = [...base.agencies, event.agency, ...(change.addAgencies ?? [])];
  const counters: Record<string, number> = {};
  for (const [field, by] of Object.entries(change.inc ?? {}))
    counters[field] = ((base as unknown as Record<string, number | undefined>)[field] ?? 0) + by;
  return {
    ...base,
    ...change.set,
    ...counters,
    streams: { ...base.streams, [event.streamId]: event.revision },
    lastEventAt: event.time > base.lastEventAt ? event.time : base.lastEventAt,
    agencies: inAgencyOrder(agencies),
  };
}

/**
 * A case's agencies in the one order every writer agrees on (the order of
 * AGENCIES), never in the order their events happened to arrive: a rebuild and
 * the live projection, whatever their interleaving, store the same array.
 */
export function inAgencyOrder(agencies: Iterable<Agency>): Agency[] {
  const present = new Set(agencies);
  return AGENCIES.filter((agency) => present.has(agency));
}

/** Whether the array is already in that order, without repeats. */
export function isInAgencyOrder(agencies: readonly Agency[]): boolean {
  const ordered = inAgencyOrder(agencies);
  return ordered.length === agencies.length && ordered.every((a, i) => a === agencies[i]);
}
