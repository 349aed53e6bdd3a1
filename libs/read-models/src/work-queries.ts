import type { Collection } from 'mongodb';
import { DUE_SOON_SHARE } from './sla.js';
import { queueOf, WORK_KINDS, type WorkItemDocument, type WorkKind } from './work-items.js';
import type { OpenWork, PostgresWorkIndex } from './postgres-work-index.js';

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
 * agency, and the work addressed to them (`principal`), less done work, another
 * agency's personal work and work they may not do (`notFor`); soonest due first.
 * From the work index (ADR 0007): the first items by index walks that stop at
 * the limit, the counts from the counts it keeps. Without one, from the
 * collection: one equality read per queue and one on the principal (indexed
 * top-level fields), merged, filtered and sorted in memory.
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
    const { items, counts } = this.workIndex
      ? await this.workIndex().open(queues, principal.id, principal.agency, MY_WORK_LIMIT)
      : await this.fromCollection(queues, principal);
    return {
      at: now.toISOString(),
      items: items.map((doc) => view(doc, principal, now)),
      counts,
      total: Object.values(counts).reduce((sum, n) => sum + n, 0),
    };
  }

  /** Every open item of the queues and of the person, read, filtered and sorted here. */
  private async fromCollection(queues: string[], principal: WorkPrincipal): Promise<OpenWork> {
    const { workItems } = this.collections;
    const found = new Map<string, WorkItemDocument>();
    for (const queue of queues)
      for (const doc of await workItems.find({ queue }).toArray()) found.set(doc._id, doc);
    for (const doc of await workItems.find({ principal: principal.id }).toArray())
      if (doc.agency === principal.agency) found.set(doc._id, doc);
    const open = [...found.values()].filter(
      (doc) => doc.kind !== null && doc.doneAt === null && !doc.notFor.includes(principal.id),
    );
    open.sort(soonestFirst);
    const counts: Partial<Record<WorkKind, number>> = {};
    for (const kind of WORK_KINDS) {
      const n = open.filter((doc) => doc.kind === kind).length;
      if (n > 0) counts[kind] = n;
    }
    return { items: open.slice(0, MY_WORK_LIMIT), counts };
  }
}

function soonestFirst(a: WorkItemDocument, b: WorkItemDocument): number {
  const due = (d: WorkItemDocument) => (d.dueAt ? Date.parse(d.dueAt) : Number.POSITIVE_INFINITY);
  // Ids by code unit, as the work index orders them (COLLATE "C").
  const byId = a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
  return due(a) - due(b) || Date.parse(a.since) - Date.parse(b.since) || byId;
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
