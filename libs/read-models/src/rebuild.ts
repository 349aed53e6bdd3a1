import {
  START,
  formatPosition,
  toEnvelope,
  type EventStore,
  type LogPosition,
} from '@gridline/eventsourcing';
import type { Db } from 'mongodb';
import { CaseTimelineProjection } from './case-timeline.projection.js';
import {
  dropReadModelCollections,
  ensureReadModelIndexes,
  readModelCollections,
} from './collections.js';

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
  readonly batchSize?: number;
  readonly onProgress?: (progress: RebuildProgress) => void | Promise<void>;
  readonly signal?: AbortSignal;
}

/**
 * Rebuilds every read model from the event store's global log into a parallel
 * set of collections (`<name><suffix>`), with the same projection the live
 * projector uses, while the live set keeps serving. Returns when the log is
 * read to its end; the caller then switches readers over (ReadModelVersions).
 */
export async function rebuildReadModels(options: RebuildOptions): Promise<RebuildProgress> {
  const { db, store, suffix } = options;
  await dropReadModelCollections(db, suffix); // leftovers of an abandoned attempt
  const collections = readModelCollections(db, suffix);
  await ensureReadModelIndexes(collections);
  const projection = new CaseTimelineProjection(collections, store);
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
  for (;;) {
    if (options.signal?.aborted) throw new Error('rebuild aborted');
    const batch = await store.readAll({ after, maxCount: options.batchSize ?? 500 });
    const last = batch.at(-1);
    if (!last) break;
    for (const event of batch) await projection.apply(toEnvelope(event));
    processed += batch.length;
    after = last.position;
    await options.onProgress?.(progress());
  }
  return progress();
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
