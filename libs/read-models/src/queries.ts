import { AGENCIES, type Agency } from '@gridline/contracts';
import type { Document, Filter } from 'mongodb';
import type {
  AssignmentDocument,
  CaseDocument,
  PublicityDocument,
  ReadModelCollections,
  TimelineEntry,
} from './collections.js';
import {
  encodeCursor,
  parseCaseListQuery,
  parsePublicityQuery,
  type CaseListFilter,
  type Page,
} from './query-params.js';
import { slaState, type SlaState } from './sla.js';
import type { PostgresCaseIndex } from './postgres-case-index.js';
import type { PostgresPublicityIndex } from './postgres-publicity-index.js';

export type AssignmentView = AssignmentDocument & { readonly sla: SlaState };
export type CaseView = Omit<CaseDocument, '_id' | 'streams' | 'assignments' | 'agencies'> & {
  readonly agencies: Agency[];
  /** Same as `agencies`: every agency that takes part in the case. */
  readonly participatingAgencies: Agency[];
  readonly assignments: AssignmentView[];
};
export type TimelineView = Omit<TimelineEntry, '_id' | 'projectedAt'> & {
  readonly eventId: string;
  /** The entry of this case whose event caused this one (absent when the cause is not on it). */
  readonly causedBy?: string;
  /** Entries of this case this one caused. */
  readonly causes: string[];
};

export interface PageOf<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** Who may see what: every case, or only the cases an agency takes part in. */
export type Visibility = { readonly all: true } | { readonly all: false; readonly agency: Agency };

/** Items after the cursor in (time desc, id desc) order. */
function afterCursor(field: string, page: Page): Document[] {
  if (!page.after) return [];
  const { time, id } = page.after;
  return [{ $or: [{ [field]: { $lt: time } }, { [field]: time, _id: { $lt: id } }] }];
}

function toCaseView(doc: CaseDocument, now: Date): CaseView {
  const { _id, streams, assignments, ...rest } = doc;
  void _id;
  void streams;
  // A set, stored in the order the agencies' events happened to arrive (live
  // projection and rebuild differ): shown in the one fixed order.
  const agencies = AGENCIES.filter((a) => doc.agencies.includes(a));
  return {
    ...rest,
    agencies,
    participatingAgencies: agencies,
    assignments: (assignments ?? []).map((a) => ({ ...a, sla: slaState(a, now) })),
  };
}

export function toTimelineView(entry: TimelineEntry): TimelineView {
  const { _id, projectedAt, ...rest } = entry;
  void projectedAt;
  return { eventId: _id, ...rest, causes: [] };
}

export class CaseQueries {
  /**
   * `caseIndex`: the live set's case index (ADR 0007), which answers the lists;
   * without one they are answered from the collection (MongoDB deployments,
   * views as of a past time).
   */
  constructor(
    private readonly collections: ReadModelCollections,
    private readonly caseIndex?: () => PostgresCaseIndex,
  ) {}

  async getCase(caseId: string, now = new Date()): Promise<CaseView | undefined> {
    const doc = await this.collections.cases.findOne({ _id: caseId });
    return doc ? toCaseView(doc, now) : undefined;
  }

  /**
   * One page of cases, newest activity first. `raw` is the request's query
   * object as it came: it is validated here (QueryValidationError) so that only
   * literal strings reach the filter.
   */
  async listCases(
    raw: unknown,
    visibility: Visibility = { all: true },
    now = new Date(),
  ): Promise<PageOf<CaseView>> {
    const { filter, page } = parseCaseListQuery(raw);
    const docs = this.caseIndex
      ? await this.caseIndex().page(
          filter,
          page,
          page.limit + 1,
          visibility.all ? undefined : visibility.agency,
          now,
        )
      : await this.listFromCollection(filter, page, visibility, now);
    const items = docs.slice(0, page.limit);
    const last = items[items.length - 1];
    return {
      items: items.map((d) => toCaseView(d, now)),
      nextCursor:
        docs.length > page.limit && last ? encodeCursor(last.lastEventAt, last._id) : null,
    };
  }

  private listFromCollection(
    filter: CaseListFilter,
    page: Page,
    visibility: Visibility,
    now: Date,
  ): Promise<CaseDocument[]> {
    const clauses: Document[] = [...caseFilter(filter, now), ...afterCursor('lastEventAt', page)];
    if (!visibility.all) clauses.push({ agencies: visibility.agency });
    const query = (clauses.length > 0 ? { $and: clauses } : {}) as Filter<CaseDocument>;
    return this.collections.cases
      .find(query)
      .sort({ lastEventAt: -1, _id: -1 })
      .limit(page.limit + 1)
      .toArray();
  }

  /**
   * The case's entries from every agency in global log order, with causation
   * links resolved when read: whatever order the events were projected in, a
   * cause on the same case is found.
   */
  async getTimeline(caseId: string): Promise<TimelineView[]> {
    const entries = await this.collections.timeline
      .find({ caseId })
      .sort({ 'position.commit': 1, 'position.prepare': 1 })
      .toArray();
    const ids = new Set(entries.map((e) => e._id));
    const causes = new Map<string, string[]>();
    for (const e of entries)
      if (ids.has(e.causationId) && e.causationId !== e._id)
        causes.set(e.causationId, [...(causes.get(e.causationId) ?? []), e._id]);
    return entries.map((e) => ({
      ...toTimelineView(e),
      ...(ids.has(e.causationId) && e.causationId !== e._id ? { causedBy: e.causationId } : {}),
      causes: causes.get(e._id) ?? [],
    }));
  }

