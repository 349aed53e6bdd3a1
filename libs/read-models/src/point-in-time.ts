import type { EventStore } from '@gridline/eventsourcing';
import type { Db } from 'mongodb';
import { readModelCollections, type ReadModelCollections } from './collections.js';
import type { ReadModelIndexes, SetIndexes } from './read-model-indexes.js';
import { dropReadModelSet, rebuildReadModels } from './rebuild.js';

const REGISTRY = 'read_model_point_in_time';
const PREFIX = '_asof_';

interface SetDocument {
  _id: string;
  at: string;
  state: 'building' | 'ready';
  builtAt?: string;
  events?: number;
  /** Built with the PostgreSQL tables (ADR 0007). */
  tables?: boolean;
  lastUsedAt: string;
}

export interface PointInTimeOptions {
  /** Sets kept at most; the least recently used beyond it are dropped. */
  readonly maxSets?: number;
  /** A set unused this long is dropped. */
  readonly idleMs?: number;
  /**
   * Sets built at once in this process (admission control): a request that needs
   * one more is refused with PastViewsBusyError, a cached set is always served.
   */
  readonly maxBuilding?: number;
  /**
   * Where the sets' PostgreSQL tables go (ADR 0007): the lists and statistics of
   * a past time then answer from them, as the live set's do.
   */
  readonly indexes?: ReadModelIndexes;
}

/** Too many past views are being built at once: try again shortly (HTTP 503, Retry-After). */
export class PastViewsBusyError extends Error {
  constructor(readonly building: number) {
    super(
      `${building} past view${building === 1 ? ' is' : 's are'} being built: a view of another time waits until it is done`,
    );
    this.name = 'PastViewsBusyError';
  }
}

/** The whole read-model set as it stood at one time, and how it was made. */
export interface PointInTimeSet {
  readonly at: Date;
  readonly collections: ReadModelCollections;
  /** Its PostgreSQL tables, when the views keep them. */
  readonly tables?: SetIndexes;
  /** Already materialised by an earlier request. */
  readonly cached: boolean;
  readonly events?: number;
}

/**
 * Whole views (the case list, the statistics) as they stood at a past time:
 * the read models are projected from the event store into a collection set of
 * their own (`<name>_asof_<epoch ms>`), with the live projection, up to that
 * time (`occurredAt`). A set is made once per time and kept for later requests
 * (least recently used dropped beyond `maxSets`, or after `idleMs` unused).
 * Concurrent requests for one time share one materialisation in this process;
 * a set another process is still building is rebuilt here rather than read half
 * done. The cost is one replay of the log up to that time: see docs/history.md.
 */
export class PointInTimeViews {
  private readonly building = new Map<string, Promise<PointInTimeSet>>();
  private readonly maxSets: number;
  private readonly idleMs: number;
  private readonly maxBuilding: number;
  /** Sets being built now (admitted), as opposed to requests waiting on a lookup. */
  private builds = 0;
  private readonly indexes: ReadModelIndexes | undefined;

  constructor(
    private readonly db: Db,
    private readonly store: Pick<EventStore, 'readAll' | 'readStream'>,
    options: PointInTimeOptions = {},
  ) {
    this.maxSets = options.maxSets ?? 4;
    this.idleMs = options.idleMs ?? 15 * 60_000;
    this.maxBuilding = options.maxBuilding ?? 1;
    this.indexes = options.indexes;
  }

  /** Times are kept to the second: nearby requests share a set. */
  static suffixOf(at: Date): string {
    return `${PREFIX}${Math.floor(at.getTime() / 1000)}`;
  }

  async at(at: Date): Promise<PointInTimeSet> {
    const second = new Date(Math.floor(at.getTime() / 1000) * 1000 + 999);
    const suffix = PointInTimeViews.suffixOf(second);
    const running = this.building.get(suffix);
    if (running) return running;
    const made = this.materialise(suffix, second).finally(() => this.building.delete(suffix));
    this.building.set(suffix, made);
    return made;
  }

  private registry() {
    return this.db.collection<SetDocument>(REGISTRY);
  }

  private async materialise(suffix: string, at: Date): Promise<PointInTimeSet> {
    const now = new Date().toISOString();
    // A set built without the tables (by an earlier release) is built again with them.
    const known = await this.registry().findOneAndUpdate(
      { _id: suffix, state: 'ready', ...(this.indexes ? { tables: true } : {}) },
      { $set: { lastUsedAt: now } },
    );
    const collections = readModelCollections(this.db, suffix);
    const tables = this.indexes?.of(suffix);
    const set = { at, collections, ...(tables ? { tables } : {}) };
    if (known) return { ...set, cached: true, ...(known.events ? { events: known.events } : {}) };
    // Admitted or not, decided with no await between the count and its increment.
    if (this.builds >= this.maxBuilding) throw new PastViewsBusyError(this.builds);
    this.builds++;
    try {
      return await this.build(suffix, at, set, now);
    } finally {
      this.builds--;
    }
  }

  /** How many sets this process is building now. */
  busy(): number {
    return this.builds;
  }

  private async build(
    suffix: string,
    at: Date,
    set: Omit<PointInTimeSet, 'cached' | 'events'>,
    now: string,
  ): Promise<PointInTimeSet> {
    await this.registry().updateOne(
      { _id: suffix },
      { $set: { at: at.toISOString(), state: 'building', lastUsedAt: now } },
      { upsert: true },
    );
    const done = await rebuildReadModels({
      db: this.db,
      store: this.store,
      suffix,
      until: at,
      ...(this.indexes ? { indexes: this.indexes } : {}),
    });
    await this.registry().updateOne(
      { _id: suffix },
      {
        $set: {
          state: 'ready',
          builtAt: new Date().toISOString(),
          events: done.processed,
          tables: this.indexes !== undefined,
          lastUsedAt: new Date().toISOString(),
        },
      },
    );
    await this.evict(suffix);
    return { ...set, cached: false, events: done.processed };
  }

  /** Drops sets beyond `maxSets` (least recently used first) and sets idle too long. */
  async evict(keep?: string): Promise<string[]> {
    const sets = await this.registry().find({ state: 'ready' }).sort({ lastUsedAt: -1 }).toArray();
    const idleBefore = new Date(Date.now() - this.idleMs).toISOString();
    const dropped: string[] = [];
    for (const [i, set] of sets.entries()) {
      if (set._id === keep || this.building.has(set._id)) continue;
      if (i < this.maxSets && set.lastUsedAt >= idleBefore) continue;
      await this.registry().deleteOne({ _id: set._id });
      await dropReadModelSet(this.db, set._id, this.indexes);
      dropped.push(set._id);
    }
    return dropped;
  }
}
