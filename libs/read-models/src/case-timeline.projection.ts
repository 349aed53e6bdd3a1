import { REFERENCE_DATA_EVENT_TYPES, type Agency, type EventEnvelope } from '@gridline/contracts';
import { parsePosition, toEnvelope, type EventStore } from '@gridline/eventsourcing';
import type { UpdateFilter } from 'mongodb';
import {
  caseChange,
  foldCase,
  inAgencyOrder,
  isInAgencyOrder,
  type CaseChange,
  type StatIncrement,
} from './case-document.js';
import type {
  CaseDocument,
  EvidenceDigest,
  ReadModelCollections,
  TimelineEntry,
} from './collections.js';
import { alreadyThere, isDuplicateKey, upsert } from './mongo.js';
import type { SetIndexes } from './read-model-indexes.js';
import {
  bucketUpdate,
  EnforcementProjection,
  MongoStatistics,
  type StatisticsWriter,
} from './statistics.projection.js';
import { summarize } from './summaries.js';
import { WorkItemsProjection } from './work-items.projection.js';

export class ProjectionGapError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: number,
    readonly received: number,
  ) {
    super(`stream ${streamId}: expected revision ${expected}, received ${received}`);
    this.name = 'ProjectionGapError';
  }
}

/** The timeline entry of one event. */
export function timelineEntry(event: EventEnvelope): TimelineEntry {
  const position = parsePosition(event.position);
  return {
    _id: event.id,
    caseId: event.metadata.caseId,
    agency: event.agency,
    type: event.type,
    time: event.time,
    actor: event.metadata.actor,
    summary: summarize(event),
    causationId: event.metadata.causationId,
    correlationId: event.metadata.correlationId,
    streamId: event.streamId,
    revision: event.revision,
    // Split for sorting (numbers: exact below 2^53).
    position: { commit: Number(position.commit), prepare: Number(position.prepare) },
    projectedAt: Date.now(),
    ...evidenceOf(event),
  };
}

/**
 * The evidence digests an event carries (`data.evidence`: one piece, or a list
 * for a warning or penalty issued with its evidence; `data.photos` of a report).
 * Only digests, kinds, times and whether a file is stored (its type and size):
 * descriptions, places and the files' keys stay in the store.
 */
function evidenceOf(event: EventEnvelope): { evidence?: EvidenceDigest[] } {
  const data = event.data as {
    evidence?: unknown;
    photos?: { files?: unknown };
    reportedAt?: unknown;
  } | null;
  const found = data?.evidence;
  type Piece = Partial<Record<keyof EvidenceDigest, unknown>> & {
    file?: { contentType?: unknown; size?: unknown };
  };
  const pieces = (Array.isArray(found) ? found : found ? [found] : []) as Piece[];
  const photos = (Array.isArray(data?.photos?.files) ? data.photos.files : []) as Piece[];
  const digest = (p: Piece, kind: unknown, capturedAt: unknown): EvidenceDigest[] =>
    typeof p.sha256 === 'string' && typeof p.evidenceId === 'string'
      ? [
          {
            evidenceId: p.evidenceId,
            kind: String(kind),
            sha256: p.sha256,
            capturedAt: String(capturedAt),
            ...(p.file
              ? { file: { contentType: String(p.file.contentType), size: Number(p.file.size) } }
              : {}),
          },
        ]
      : [];
  const evidence = [
    ...pieces.flatMap((p) => digest(p, p.kind, p.capturedAt)),
    ...photos.flatMap((p) => digest(p, 'photo', data?.reportedAt)),
  ];
  return evidence.length > 0 ? { evidence } : {};
}

/**
 * The events of `event`'s stream after revision `last` and before `event`, read
 * from the store to fill a gap; all of them, or a ProjectionGapError.
 */
