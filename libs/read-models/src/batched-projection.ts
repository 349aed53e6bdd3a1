import { isEventOfType, REFERENCE_DATA_EVENT_TYPES, type EventEnvelope } from '@gridline/contracts';
import type { EventStore } from '@gridline/eventsourcing';
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import { caseChange, foldCase, monthOf } from './case-document.js';
import { eventsBefore, timelineEntry } from './case-timeline.projection.js';
import type {
  CaseDocument,
  DecisionRefDocument,
  PublicityDocument,
  ReadModelCollections,
  SubjectStepsDocument,
  TimelineEntry,
} from './collections.js';
import {
  addToBucket,
  bucketUpdate,
  ERASED_SUBJECT_LABEL,
  inStepOrder,
  isRepeatOf,
  repeatUpdate,
  streetBucketId,
  type BucketUpdate,
  type StepKind,
} from './statistics.projection.js';
import { foldWorkItem, workItemIds, type WorkItemDocument } from './work-items.js';
import type { SetIndexes } from './read-model-indexes.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Keyed = { _id: string };

const REPLACEMENTS_PER_COMMAND = 32;
type Bucket = { _id: string; applied: string[]; [field: string]: unknown };
type Steps = Mutable<SubjectStepsDocument>;

export interface BatchedProjectionOptions {
  /**
   * Case documents held in memory (default 200,000): beyond it, everything is
   * written and cases are read back when needed.
   */
  readonly maxCachedCases?: number;
  /** The set's index tables (ADR 0007): written with the case and work documents. */
  readonly indexes?: SetIndexes;
}

/** What a flush wrote, per collection. */
export type FlushCounts = Readonly<Record<keyof ReadModelCollections, number>>;

/**
 * A collection's documents as the fold sees them: the ones it read or made, which
 * of those changed since the last flush, and which are already in the database.
 */
class Documents<T extends { _id: string }> {
  readonly cached = new Map<string, T>();
  private readonly dirty = new Set<string>();
  private readonly stored = new Set<string>();

  readonly collection: Collection<Keyed>;

  constructor(collection: { collectionName: string }) {
    // Whole documents by `_id`: the typed filters of the driver add nothing here.
    this.collection = collection as Collection<Keyed>;
  }

  get(id: string): T | undefined {
    return this.cached.get(id);
  }

  /** Whether the database holds it and the cache does not: load it before folding. */
  missing(id: string): boolean {
    return this.stored.has(id) && !this.cached.has(id);
  }

  async load(ids: Iterable<string>): Promise<void> {
    const wanted = [...new Set(ids)].filter((id) => this.missing(id));
    if (wanted.length === 0) return;
    const found = await this.collection.find({ _id: { $in: wanted } }).toArray();
    for (const doc of found) this.cached.set(String(doc._id), doc as T);
  }

  put(doc: T): void {
    this.cached.set(doc._id, doc);
    this.dirty.add(doc._id);
  }

  /**
   * The writes that bring the database up to the cache: one insert command for
   * the documents it never held, and replacements by `_id` for those it did, at
   * most REPLACEMENTS_PER_COMMAND to a command (FerretDB 1.24 stops answering on an
   * update command of more than about 50 statements; docs/performance.md).
   */
  async write(): Promise<T[]> {
    return this.writeWith((docs) => this.writeToCollection(docs));
  }

  /** As `write`, to somewhere else than the collection (`to` gets copies). */
  async writeWith(to: (docs: { doc: T; stored: boolean }[]) => Promise<void>): Promise<T[]> {
    const docs: { doc: T; stored: boolean }[] = [];
    for (const id of this.dirty) {
      const doc = this.cached.get(id);
      // The driver serialises later: hand it a copy the next fold cannot change.
      if (doc) docs.push({ doc: structuredClone(doc), stored: this.stored.has(id) });
    }
    await to(docs);
    for (const id of this.dirty) this.stored.add(id);
    this.dirty.clear();
    return docs.map((d) => d.doc);
  }

