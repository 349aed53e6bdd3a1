import {
  START,
  formatPosition,
  toEnvelope,
  type EventStore,
  type LogPosition,
  type RecordedEvent,
} from '@gridline/eventsourcing';
import { BatchedProjection } from './batched-projection.js';
import type { EventEnvelope } from '@gridline/contracts';
import type { Collection, Db } from 'mongodb';
import { casesById, CaseTimelineProjection, type BatchResult } from './case-timeline.projection.js';
import {
  dropReadModelCollections,
  ensureReadModelIndexes,
  readModelCollectionNames,
  readModelCollections,
  type ReadModelCollections,
} from './collections.js';
import type { StatBucketWithMarkers } from './postgres-statistics.js';
import type { ReadModelIndexes } from './read-model-indexes.js';

export interface RebuildProgress {
  /** The collection suffix being filled (`_v7`). */
  readonly suffix: string;
  readonly processed: number;
  /** Events in the store when the rebuild started, when known. */
  readonly total: number | undefined;
  readonly position: string | undefined;
  readonly eventsPerSecond: number;
  readonly etaSeconds: number | undefined;
}

export interface RebuildOptions {
  readonly db: Db;
  /** Reads the global log (and streams, for the projection's gap repair). */
  readonly store: Pick<EventStore, 'readAll' | 'readStream'>;
  readonly suffix: string;
  readonly total?: number;
  /** Events read from the log at a time (default 2,000). */
  readonly batchSize?: number;
  /** Events folded in memory between bulk writes (default 20,000). */
  readonly flushEvery?: number;
  /** Case documents held in memory between bulk writes (BatchedProjection). */
  readonly maxCachedCases?: number;
  readonly onProgress?: (progress: RebuildProgress) => void | Promise<void>;
  /**
   * Called once the bulk phase has written its last documents: from here on the
   * set may have other writers (the live projector), and the rebuild finishes the
   * log with the per-event projection, whose writes are guarded like theirs.
   */
  readonly onBulkDone?: () => void | Promise<void>;
  /**
   * How long other writers may take to join after `onBulkDone` (projector
   * replicas learn of it by polling): the tail reads the log to its end again
   * once this has passed, so an event one of them saw before joining is not missed.
   */
  readonly joinWithinMs?: number;
  readonly signal?: AbortSignal;
  /** Drop and recreate the suffix's collections first (default); false when already prepared. */
  readonly prepare?: boolean;
  /** Only events that occurred at or before this time: the views as they stood then. */
  readonly until?: Date;
  /** Where the sets' index tables live (ADR 0007); none on a MongoDB-only deployment. */
  readonly indexes?: ReadModelIndexes;
}

/**
 * Rebuilds every read model from the event store's global log into a parallel
 * set of collections (`<name><suffix>`), while the live set keeps serving.
 * Returns when the log is read to its end; the caller then switches readers
 * over (ReadModelVersions).
 *
 * Two phases. Bulk: the log is folded in memory and written in bulk
 * (BatchedProjection), with nobody else writing the set, which starts empty.
 * Tail: after `onBulkDone`, whatever the log holds beyond is applied one event
 * at a time by the live projector's own projection, so events the live side
 * writes into the set meanwhile are neither lost nor counted twice.
 */
export async function rebuildReadModels(options: RebuildOptions): Promise<RebuildProgress> {
  const { db, store, suffix } = options;
  const until = options.until?.toISOString();
  if (options.prepare ?? true) await prepareReadModelSet(db, suffix, options.indexes);
  const collections = readModelCollections(db, suffix);
  const setIndexes = options.indexes?.of(suffix);
  const batchSize = options.batchSize ?? 2_000;
  const flushEvery = options.flushEvery ?? 20_000;
  const started = Date.now();
  let processed = 0;
  let after: LogPosition = START;
  const progress = (): RebuildProgress => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    const rate = processed / seconds;
    return {
      suffix,
      processed,
      total: options.total,
      position: processed > 0 ? formatPosition(after) : undefined,
      eventsPerSecond: Math.round(rate),
      etaSeconds:
        options.total !== undefined && rate > 0
          ? Math.max(0, Math.round((options.total - processed) / rate))
          : undefined,
    };
  };
  const wanted = (event: RecordedEvent) => !until || event.occurredAt <= until;

  const bulk = new BatchedProjection(collections, store, {
    ...(options.maxCachedCases ? { maxCachedCases: options.maxCachedCases } : {}),
    ...(setIndexes ? { indexes: setIndexes } : {}),
  });
  // The next batch is read from the store while this one is folded and written.
  let next = store.readAll({ after, maxCount: batchSize });
  for (;;) {
    if (options.signal?.aborted) throw new Error('rebuild aborted');
    const batch = await next;
    const last = batch.at(-1);
    if (!last) break;
    next = store.readAll({ after: last.position, maxCount: batchSize });
    await bulk.apply(batch.filter(wanted).map(toEnvelope));
    processed += batch.length;
    after = last.position;
    if (bulk.pending >= flushEvery) await bulk.flush();
    await options.onProgress?.(progress());
  }
  await bulk.flush(true);
  await options.onBulkDone?.();
  const joined = Date.now() + (options.joinWithinMs ?? 0);

  const projection = new CaseTimelineProjection(collections, store, setIndexes);
  for (;;) {
    if (options.signal?.aborted) throw new Error('rebuild aborted');
    const batch = await store.readAll({ after, maxCount: batchSize });
    const last = batch.at(-1);
    if (!last) {
      const wait = joined - Date.now();
      if (wait <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
      continue;
    }
    for (const event of batch.filter(wanted)) await projection.apply(toEnvelope(event));
    processed += batch.length;
    after = last.position;
    await options.onProgress?.(progress());
  }
  return progress();
}