export async function eventsBefore(
  store: Pick<EventStore, 'readStream'> | undefined,
  event: EventEnvelope,
  last: number,
): Promise<EventEnvelope[]> {
  if (!store) throw new ProjectionGapError(event.streamId, last + 1, event.revision);
  const missing = await store.readStream(event.streamId, {
    fromRevision: last + 1,
    maxCount: event.revision - last - 1,
  });
  if (missing.length !== event.revision - last - 1)
    throw new ProjectionGapError(event.streamId, last + 1, event.revision);
  return missing.map(toEnvelope);
}

/** What a batch wrote: each case it changed, as it now stands, and the entries it made. */
export interface BatchResult {
  readonly applied: number;
  readonly entries: readonly TimelineEntry[];
  readonly cases: ReadonlyMap<string, CaseDocument>;
}

/** One case's share of a batch, folded in memory. */
interface CaseFold {
  readonly caseId: string;
  readonly before: CaseDocument | null;
  after: CaseDocument | null;
  readonly events: EventEnvelope[];
  /** The first revision applied per stream (the guard of the case's update). */
  readonly firstRevisions: Map<string, number>;
  readonly stats: StatIncrement[];
  /** The `$set` and `$inc` of its events, merged (agencies and time come from `after`). */
  readonly change: { set: Record<string, unknown>; inc: Record<string, number> };
  /** Written only if the case is still not opened (CaseChange.unlessOpened). */
  unlessOpened: boolean;
}

/** Case documents read at once while a batch is prepared. */
const CASE_READS_IN_FLIGHT = 8;

/**
 * Projects every agency's events into one document per case and one timeline
 * entry per event. Each case remembers the last revision it applied per source
 * stream: a duplicate is skipped, and a gap (an event that overtook an earlier
 * one of its stream) is filled from the event store before going on.
 */
export class CaseTimelineProjection {
  private readonly enforcement: EnforcementProjection;
  private readonly work: WorkItemsProjection;
  /** The set's statistics: its PostgreSQL tables with `indexes`, else its collections. */
  private readonly stats: StatisticsWriter;
  /**
   * Cases written one event at a time since the last index write (a projection
   * applies one event or one batch at a time: its callers await each).
   */
  private readonly touched = new Set<string>();

  /**
   * `indexes`: the set's index tables (ADR 0007), brought up to each case and
   * work document this writes, after the document (they are derived from the
   * collections), and its statistics tables, which hold the statistics instead
   * of the collections.
   */
  constructor(
    private readonly collections: ReadModelCollections,
    private readonly store?: Pick<EventStore, 'readStream'>,
    private readonly indexes?: SetIndexes,
  ) {
    this.stats = indexes?.stats ?? new MongoStatistics(collections);
    this.enforcement = new EnforcementProjection(collections, this.stats, indexes?.publicity);
    this.work = new WorkItemsProjection(collections.workItems, indexes?.work);
  }

  async apply(event: EventEnvelope): Promise<'applied' | 'duplicate' | 'not-a-case'> {
    const result = await this.applyEvent(event);
    await this.writeIndex(new Map());
    return result;
  }

  private async applyEvent(event: EventEnvelope): Promise<'applied' | 'duplicate' | 'not-a-case'> {
    if (REFERENCE_DATA_EVENT_TYPES.has(event.type)) return 'not-a-case';
    const caseId = event.metadata.caseId;
    const current = await this.collections.cases.findOne(
      { _id: caseId },
      { projection: { [`streams.${event.streamId}`]: 1 } },
    );
    const last = current?.streams?.[event.streamId] ?? -1;
    if (event.revision <= last) return 'duplicate';
    if (event.revision > last + 1) await this.repairGap(event, last);
    await this.applyInOrder(event);
    return 'applied';
  }