  private async writeToCollection(docs: { doc: T; stored: boolean }[]): Promise<void> {
    const inserts: Keyed[] = [];
    const replacements: AnyBulkWriteOperation<Keyed>[] = [];
    for (const { doc, stored } of docs)
      if (stored) replacements.push({ replaceOne: { filter: { _id: doc._id }, replacement: doc } });
      else inserts.push(doc);
    if (inserts.length > 0) await this.collection.insertMany(inserts, { ordered: false });
    for (let i = 0; i < replacements.length; i += REPLACEMENTS_PER_COMMAND)
      await this.collection.bulkWrite(replacements.slice(i, i + REPLACEMENTS_PER_COMMAND), {
        ordered: false,
      });
  }

  /** Forgets every document held (all written), to be read back when needed. */
  forget(): void {
    if (this.dirty.size === 0) this.cached.clear();
  }
}

/**
 * The rebuild's projection. It derives exactly what CaseTimelineProjection
 * derives (the same `caseChange`, statistics markers, 721 repeat rule and
 * publicity masking) but folds the log in memory and inserts the final
 * documents in bulk, instead of several round trips per event.
 *
 * It must be the only writer of its collection set, which starts empty: it
 * trusts its cache and replaces whole documents. The rebuild hands the set to
 * the live projector only after its last flush (rebuild.ts).
 *
 * Statistics buckets, 721 subjects, decision references, publicity entries and
 * work items stay in memory for the whole run (they grow with streets, months,
 * subjects, decisions and cases, not with events); case documents are dropped from memory after
 * a flush once more than `maxCachedCases` are held, and read back when needed.
 */
export class BatchedProjection {
  private readonly cases: Documents<CaseDocument>;
  private readonly streetStats: Documents<Bucket>;
  private readonly agencyStats: Documents<Bucket>;
  private readonly subjectSteps: Documents<Steps>;
  private readonly decisions: Documents<DecisionRefDocument>;
  private readonly publicity: Documents<Mutable<PublicityDocument>>;
  private readonly workItems: Documents<WorkItemDocument>;
  /** Markers per bucket, for constant-time "applied already?" checks. */
  private readonly markers = new Map<string, Set<string>>();
  private readonly decisionsBySubject = new Map<string, Set<string>>();
  /** The last revision folded per stream. */
  private readonly revisions = new Map<string, number>();
  private timeline: TimelineEntry[] = [];
  private writing: Promise<unknown> = Promise.resolve();
  private readonly maxCachedCases: number;
  private readonly indexes: SetIndexes | undefined;

  constructor(
    private readonly collections: ReadModelCollections,
    private readonly store?: Pick<EventStore, 'readStream'>,
    options: BatchedProjectionOptions = {},
  ) {
    const c = collections;
    this.cases = new Documents(c.cases);
    this.streetStats = new Documents(c.streetStats);
    this.agencyStats = new Documents(c.agencyStats);
    this.subjectSteps = new Documents(c.subjectSteps);
    this.decisions = new Documents(c.decisions);
    this.publicity = new Documents(c.publicity);
    this.workItems = new Documents(c.workItems);
    this.maxCachedCases = options.maxCachedCases ?? 200_000;
    this.indexes = options.indexes;
  }

  /** Timeline entries not yet written by `flush`. */
  get pending(): number {
    return this.timeline.length;
  }

  /** Folds events (in log order) into the documents held in memory. */
  async apply(events: readonly EventEnvelope[]): Promise<void> {
    await this.cases.load(events.map((e) => e.metadata.caseId));
    for (const event of events) await this.applyOne(event);
  }

  private async applyOne(event: EventEnvelope): Promise<void> {
    if (REFERENCE_DATA_EVENT_TYPES.has(event.type)) return;
    await this.cases.load([event.metadata.caseId]);
    // Per stream, not per case: a stream may carry several cases (a subject's 721
    // steps). The live projection repairs such a "gap" from the store and finds
    // every event already applied; this fold never sees one, so long as the log
    // comes in order.
    const last = this.revisions.get(event.streamId) ?? -1;
    if (event.revision <= last) return;
    if (event.revision > last + 1)
      for (const missing of await eventsBefore(this.store, event, last)) this.fold(missing);
    this.fold(event);
  }

