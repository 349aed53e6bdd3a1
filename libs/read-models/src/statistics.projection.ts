import { isEventOfType, type EventEnvelope } from '@gridline/contracts';
import { Double, type Collection, type Filter, type UpdateFilter } from 'mongodb';
import { monthOf, type StatIncrement } from './case-document.js';
import type { ReadModelCollections, SubjectStepsDocument } from './collections.js';
import type { PostgresPublicityIndex } from './postgres-publicity-index.js';
import { upsert } from './mongo.js';

/** A repeat violation looks back this many calendar months (as STREET_LOOKBACK_MONTHS). */
export const REPEAT_WINDOW_MONTHS = 12;

export type StepKind = 'service' | 'management' | 'enforcement';

/** What publicity shows for a subject erased on request. */
export const ERASED_SUBJECT_LABEL = '(erased data subject)';

export const streetBucketId = (street: string, month: string) => `${month}|${street}`;
export const agencyBucketId = (agency: string, month: string) => `${month}|${agency}`;

/**
 * Applies one update to a statistics bucket exactly once: a single-document
 * atomic update whose filter says the marker was not applied yet, and which
 * records the marker in the same write. A redelivered event finds its marker
 * and changes nothing (`upsert`: the filter excludes the bucket, whose `_id`
 * then refuses the insert).
 */
export async function applyOnce<T extends { _id: string; applied: string[] }>(
  collection: Collection<T>,
  id: string,
  marker: string | readonly string[],
  update: { inc: Record<string, number>; max?: Record<string, number>; init: Partial<T> },
): Promise<boolean> {
  // Several markers: all of them at once, or none (false) if any is there already.
  const markers = typeof marker === 'string' ? [marker] : [...marker];
  const filter = { _id: id, applied: { $nin: markers } } as unknown as Filter<T>;
  const write = {
    $inc: doubles(update.inc),
    $push: { applied: { $each: markers } },
    $setOnInsert: update.init,
    ...(update.max && Object.keys(update.max).length > 0 ? { $max: doubles(update.max) } : {}),
  } as unknown as UpdateFilter<T>;
  const result = await upsert(collection, filter, write);
  return result !== undefined && result.modifiedCount + result.upsertedCount > 0;
}

/**
 * Figures are stored as doubles (integers exact to 2^53). The driver sends a
 * small integer as a 32-bit int, and FerretDB wraps a 32-bit sum on overflow
 * where MongoDB would widen it: a month's `closure.sumMs` passes 2^31 ms (25
 * days) after a few cases.
 */
function doubles(values: Record<string, number>): Record<string, Double> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, new Double(v)]));
}

/** One update of a statistics bucket: applied once per marker (a redelivery changes nothing). */
export interface BucketUpdate {
  readonly kind: 'street' | 'agency';
  /** The bucket (`streetBucketId` / `agencyBucketId`). */
  readonly id: string;
  /** What a new bucket starts with: its street or agency, and its month. */
  readonly init: Readonly<Record<string, string>>;
  readonly marker: string;
  readonly inc: Readonly<Record<string, number>>;
  readonly max?: Readonly<Record<string, number>>;
}

/**
 * Where the statistics buckets are kept: the set's MongoDB collections
 * (`MongoStatistics`) or its PostgreSQL statistics tables (ADR 0007, slice 3,
 * `PostgresStatistics`). Both apply each update exactly once, by its marker.
 */
export interface StatisticsWriter {
  apply(updates: readonly BucketUpdate[]): Promise<void>;
}

/** The bucket update of an increment `caseChange` derived. */
export function bucketUpdate(stat: StatIncrement): BucketUpdate {
  return stat.kind === 'street'
    ? {
        kind: 'street',
        id: streetBucketId(stat.street, stat.month),
        init: { street: stat.street, month: stat.month },
        marker: stat.marker,
        inc: stat.inc,
        ...(stat.max ? { max: stat.max } : {}),
      }
    : {
        kind: 'agency',
        id: agencyBucketId(stat.agency, stat.month),
        init: { agency: stat.agency, month: stat.month },
        marker: stat.marker,
        inc: stat.inc,
      };
}

