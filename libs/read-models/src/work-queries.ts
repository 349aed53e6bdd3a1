import type { Collection } from 'mongodb';
import { DUE_SOON_SHARE } from './sla.js';
import { queueOf, WORK_KINDS, type WorkItemDocument, type WorkKind } from './work-items.js';
import type { PostgresWorkIndex } from './postgres-work-index.js';

/** Who asks: the token's subject, agency and roles. */
export interface WorkPrincipal {
  readonly id: string;
  readonly agency: string;
  readonly roles: readonly string[];
}

/** One piece of work as the API shows it. */
export interface WorkItemView {
  readonly id: string;
  readonly kind: WorkKind;
  readonly caseId: string;
  readonly agency: string;
  /** The queue it waits in (`street:legal-reviewer`), or null when it is addressed to you. */
  readonly queue: string | null;
  readonly personal: boolean;
  readonly assignmentId?: string;
  readonly decisionId?: string;
  readonly warningId?: string;
  readonly projectId?: string;
  readonly label: string;
  readonly since: string;
  readonly dueAt: string | null;
  /** As the case's assignments: `overdue`, `due-soon` (under a quarter of the window left), `on-time`; null without a due time. */
  readonly sla: 'on-time' | 'due-soon' | 'overdue' | null;
  readonly escalated: boolean;
}

export interface MyWork {
  readonly at: string;
  /** Soonest due first (no due time last), then the longest waiting. */
  readonly items: WorkItemView[];
  /** Every open item per kind (also those beyond `limit`). */
  readonly counts: Partial<Record<WorkKind, number>>;
  readonly total: number;
}

/** Items answered at most (counts cover every one). */
export const MY_WORK_LIMIT = 200;

/**
 * What waits on one person: the work of each queue of their roles in their
 * agency, and the work addressed to them (`principal`) — from the work index
 * (one read of two partial indexes) or from the collection (one equality read on
 * an indexed top-level field each); merged, filtered (done work, another
 * agency's personal work, work they may not do) and sorted in memory. What is
 * read is the person's open work, not the collection.
 */
export class WorkQueries {
  /**
   * `workIndex`: the live set's work index (ADR 0007), which answers in one
   * read from its partial indexes; without one, from the collection.
   */
  constructor(
    private readonly collections: { readonly workItems: Collection<WorkItemDocument> },
    private readonly workIndex?: () => PostgresWorkIndex,
  ) {}

  async forPrincipal(principal: WorkPrincipal, now = new Date()): Promise<MyWork> {
    const queues = [...new Set(principal.roles)].map((role) => queueOf(principal.agency, role));
    const found = new Map<string, WorkItemDocument>();
    for (const doc of await this.candidates(queues, principal.id))
      // Addressed to them in another agency: not their work here.
      if (queues.includes(doc.queue ?? '') || doc.agency === principal.agency)
        found.set(doc._id, doc);
    const open = [...found.values()].filter(
      (doc) => doc.kind !== null && doc.doneAt === null && !doc.notFor.includes(principal.id),
    );
    open.sort(soonestFirst);
    const counts: Partial<Record<WorkKind, number>> = {};
    for (const kind of WORK_KINDS) {
      const n = open.filter((doc) => doc.kind === kind).length;
      if (n > 0) counts[kind] = n;
    }
    return {
      at: now.toISOString(),
      items: open.slice(0, MY_WORK_LIMIT).map((doc) => view(doc, principal, now)),
      counts,
      total: open.length,
    };
  }

  /** Work of the queues, and work addressed to the person (open or not: filtered after). */
  private async candidates(queues: string[], principal: string): Promise<WorkItemDocument[]> {
    if (this.workIndex) return this.workIndex().open(queues, principal);
    const { workItems } = this.collections;
    const docs: WorkItemDocument[] = [];
    for (const queue of queues) docs.push(...(await workItems.find({ queue }).toArray()));
    docs.push(...(await workItems.find({ principal }).toArray()));
    return docs;
  }
}

function soonestFirst(a: WorkItemDocument, b: WorkItemDocument): number {
  const due = (d: WorkItemDocument) => (d.dueAt ? Date.parse(d.dueAt) : Number.POSITIVE_INFINITY);
  return due(a) - due(b) || Date.parse(a.since) - Date.parse(b.since) || a._id.localeCompare(b._id);
}

function view(doc: WorkItemDocument, principal: WorkPrincipal, now: Date): WorkItemView {
  return {
    id: doc._id,
    kind: doc.kind as WorkKind,
    caseId: doc.caseId,
    agency: doc.agency,
    queue: doc.queue,
    personal: doc.principal === principal.id,
    ...(doc.assignmentId ? { assignmentId: doc.assignmentId } : {}),
    ...(doc.decisionId ? { decisionId: doc.decisionId } : {}),
    ...(doc.warningId ? { warningId: doc.warningId } : {}),
    ...(doc.projectId ? { projectId: doc.projectId } : {}),
    label: doc.label,
    since: doc.since,
    dueAt: doc.dueAt,
    sla: slaOf(doc, now),
    escalated: doc.memo.escalated === true,
  };
}

function slaOf(doc: WorkItemDocument, now: Date): WorkItemView['sla'] {
  if (!doc.dueAt) return null;
  const due = Date.parse(doc.dueAt);
  const left = due - now.getTime();
  if (left < 0) return 'overdue';
  const window = due - Date.parse(doc.memo.assignedAt ?? doc.since);
  return left < window * DUE_SOON_SHARE ? 'due-soon' : 'on-time';
}