  /** One event, in order: the same writes as CaseTimelineProjection.applyInOrder. */
  private fold(event: EventEnvelope): void {
    const caseId = event.metadata.caseId;
    this.revisions.set(event.streamId, event.revision);
    this.timeline.push(timelineEntry(event));
    const before = this.cases.get(caseId);
    const change = caseChange(before ?? null, event);
    for (const stat of change.stats) this.applyOnce(bucketUpdate(stat));
    this.enforcement(event);
    for (const id of workItemIds(event)) {
      const was = this.workItems.get(id) ?? null;
      const now = foldWorkItem(was, id, event);
      if (now && now !== was) this.workItems.put(now);
    }
    this.cases.put(foldCase(before, event, change));
  }

  /** As the statistics writers: once per marker (statistics.projection.ts). */
  private applyOnce(update: BucketUpdate): void {
    const buckets = update.kind === 'street' ? this.streetStats : this.agencyStats;
    const key = `${update.kind}|${update.id}`;
    const markers = this.markers.get(key) ?? new Set<string>();
    if (markers.has(update.marker)) return;
    markers.add(update.marker);
    this.markers.set(key, markers);
    // Changed in place: a flush writes copies (Documents.writes).
    const bucket: Bucket = buckets.get(update.id) ?? {
      _id: update.id,
      ...update.init,
      applied: [],
    };
    addToBucket(bucket, update);
    bucket.applied.push(update.marker);
    buckets.put(bucket);
  }

  /** As EnforcementProjection.apply. */
  private enforcement(event: EventEnvelope): void {
    if (isEventOfType(event, 'street.enforcement.reminder-issued.v1'))
      this.step(event, 'service', event.data.subjectId, event.data.place.street);
    else if (isEventOfType(event, 'street.enforcement.warning-issued.v1'))
      this.step(event, 'management', event.data.subjectId, event.data.place.street);
    else if (isEventOfType(event, 'street.decision.penalty-proposed.v1')) {
      const d = event.data;
      if (this.decisions.get(d.decisionId)) return;
      this.decisions.put({
        _id: d.decisionId,
        caseId: d.caseId,
        subjectId: d.subjectId,
        category: d.category,
        street: d.evidence[0]?.place.street ?? 'unknown',
      });
      const ofSubject = this.decisionsBySubject.get(d.subjectId) ?? new Set<string>();
      ofSubject.add(d.decisionId);
      this.decisionsBySubject.set(d.subjectId, ofSubject);
    } else if (isEventOfType(event, 'street.decision.issued.v1')) {
      const ref = this.decision(event.data.decisionId);
      this.step(event, 'enforcement', ref.subjectId, ref.street);
    } else if (isEventOfType(event, 'street.decision.published.v1')) {
      const d = event.data;
      const ref = this.decision(d.decisionId);
      const erased = this.subjectSteps.get(ref.subjectId)?.erasedAt;
      const before = this.publicity.get(d.decisionId);
      this.publicity.put({
        ...(before ?? { _id: d.decisionId, retracted: false }),
        subjectLabel: erased ? ERASED_SUBJECT_LABEL : d.subjectLabel,
        category: d.category,
        street: ref.street,
        amountYuan: d.penalty.amountYuan,
        circumstance: d.penalty.circumstance,
        ...(d.penalty.additionalMeasure ? { additionalMeasure: d.penalty.additionalMeasure } : {}),
        standardVersion: d.standardVersion,
        issuedAt: d.issuedAt,
        publishedAt: d.publishedAt,
      });
    } else if (isEventOfType(event, 'street.subject.erased.v1')) {
      const { subjectId, erasedAt } = event.data;
      const before = this.subjectSteps.get(subjectId);
      this.subjectSteps.put({ ...(before ?? { _id: subjectId, steps: [] }), erasedAt });
      for (const decisionId of this.decisionsBySubject.get(subjectId) ?? []) {
        const entry = this.publicity.get(decisionId);
        if (entry) this.publicity.put({ ...entry, subjectLabel: ERASED_SUBJECT_LABEL });
      }
    } else if (isEventOfType(event, 'street.decision.publicity-retracted.v1')) {
      const entry = this.publicity.get(event.data.decisionId);
      if (entry)
        this.publicity.put({ ...entry, retracted: true, retractedAt: event.data.retractedAt });
    } else if (isEventOfType(event, 'street.decision.appeal-decided.v1')) {
      const penalty = event.data.penalty;
      const entry = this.publicity.get(event.data.decisionId);
      if (event.data.outcome === 'changed' && penalty && entry)
        this.publicity.put({
          ...entry,
          amountYuan: penalty.amountYuan,
          circumstance: penalty.circumstance,
        });
    }
  }