/**
 * An update's figures added to a bucket held in memory, in place: `inc` adds,
 * `max` keeps the larger, on dotted paths (`closure.sumMs`) as `$inc` / `$max`
 * do. The one place the PostgreSQL writer and the rebuild's fold add figures.
 */
export function addToBucket(
  bucket: Record<string, unknown>,
  update: Pick<BucketUpdate, 'inc' | 'max'>,
): void {
  for (const [path, by] of Object.entries(update.inc))
    setPath(bucket, path, ((getPath(bucket, path) as number | undefined) ?? 0) + by);
  for (const [path, value] of Object.entries(update.max ?? {})) {
    const current = getPath(bucket, path) as number | undefined;
    if (current === undefined || value > current) setPath(bucket, path, value);
  }
}

function getPath(doc: Record<string, unknown>, path: string): unknown {
  let value: unknown = doc;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let target = doc;
  for (const key of keys) {
    target[key] ??= {};
    target = target[key] as Record<string, unknown>;
  }
  target[last] = value;
}

export async function applyStatIncrement(
  collections: ReadModelCollections,
  stat: StatIncrement,
): Promise<void> {
  await new MongoStatistics(collections).apply([bucketUpdate(stat)]);
}

/** A statistics bucket as `applyOnce` writes it. */
type StatBucket = {
  _id: string;
  applied: string[];
  month?: string;
  street?: string;
  agency?: string;
};

/**
 * The statistics buckets in the set's MongoDB collections, each marker recorded
 * in its bucket's `applied` list (the exactly-once guard): one update per bucket
 * for all its markers, guarded on none of them being applied yet. A bucket that
 * holds one of them already (a redelivery) gets its updates one by one, each
 * guarded on its own marker.
 */
export class MongoStatistics implements StatisticsWriter {
  constructor(private readonly collections: ReadModelCollections) {}

  async apply(updates: readonly BucketUpdate[]): Promise<void> {
    const buckets = new Map<string, BucketUpdate[]>();
    for (const update of updates) {
      const key = `${update.kind}|${update.id}`;
      const group = buckets.get(key) ?? [];
      group.push(update);
      buckets.set(key, group);
    }
    for (const group of buckets.values()) {
      const [first] = group;
      if (!first) continue;
      const bucket = (first.kind === 'street'
        ? this.collections.streetStats
        : this.collections.agencyStats) as unknown as Collection<StatBucket>;
      const inc: Record<string, number> = {};
      const max: Record<string, number> = {};
      for (const update of group) {
        for (const [path, by] of Object.entries(update.inc)) inc[path] = (inc[path] ?? 0) + by;
        for (const [path, value] of Object.entries(update.max ?? {}))
          max[path] = Math.max(max[path] ?? value, value);
      }
      const init = first.init as Partial<StatBucket>;
      const markers = group.map((u) => u.marker);
      const unique = new Set(markers).size === markers.length;
      if (unique && (await applyOnce(bucket, first.id, markers, { inc, max, init }))) continue;
      if (group.length === 1) continue;
      // Some marker was applied already (a redelivery): each on its own.
      for (const update of group)
        await applyOnce(bucket, first.id, update.marker, {
          inc: update.inc,
          ...(update.max ? { max: update.max } : {}),
          init,
        });
    }
  }
}

/**
 * The street side of the statistics and the publicity feed: 721 steps, repeat
 * violations, the decisions' subjects and the masked publicity entries.
 */
export class EnforcementProjection {
  /**
   * `publicityIndex`: the set's publicity table (ADR 0007), refreshed after each
   * change of an entry.
   */
  constructor(
    private readonly collections: ReadModelCollections,
    private readonly stats: StatisticsWriter = new MongoStatistics(collections),
    private readonly publicityIndex?: PostgresPublicityIndex,
  ) {}