/** An empty, indexed collection set (leftovers of an abandoned attempt dropped). */
export async function prepareReadModelSet(
  db: Db,
  suffix: string,
  indexes?: ReadModelIndexes,
): Promise<void> {
  await dropReadModelSet(db, suffix, indexes);
  // Every collection made here, one at a time, not by the rebuild's first writes.
  for (const name of Object.values(readModelCollectionNames(suffix)))
    await db.createCollection(name);
  await ensureReadModelIndexes(readModelCollections(db, suffix));
  await indexes?.prepare(suffix);
}

/** Drops a set: its collections, and its case index where there is one. */
export async function dropReadModelSet(
  db: Db,
  suffix: string,
  indexes?: ReadModelIndexes,
): Promise<void> {
  await dropReadModelCollections(db, suffix);
  await indexes?.drop(suffix);
}

/**
 * Makes the index tables of a set that lacks them (a deployment upgraded to
 * ADR 0007, or one that dropped them), filled from the set's documents: the
 * tables are derived from them. A table that exists is left as it is. Answers
 * how many documents went into each table made now.
 */
export async function ensureIndexes(
  collections: ReadModelCollections,
  indexes: ReadModelIndexes,
  suffix: string,
): Promise<IndexesFilled> {
  const filled: Mutable<IndexesFilled> = {};
  // The statistics move into their tables (the collections are not written after):
  // in the transaction that makes them, so no writer sees them half filled.
  const made = await indexes.prepare(suffix, async function* () {
    filled.stats = 0;
    for (const [kind, buckets] of [
      ['street', collections.streetStats],
      ['agency', collections.agencyStats],
    ] as const)
      for await (const bucket of (buckets as unknown as Collection<StatBucketWithMarkers>).find(
        {},
      )) {
        filled.stats += 1;
        yield [kind, bucket] as const;
      }
  });
  const { cases, work, publicity } = indexes.of(suffix);
  if (made.includes('cases')) {
    // Another replica's live writes may be newer than what this read.
    filled.cases = await copyAll(collections.cases.find({}), (batch) =>
      cases.write(batch, (ids) => casesById(collections.cases, ids)),
    );
  }
  if (made.includes('work'))
    filled.work = await copyAll(collections.workItems.find({}), (batch) => work.write(batch));
  if (made.includes('publicity'))
    // Read again under the table's lock: a live writer may be refreshing rows meanwhile.
    filled.publicity = await copyAll(
      collections.publicity.find({}, { projection: { _id: 1 } }),
      (batch) =>
        publicity.refresh(
          batch.map((d) => d._id),
          (ids) => collections.publicity.find({ _id: { $in: [...ids] } }).toArray(),
        ),
    );
  return filled;
}

/** How many documents went into each index table made now. */
export interface IndexesFilled {
  readonly cases?: number;
  readonly work?: number;
  readonly stats?: number;
  readonly publicity?: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

async function copyAll<T>(
  documents: AsyncIterable<T>,
  write: (batch: T[]) => Promise<void>,
): Promise<number> {
  let copied = 0;
  let batch: T[] = [];
  for await (const doc of documents) {
    batch.push(doc);
    if (batch.length === 500) {
      await write(batch);
      copied += batch.length;
      batch = [];
    }
  }
  await write(batch);
  return copied + batch.length;
}

const VERSIONS = 'read_model_versions';
const ID = 'case-views';

/** Which set of read-model collections readers use: one document, switched atomically. */
export class ReadModelVersions {
  constructor(private readonly db: Db) {}