  /**
   * Applies a batch of events (in arrival order) with a handful of writes for the
   * whole batch instead of several per event, and leaves the same documents
   * `apply` would, event by event:
   *
   * 1. each case is read once (lookups by `_id`: `$in` scans on FerretDB);
   * 2. its events are folded in memory with the same rules (`caseChange`,
   *    `foldCase`), duplicates skipped and gaps filled from the store per stream;
   * 3. the timeline entries go in one unordered insert (a duplicate key is an
   *    entry written before a crash), statistics one guarded update per bucket,
   *    the enforcement side event by event (rare events, idempotent each);
   * 4. the cases last, so a crash before leaves their revisions unapplied and the
   *    redelivery redoes the rest: new cases in one insert, each other case in
   *    one update guarded on the revisions it moves.
   *
   * A case another writer changed meanwhile (an insert that finds the case, a
   * guard that does not match) has its events applied one by one instead, whose
   * guards settle which of them are applied already.
   */
  async applyBatch(events: readonly EventEnvelope[]): Promise<BatchResult> {
    const groups = new Map<string, EventEnvelope[]>();
    for (const event of events) {
      if (REFERENCE_DATA_EVENT_TYPES.has(event.type)) continue;
      const caseId = event.metadata.caseId;
      const group = groups.get(caseId) ?? [];
      group.push(event);
      groups.set(caseId, group);
    }
    const ids = [...groups.keys()];
    const befores = await mapLimit(ids, CASE_READS_IN_FLIGHT, (id) =>
      this.collections.cases.findOne({ _id: id }),
    );
    const folds: CaseFold[] = [];
    const inBatch = new Set(events.map((e) => e.id));
    for (const [i, caseId] of ids.entries()) {
      const fold = await this.fold(caseId, befores[i] ?? null, groups.get(caseId) ?? [], inBatch);
      if (fold.events.length > 0) folds.push(fold);
    }
    const applied = folds.flatMap((f) => f.events);
    const entries = applied.map(timelineEntry);
    await this.insertEntries(entries);
    await this.stats.apply(folds.flatMap((f) => f.stats.map(bucketUpdate)));
    for (const event of applied) await this.enforcement.apply(event);
    await this.work.apply(applied);
    const written = await this.writeCases(folds);
    await this.writeIndex(written);
    return { applied: applied.length, entries, cases: written };
  }

  /**
   * The index's rows of the cases written: `known` as they now stand, and those
   * written one event at a time (gap repair, contested folds) as read back.
   */
  private async writeIndex(known: ReadonlyMap<string, CaseDocument>): Promise<void> {
    const others = [...this.touched].filter((id) => !known.has(id));
    this.touched.clear();
    if (!this.indexes) return;
    const docs = [...known.values(), ...(await this.readCases(others))];
    await this.indexes.cases.write(docs, (ids) => this.readCases(ids));
  }

  private readCases(ids: readonly string[]): Promise<CaseDocument[]> {
    return casesById(this.collections.cases, ids);
  }

  /** One case's events folded over its document as read. */
  private async fold(
    caseId: string,
    before: CaseDocument | null,
    events: readonly EventEnvelope[],
    inBatch: ReadonlySet<string>,
  ): Promise<CaseFold> {
    const fold: CaseFold = {
      caseId,
      before,
      after: before,
      events: [],
      firstRevisions: new Map(),
      stats: [],
      change: { set: {}, inc: {} },
      unlessOpened: false,
    };
    const revisions = new Map(Object.entries(before?.streams ?? {}));
    const one = (event: EventEnvelope) => {
      const change = caseChange(fold.after, event);
      fold.after = foldCase(fold.after, event, change);
      fold.events.push(event);
      fold.stats.push(...change.stats);
      revisions.set(event.streamId, event.revision);
      if (!fold.firstRevisions.has(event.streamId))
        fold.firstRevisions.set(event.streamId, event.revision);
      Object.assign(fold.change.set, change.set);
      if (change.unlessOpened) fold.unlessOpened = true;
      for (const [field, by] of Object.entries(change.inc ?? {}))
        fold.change.inc[field] = (fold.change.inc[field] ?? 0) + by;
    };
    for (const event of events) {
      const last = revisions.get(event.streamId) ?? -1;
      if (event.revision <= last) continue;
      if (event.revision > last + 1)
        for (const missing of await eventsBefore(this.store, event, last))
          // A stream may carry several cases (a subject's 721 steps): another
          // case's event goes to its own case, one event at a time — unless this
          // batch holds it, and its own case's fold applies it. (Applied here, it
          // would make that case's batched write find the case changed, and all
          // of the case's events would go one by one.)
          if (missing.metadata.caseId === caseId) one(missing);
          else if (!inBatch.has(missing.id)) await this.applyEvent(missing);
      one(event);
    }
    return fold;
  }