  private async refresh(decisionIds: readonly string[]): Promise<void> {
    await this.publicityIndex?.refresh(decisionIds, (ids) =>
      this.collections.publicity.find({ _id: { $in: [...ids] } }).toArray(),
    );
  }

  async apply(event: EventEnvelope): Promise<void> {
    const { decisions, publicity } = this.collections;
    if (isEventOfType(event, 'street.enforcement.reminder-issued.v1')) {
      const d = event.data;
      await this.step(event, 'service', d.subjectId, d.place.street);
    } else if (isEventOfType(event, 'street.enforcement.warning-issued.v1')) {
      const d = event.data;
      await this.step(event, 'management', d.subjectId, d.place.street);
    } else if (isEventOfType(event, 'street.decision.penalty-proposed.v1')) {
      const d = event.data;
      await upsert(
        decisions,
        { _id: d.decisionId },
        {
          $setOnInsert: {
            caseId: d.caseId,
            subjectId: d.subjectId,
            category: d.category,
            // Where the violation was recorded: the place of the first piece of evidence.
            street: d.evidence[0]?.place.street ?? 'unknown',
          },
        },
      );
    } else if (isEventOfType(event, 'street.decision.issued.v1')) {
      const ref = await this.decision(event.data.decisionId);
      await this.step(event, 'enforcement', ref.subjectId, ref.street);
    } else if (isEventOfType(event, 'street.decision.published.v1')) {
      const d = event.data;
      const ref = await this.decision(d.decisionId);
      // An erasure may have been projected first (another case, another partition).
      const erased = (await this.collections.subjectSteps.findOne({ _id: ref.subjectId }))
        ?.erasedAt;
      await upsert(
        publicity,
        { _id: d.decisionId },
        {
          $set: {
            subjectLabel: erased ? ERASED_SUBJECT_LABEL : d.subjectLabel,
            category: d.category,
            street: ref.street,
            amountYuan: d.penalty.amountYuan,
            circumstance: d.penalty.circumstance,
            ...(d.penalty.additionalMeasure
              ? { additionalMeasure: d.penalty.additionalMeasure }
              : {}),
            standardVersion: d.standardVersion,
            issuedAt: d.issuedAt,
            publishedAt: d.publishedAt,
          },
          $setOnInsert: { retracted: false },
        },
      );
      await this.refresh([d.decisionId]);
    } else if (isEventOfType(event, 'street.subject.erased.v1')) {
      // Erased: every publicity entry of the subject shows so, now and when it comes later.
      const { subjectId, erasedAt } = event.data;
      await upsert(
        this.collections.subjectSteps,
        { _id: subjectId },
        { $set: { erasedAt }, $setOnInsert: { steps: [] } },
      );
      const decisions = await this.collections.decisions
        .find({ subjectId }, { projection: { _id: 1 } })
        .toArray();
      if (decisions.length > 0)
        await publicity.updateMany(
          { _id: { $in: decisions.map((x) => x._id) } },
          { $set: { subjectLabel: ERASED_SUBJECT_LABEL } },
        );
      await this.refresh(decisions.map((x) => x._id));
    } else if (isEventOfType(event, 'street.decision.publicity-retracted.v1')) {
      await publicity.updateOne(
        { _id: event.data.decisionId },
        { $set: { retracted: true, retractedAt: event.data.retractedAt } },
      );
      await this.refresh([event.data.decisionId]);
    } else if (isEventOfType(event, 'street.decision.appeal-decided.v1')) {
      const penalty = event.data.penalty;
      if (event.data.outcome === 'changed' && penalty) {
        await publicity.updateOne(
          { _id: event.data.decisionId },
          { $set: { amountYuan: penalty.amountYuan, circumstance: penalty.circumstance } },
        );
        await this.refresh([event.data.decisionId]);
      }
    }
  }