  private decision(decisionId: string): DecisionRefDocument {
    const ref = this.decisions.get(decisionId);
    if (!ref) throw new Error(`decision ${decisionId}: proposal not projected yet`);
    return ref;
  }

  /** As EnforcementProjection.step: counted once, registered, the repeat rule both ways. */
  private step(event: EventEnvelope, kind: StepKind, subjectId: string, street: string): void {
    const month = monthOf(event.time);
    const bucket = streetBucketId(street, month);
    this.applyOnce({
      kind: 'street',
      id: bucket,
      init: { street, month },
      marker: event.id,
      inc: { [kind]: 1 },
    });
    const self = { eventId: event.id, time: event.time, bucket };
    const doc: Steps = this.subjectSteps.get(subjectId) ?? { _id: subjectId, steps: [] };
    if (!doc.steps.some((s) => s.eventId === event.id))
      this.subjectSteps.put({ ...doc, steps: inStepOrder([...doc.steps, self]) });
    const repeat = (step: Steps['steps'][number]) => this.applyOnce(repeatUpdate(step));
    for (const other of doc.steps) {
      if (other.eventId === self.eventId) continue;
      if (isRepeatOf(self, other)) repeat(self);
      if (isRepeatOf(other, self)) repeat(other);
    }
  }

  /**
   * Writes the timeline entries folded since the last flush (one unordered insert,
   * awaited by the next flush: writing overlaps the folding of the next events).
   * The other documents change again and again while the log is folded: they are
   * written only at the end (`all`), or when more than `maxCachedCases` cases are
   * held, after which the case cache starts afresh. So a rebuild that fits in
   * memory inserts every document once, in its final state.
   *
   * One collection after the other: FerretDB 1.24 stopped answering (every client,
   * until restarted) while this wrote to several collections at once.
   */
  async flush(all = false): Promise<FlushCounts> {
    const timeline = this.timeline;
    this.timeline = [];
    const counts = { timeline: timeline.length } as Record<keyof ReadModelCollections, number>;
    // One timeline write in flight while the next events are folded (the entries
    // are never changed after being made).
    await this.writing;
    const writing =
      timeline.length > 0
        ? this.collections.timeline.insertMany(timeline, { ordered: false })
        : Promise.resolve();
    writing.catch(() => undefined); // handled: the next flush awaits it and throws
    this.writing = writing;
    if (!all && this.cases.cached.size <= this.maxCachedCases) return counts;
    await this.writing;
    const sets = {
      cases: this.cases,
      streetStats: this.streetStats,
      agencyStats: this.agencyStats,
      subjectSteps: this.subjectSteps,
      decisions: this.decisions,
      publicity: this.publicity,
      workItems: this.workItems,
    } as const;
    const stats = this.indexes?.stats;
    for (const [name, documents] of Object.entries(sets) as [
      keyof typeof sets,
      Documents<Keyed>,
    ][]) {
      const kind = name === 'streetStats' ? 'street' : name === 'agencyStats' ? 'agency' : null;
      // With the set's statistics tables, the buckets go there instead (ADR 0007).
      const written =
        stats && kind
          ? await documents.writeWith((docs) =>
              stats.load(
                docs.map(({ doc }) => [kind, doc as unknown as Bucket & { month: string }]),
              ),
            )
          : await documents.write();
      counts[name] = written.length;
      // The only writer of the set: no write of the index can lose a race here.
      if (name === 'cases' && this.indexes)
        await this.indexes.cases.write(written as CaseDocument[], () => {
          throw new Error('the rebuild is the only writer of its set');
        });
      if (name === 'workItems' && this.indexes)
        await this.indexes.work.write(written as WorkItemDocument[]);
      if (name === 'publicity' && this.indexes)
        await this.indexes.publicity.write(written as PublicityDocument[]);
    }
    if (this.cases.cached.size > this.maxCachedCases) this.cases.forget();
    return counts;
  }
}