  private async insertEntries(entries: readonly TimelineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // Entries written before a crash come again: only other failures count.
    await this.collections.timeline
      .insertMany([...entries], { ordered: false })
      .catch(alreadyThere);
  }

  private async writeCases(folds: readonly CaseFold[]): Promise<Map<string, CaseDocument>> {
    const written = new Map<string, CaseDocument>();
    const contested: CaseFold[] = [];
    const created = folds.filter((f) => f.before === null);
    if (created.length > 0) {
      const made = created.flatMap((f) => (f.after ? [f.after] : []));
      try {
        await this.collections.cases.insertMany(made, { ordered: false });
      } catch (error) {
        // Made meanwhile by another writer (another topic's event of the same case).
        for (const index of alreadyThere(error)) {
          const fold = created[index];
          if (fold) contested.push(fold);
        }
      }
    }
    for (const fold of folds) {
      if (fold.before === null) continue;
      const guards = [...fold.firstRevisions].map(([streamId, first]) => ({
        $or: [
          { [`streams.${streamId}`]: { $exists: false } },
          { [`streams.${streamId}`]: { $lt: first } },
        ],
      }));
      const streams = Object.fromEntries(
        [...fold.firstRevisions.keys()].map((s) => [`streams.${s}`, fold.after?.streams[s]]),
      );
      const { set, inc } = fold.change;
      const after = fold.after as CaseDocument;
      // Opened by another projector since it was read: the report's fields no longer
      // hold, and the case's events go one by one (below), each on a fresh read.
      const stillUnopened = fold.unlessOpened ? [{ openedAt: { $exists: false } }] : [];
      const result = await this.collections.cases.updateOne(
        { _id: fold.caseId, $and: [...guards, ...stillUnopened] },
        {
          $set: { ...set, ...streams },
          // Another writer's changes to these stay: the latest time, every agency.
          $max: { lastEventAt: after.lastEventAt },
          $addToSet: { agencies: { $each: after.agencies } },
          ...(Object.keys(inc).length > 0 ? { $inc: inc } : {}),
        },
      );
      if (result.matchedCount === 0) contested.push(fold);
      else if (mayDisorderAgencies(fold.before, after.agencies))
        await this.orderAgencies(fold.caseId);
    }
    const settled = new Set(contested.map((f) => f.caseId));
    for (const fold of folds)
      if (!settled.has(fold.caseId) && fold.after) written.set(fold.caseId, fold.after);
    for (const fold of contested) {
      for (const event of fold.events) await this.applyEvent(event);
      const now = await this.collections.cases.findOne({ _id: fold.caseId });
      if (now) written.set(fold.caseId, now);
    }
    return written;
  }

  /**
   * Puts the case's agencies in their one order (inAgencyOrder). `$addToSet`
   * merges what concurrent writers add but keeps arrival order, and FerretDB
   * ignores `$push`'s `$sort`: so the array is read back and set in order,
   * guarded by its length — agencies are only ever added, so a writer that added
   * one meanwhile makes this a no-op and orders the array itself.
   */
  private async orderAgencies(caseId: string): Promise<void> {
    const doc = await this.collections.cases.findOne(
      { _id: caseId },
      { projection: { agencies: 1 } },
    );
    if (!doc || isInAgencyOrder(doc.agencies)) return;
    await this.collections.cases.updateOne(
      { _id: caseId, agencies: { $size: doc.agencies.length } },
      { $set: { agencies: inAgencyOrder(doc.agencies) } },
    );
  }