  private async decision(decisionId: string) {
    const ref = await this.collections.decisions.findOne({ _id: decisionId });
    // The proposal comes first in the decision's stream; its absence is a gap, never skipped.
    if (!ref) throw new Error(`decision ${decisionId}: proposal not projected yet`);
    return ref;
  }

  /**
   * One 721 step: counted once in its street-month bucket, registered on its
   * subject, then the repeat rule applied both ways, so the outcome does not
   * depend on arrival order: this step is a repeat when the subject had a step in
   * the window before it; every later step within the window after it is one.
   */
  private async step(
    event: EventEnvelope,
    kind: StepKind,
    subjectId: string,
    street: string,
  ): Promise<void> {
    const { subjectSteps } = this.collections;
    const month = monthOf(event.time);
    const bucket = streetBucketId(street, month);
    await this.stats.apply([
      { kind: 'street', id: bucket, init: { street, month }, marker: event.id, inc: { [kind]: 1 } },
    ]);
    // `$nor`, not `'steps.eventId': { $ne }`: on an array of documents FerretDB 1.24
    // matches `$ne` when any element differs, MongoDB when none is equal (ADR 0002).
    await upsert(
      subjectSteps,
      { _id: subjectId, $nor: [{ 'steps.eventId': event.id }] },
      { $push: { steps: { eventId: event.id, time: event.time, bucket } } },
    );
    const doc = await subjectSteps.findOne({ _id: subjectId });
    // In their one order (inStepOrder), whatever order they arrived in: set back,
    // guarded by the length (steps are only added; FerretDB ignores `$push`'s `$sort`).
    if (doc && !isInStepOrder(doc.steps))
      await subjectSteps.updateOne(
        { _id: subjectId, steps: { $size: doc.steps.length } },
        { $set: { steps: inStepOrder(doc.steps) } },
      );
    const self = { eventId: event.id, time: event.time, bucket };
    const repeat = (step: SubjectStepsDocument['steps'][number]) =>
      this.stats.apply([repeatUpdate(step)]);
    for (const other of doc?.steps ?? []) {
      if (other.eventId === self.eventId) continue;
      if (isRepeatOf(self, other)) await repeat(self);
      if (isRepeatOf(other, self)) await repeat(other);
    }
  }
}

/** The repeat a step counts in its bucket (marker `repeat:<event id>`). */
export function repeatUpdate(step: { eventId: string; bucket: string }): BucketUpdate {
  return {
    kind: 'street',
    id: step.bucket,
    init: { street: step.bucket.slice(8), month: step.bucket.slice(0, 7) },
    marker: `repeat:${step.eventId}`,
    inc: { repeats: 1 },
  };
}

type Step = { readonly eventId: string; readonly time: string };

/** `later` repeats `earlier`: it comes after it (time, then id) within the window. */
export function isRepeatOf(later: Step, earlier: Step): boolean {
  const l = Date.parse(later.time);
  const e = Date.parse(earlier.time);
  const after = e < l || (e === l && earlier.eventId < later.eventId);
  if (!after) return false;
  const windowStart = new Date(l);
  windowStart.setUTCMonth(windowStart.getUTCMonth() - REPEAT_WINDOW_MONTHS);
  return e >= windowStart.getTime();
}

type RegisteredStep = SubjectStepsDocument['steps'][number];

/** A subject's 721 steps by the time they were taken, then by event id. */
export function inStepOrder(steps: readonly RegisteredStep[]): RegisteredStep[] {
  return [...steps].sort((a, b) =>
    a.time < b.time
      ? -1
      : a.time > b.time
        ? 1
        : a.eventId < b.eventId
          ? -1
          : a.eventId > b.eventId
            ? 1
            : 0,
  );
}

function isInStepOrder(steps: readonly RegisteredStep[]): boolean {
  const ordered = inStepOrder(steps);
  return ordered.every((step, i) => step === steps[i]);
}