  async agenciesOf(caseId: string): Promise<readonly Agency[] | undefined> {
    const doc = await this.collections.cases.findOne(
      { _id: caseId },
      { projection: { agencies: 1 } },
    );
    return doc?.agencies;
  }

  /**
   * Timeline entries after a global position, in position order, for a live
   * feed that resumes. `last` is the highest position read, visible or not, so a
   * caller's cursor moves past entries it may not see.
   */
  async timelineAfter(
    position: TimelinePosition,
    visibility: Visibility,
    options: { limit: number },
  ): Promise<{ entries: TimelineView[]; last?: TimelinePosition; full: boolean }> {
    const { commit, prepare } = position;
    const after: readonly Document[] = [
      { 'position.commit': { $gt: commit } },
      { 'position.commit': commit, 'position.prepare': { $gt: prepare } },
    ];
    const entries = await this.collections.timeline
      .find({ $or: after } as Filter<TimelineEntry>)
      .sort({ 'position.commit': 1, 'position.prepare': 1 })
      .limit(options.limit)
      .toArray();
    let visible = entries;
    if (!visibility.all) {
      const caseIds = [...new Set(entries.map((e) => e.caseId))];
      const allowed = new Set(
        this.caseIndex
          ? await this.caseIndex().takingPart(caseIds, visibility.agency)
          : (
              await this.collections.cases
                .find(
                  { _id: { $in: caseIds }, agencies: visibility.agency } as Filter<CaseDocument>,
                  { projection: { _id: 1 } },
                )
                .toArray()
            ).map((c) => c._id),
      );
      visible = entries.filter((e) => allowed.has(e.caseId));
    }
    const last = entries[entries.length - 1]?.position;
    return {
      entries: visible.map(toTimelineView),
      ...(last ? { last } : {}),
      full: entries.length === options.limit,
    };
  }
}

export interface TimelinePosition {
  readonly commit: number;
  readonly prepare: number;
}

function caseFilter(filter: CaseListFilter, now: Date): Document[] {
  const clauses: Document[] = [];
  if (filter.status) clauses.push({ status: filter.status });
  if (filter.street) clauses.push({ 'location.street': filter.street });
  if (filter.grid) clauses.push({ 'location.grid': filter.grid });
  if (filter.riskLevel) clauses.push({ riskLevel: filter.riskLevel });
  if (filter.mode) clauses.push({ mode: filter.mode });
  if (filter.agency) clauses.push({ agencies: filter.agency });
  if (filter.category) clauses.push({ category: filter.category });
  // nextDueAt is the earliest due time of an open assignment (normalised ISO-8601).
  if (filter.overdue === true) clauses.push({ nextDueAt: { $lt: now.toISOString() } });
  if (filter.overdue === false)
    clauses.push({
      $or: [{ nextDueAt: null }, { nextDueAt: { $gte: now.toISOString() } }],
    });
  return clauses;
}

export type PublicityView = Omit<PublicityDocument, '_id'> & { readonly decisionId: string };

export class PublicityQueries {
  /** `index`: the set's publicity table (ADR 0007), which answers the pages; else the collection. */
  constructor(
    private readonly collections: ReadModelCollections,
    private readonly index?: () => PostgresPublicityIndex,
  ) {}

  /** Published penalty decisions, newest first; retracted ones only when asked for. */
  async list(raw: unknown): Promise<PageOf<PublicityView>> {
    const { includeRetracted, page } = parsePublicityQuery(raw);
    const docs = this.index
      ? await this.index().page(includeRetracted, page, page.limit + 1)
      : await this.fromCollection(includeRetracted, page);
    const items = docs.slice(0, page.limit);
    const last = items[items.length - 1];
    return {
      // Whitelisted fields only: the feed is public.
      items: items.map((d) => ({
        decisionId: d._id,
        subjectLabel: d.subjectLabel,
        category: d.category,
        street: d.street,
        amountYuan: d.amountYuan,
        circumstance: d.circumstance,
        ...(d.additionalMeasure ? { additionalMeasure: d.additionalMeasure } : {}),
        standardVersion: d.standardVersion,
        issuedAt: d.issuedAt,
        publishedAt: d.publishedAt,
        retracted: d.retracted,
        ...(d.retractedAt ? { retractedAt: d.retractedAt } : {}),
      })),
      nextCursor:
        docs.length > page.limit && last ? encodeCursor(last.publishedAt, last._id) : null,
    };
  }

  private fromCollection(includeRetracted: boolean, page: Page): Promise<PublicityDocument[]> {
    const clauses: Document[] = [...afterCursor('publishedAt', page)];
    if (!includeRetracted) clauses.push({ retracted: false });
    const query = (clauses.length > 0 ? { $and: clauses } : {}) as Filter<PublicityDocument>;
    return this.collections.publicity
      .find(query)
      .sort({ publishedAt: -1, _id: -1 })
      .limit(page.limit + 1)
      .toArray();
  }
}