  async live(): Promise<string> {
    const doc = await this.db
      .collection<{ _id: string; live: string }>(VERSIONS)
      .findOne({ _id: ID });
    return doc?.live ?? '';
  }

  async switchTo(suffix: string): Promise<string> {
    const previous = await this.live();
    await this.db
      .collection<{ _id: string; live: string; switchedAt: string }>(VERSIONS)
      .updateOne(
        { _id: ID },
        { $set: { live: suffix, switchedAt: new Date().toISOString() } },
        { upsert: true },
      );
    return previous;
  }
}

/**
 * The read-model collections readers use, following the version pointer: the
 * pointer is re-read every second, so readers move to a rebuilt set within a
 * second of the switch.
 */
export class LiveReadModels {
  private suffix = '';
  private timer: NodeJS.Timeout | undefined;
  readonly collections: ReadModelCollections;

  constructor(
    private readonly db: Db,
    private readonly versions = new ReadModelVersions(db),
  ) {
    this.collections = new Proxy({} as ReadModelCollections, {
      get: (_, key) =>
        readModelCollections(this.db, this.suffix)[key as keyof ReadModelCollections],
    });
  }

  get currentSuffix(): string {
    return this.suffix;
  }

  async start(refreshMs = 1_000): Promise<void> {
    this.suffix = await this.versions.live();
    this.timer = setInterval(() => void this.refresh(), refreshMs);
  }

  async refresh(): Promise<void> {
    this.suffix = await this.versions.live().catch(() => this.suffix);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export type RebuildState = 'requested' | 'running' | 'completed' | 'failed';

export interface RebuildStatus {
  readonly state: RebuildState;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly owner?: string;
  readonly suffix?: string;
  readonly previous?: string;
  readonly startedAt?: string;
  readonly processed?: number;
  readonly total?: number;
  readonly eventsPerSecond?: number;
  readonly etaSeconds?: number;
  readonly position?: string;
  readonly finishedAt?: string;
  readonly error?: string;
  /** The set being built takes live events (the rebuild's bulk phase is over). */
  readonly liveWrites?: boolean;
  /** Written with every progress report: a running rebuild silent for a minute is abandoned. */
  readonly updatedAt?: string;
}

const ABANDONED_AFTER_MS = 60_000;

export class RebuildInProgressError extends Error {
  constructor() {
    super('a rebuild is already requested or running');
    this.name = 'RebuildInProgressError';
  }
}

/**
 * The rebuild request and its progress, in one document: the gateway asks, a
 * projector claims it (only one can), reports progress, and finishes it.
 */
export class RebuildRequests {
  private readonly collection;

  constructor(db: Db) {
    this.collection = db.collection<RebuildStatus & { _id: string }>('read_model_rebuilds');
  }

  async request(by: string): Promise<RebuildStatus> {
    const status: RebuildStatus = {
      state: 'requested',
      requestedBy: by,
      requestedAt: new Date().toISOString(),
    };
    try {
      // A rebuild whose projector died (no progress for a minute) may be asked again.
      const abandoned = new Date(Date.now() - ABANDONED_AFTER_MS).toISOString();
      await this.collection.replaceOne(
        {
          _id: ID,
          $or: [
            { state: { $nin: ['requested', 'running'] } },
            { state: 'running', updatedAt: { $lt: abandoned } },
          ],
        },
        { ...status, updatedAt: status.requestedAt },
        { upsert: true },
      );
    } catch (error) {
      if ((error as { code?: number }).code === 11000) throw new RebuildInProgressError();
      throw error;
    }
    return status;
  }

  async claim(owner: string): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: ID, state: 'requested' },
      { $set: { state: 'running', owner, updatedAt: new Date().toISOString() } },
    );
    return result.modifiedCount === 1;
  }

  async update(fields: Partial<RebuildStatus>): Promise<void> {
    await this.collection.updateOne(
      { _id: ID },
      { $set: { ...fields, updatedAt: new Date().toISOString() } },
    );
  }

  async status(): Promise<RebuildStatus | undefined> {
    const doc = await this.collection.findOne({ _id: ID });
    if (!doc) return undefined;
    const { _id, ...status } = doc;
    return status;
  }
}

interface Target {
  readonly suffix: string;
  readonly projection: CaseTimelineProjection;
}

/**
 * The projector's side of blue/green: live events go to the live set and, while
 * a rebuild runs, to the set being built too; a claimed rebuild replays the
 * store's log into a new set, switches the pointer, and drops the old set after
 * a grace period. Every projector replica follows the pointer and the running
 * rebuild, so several replicas stay consistent.
 */