  private async repairGap(event: EventEnvelope, last: number): Promise<void> {
    for (const missing of await eventsBefore(this.store, event, last))
      await this.applyInOrder(missing);
  }

  /**
   * Writes one event everywhere it goes. Every write is idempotent on its own
   * (timeline by event id, statistics by marker, case by revision guard) and the
   * case document's revision is written last: a crash part-way leaves the
   * revision unapplied, the redelivery redoes the rest and changes nothing twice.
   */
  private async applyInOrder(event: EventEnvelope): Promise<void> {
    const caseId = event.metadata.caseId;
    this.touched.add(caseId);
    // An insert that may find its entry already there (a redelivery): E11000 means
    // done. Not an upsert: on FerretDB an upsert that finds nothing scans the whole
    // collection (docs/benchmarks.md), an insert does not.
    try {
      await this.collections.timeline.insertOne(timelineEntry(event));
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const before = await this.collections.cases.findOne({ _id: caseId });
    const change = caseChange(before, event);
    await this.stats.apply(change.stats.map(bucketUpdate));
    await this.enforcement.apply(event);
    await this.work.apply([event]);
    const written = await this.writeCase(event, change);
    if (mayDisorderAgencies(before, [event.agency, ...(change.addAgencies ?? [])]))
      await this.orderAgencies(caseId);
    if (written || !change.unlessOpened) return;
    // Left out by its guard: applied already, or opened by another projector since
    // the read. Once more on a fresh read (a report then adds only its time).
    const now = await this.collections.cases.findOne({ _id: caseId });
    await this.writeCase(event, caseChange(now, event));
  }

  /**
   * One event's change to its case, unless its revision was applied already (or,
   * for a change that holds only until the case is opened, the case is opened).
   * False when a guard left the case out.
   */
  private async writeCase(event: EventEnvelope, change: CaseChange): Promise<boolean> {
    const caseId = event.metadata.caseId;
    const streamKey = `streams.${event.streamId}`;
    const update: UpdateFilter<CaseDocument> = {
      $set: { [streamKey]: event.revision, ...change.set },
      // Agencies' topics interleave freely: keep the latest time, whatever the arrival order.
      $max: { lastEventAt: event.time },
      $addToSet: { agencies: { $each: [event.agency, ...(change.addAgencies ?? [])] } },
      ...(change.inc ? { $inc: change.inc } : {}),
      // A case first seen through an event that sets no status starts as reported.
      $setOnInsert: { caseId, ...(change.set['status'] ? {} : { status: 'reported' as const }) },
    };
    // A guard that excludes the case: this revision was applied already.
    const result = await upsert(
      this.collections.cases,
      {
        _id: caseId,
        $or: [{ [streamKey]: { $exists: false } }, { [streamKey]: { $lt: event.revision } }],
        ...(change.unlessOpened ? { openedAt: { $exists: false } } : {}),
      },
      update,
    );
    return result !== undefined;
  }
}

/** The case documents of `ids` that exist: one by `_id` each (an `$in` reads the whole collection on FerretDB). */
export async function casesById(
  cases: ReadModelCollections['cases'],
  ids: readonly string[],
): Promise<CaseDocument[]> {
  const found = await mapLimit(ids, CASE_READS_IN_FLIGHT, (id) => cases.findOne({ _id: id }));
  return found.filter((d): d is CaseDocument => d !== null);
}

/** `work` over `items` with at most `limit` in flight; results in the items' order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Whether a write adding these agencies may leave the case's array out of order:
 * when it adds one the case did not have, or the case's array was out of order
 * already (a crash between a write and its ordering).
 */
function mayDisorderAgencies(
  before: Pick<CaseDocument, 'agencies'> | null | undefined,
  added: readonly Agency[],
): boolean {
  // Not there when read: another writer may have made it meanwhile, with its agency.
  if (!before) return true;
  return !isInAgencyOrder(before.agencies) || added.some((a) => !before.agencies.includes(a));
}