export class ReadModelRebuilder {
  private live: Target | undefined;
  private building: Target | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly versions: ReadModelVersions;
  private readonly requests: RebuildRequests;

  constructor(
    private readonly db: Db,
    private readonly store: Pick<EventStore, 'readAll' | 'readStream'>,
    /** How many events the store holds (the progress total); undefined where unknown. */
    private readonly countEvents: () => Promise<number | undefined>,
    private readonly owner: string,
    private readonly options: {
      pollMs?: number;
      dropAfterMs?: number;
      /** The sets' index tables (ADR 0007); none on a MongoDB-only deployment. */
      indexes?: ReadModelIndexes;
      /** Told how many documents new index tables were filled with. */
      onIndexesFilled?: (suffix: string, filled: IndexesFilled) => void;
    } = {},
  ) {
    this.versions = new ReadModelVersions(db);
    this.requests = new RebuildRequests(db);
  }

  private target(suffix: string): Target {
    return {
      suffix,
      projection: new CaseTimelineProjection(
        readModelCollections(this.db, suffix),
        this.store,
        this.options.indexes?.of(suffix),
      ),
    };
  }

  async start(): Promise<void> {
    const suffix = await this.versions.live();
    const collections = readModelCollections(this.db, suffix);
    await ensureReadModelIndexes(collections);
    if (this.options.indexes) {
      const filled = await ensureIndexes(collections, this.options.indexes, suffix);
      if (Object.keys(filled).length > 0) this.options.onIndexesFilled?.(suffix, filled);
    }
    this.live = this.target(suffix);
    this.timer = setInterval(() => void this.poll(), this.options.pollMs ?? 1_000);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Projects a batch of events into the live set and, while a rebuild takes live
   * writes, into the set being built (CaseTimelineProjection.applyBatch); what it
   * wrote to the live set is returned, to be announced to live feeds.
   */
  async applyBatch(events: readonly EventEnvelope[]): Promise<BatchResult> {
    const live = this.live;
    if (!live) throw new Error('the rebuilder has not started');
    const result = await live.projection.applyBatch(events);
    const building = this.building;
    if (building && building.suffix !== live.suffix) await building.projection.applyBatch(events);
    return result;
  }

  private async poll(): Promise<void> {
    try {
      const suffix = await this.versions.live();
      if (this.live?.suffix !== suffix) this.live = this.target(suffix);
      const status = await this.requests.status();
      if (
        status?.state === 'running' &&
        status.suffix &&
        status.liveWrites &&
        this.building?.suffix !== status.suffix
      )
        this.building = this.target(status.suffix);
      if (status?.state !== 'running') this.building = undefined;
      if (!this.running && status?.state === 'requested' && (await this.requests.claim(this.owner)))
        await this.run();
    } catch {
      // the next poll tries again; health checks report the database itself
    }
  }

  private async run(): Promise<void> {
    this.running = true;
    const suffix = `_v${Date.now()}`;
    try {
      await prepareReadModelSet(this.db, suffix, this.options.indexes);
      const total = await this.countEvents();
      await this.requests.update({
        suffix,
        total,
        processed: 0,
        startedAt: new Date().toISOString(),
      });
      await rebuildReadModels({
        db: this.db,
        store: this.store,
        suffix,
        total,
        prepare: false,
        ...(this.options.indexes ? { indexes: this.options.indexes } : {}),
        // From here on live events reach the new set too.
        onBulkDone: async () => {
          this.building = this.target(suffix);
          await this.requests.update({ liveWrites: true });
        },
        // Other replicas see `liveWrites` at their next poll.
        joinWithinMs: 2 * (this.options.pollMs ?? 1_000),
        onProgress: (p) =>
          this.requests.update({
            processed: p.processed,
            eventsPerSecond: p.eventsPerSecond,
            ...(p.etaSeconds !== undefined ? { etaSeconds: p.etaSeconds } : {}),
            ...(p.position ? { position: p.position } : {}),
          }),
      });
      const previous = await this.versions.switchTo(suffix);
      this.live = this.building;
      this.building = undefined;
      await this.requests.update({
        state: 'completed',
        previous,
        finishedAt: new Date().toISOString(),
      });
      // Readers move within a second; then the old set goes.
      setTimeout(
        () => void dropReadModelSet(this.db, previous, this.options.indexes),
        this.options.dropAfterMs ?? 10_000,
      );
    } catch (error) {
      this.building = undefined;
      await dropReadModelSet(this.db, suffix, this.options.indexes).catch(() => undefined);
      await this.requests
        .update({
          state: 'failed',
          error: (error as Error).message,
          finishedAt: new Date().toISOString(),
        })
        .catch(() => undefined);
    } finally {
      this.running = false;
    }
  }
}
