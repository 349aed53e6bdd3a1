import {
  ReadModelIndexes,
  dropReadModelSet,
  openMongo,
  readModelCollectionNames,
  rebuildReadModels,
} from '@gridline/read-models';
import { openPostgresStore } from '@gridline/store-postgres';
import type { RecordedEvent } from '@gridline/eventsourcing';
import type { Db } from 'mongodb';
import { eventually } from './apps.js';

/**
 * Every read-model collection of one set, normalised so that the same facts
 * compare equal: documents sorted by id, arrays of plain values sorted, the
 * write time (`projectedAt`) left out, and a timeline entry's log position
 * replaced by its rank within its case — a store rebuilt from an export has
 * other position numbers, but must keep the same order.
 */
export async function readModelContents(
  db: Db,
  suffix: string,
  indexes?: ReadModelIndexes,
): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(readModelCollectionNames(suffix))) {
    const docs = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    result[key] = normalise(key === 'timeline' ? rankPositions(docs) : docs);
  }
  // The set's index tables (ADR 0007), whose documents must be the collections'.
  if (indexes) {
    result['caseIndex'] = normalise(await indexes.cases(suffix).all());
    result['workIndex'] = normalise(await indexes.work(suffix).all());
    // The counts "my work" reads, as kept by the writes (they must equal a recount).
    result['workCounts'] = (await indexes.work(suffix).countsKeptAndCounted()).kept;
    // The statistics, which these tables hold instead of the collections, and
    // the markers of the updates counted in them (each once).
    const stats = await indexes.stats(suffix).all();
    result['statistics'] = normalise(
      stats.buckets.map(({ kind, doc }) => ({ ...doc, _id: `${kind} ${doc._id}` })),
    );
    result['statMarkers'] = stats.markers;
    result['publicityIndex'] = normalise(await indexes.publicity(suffix).all());
  }
  return result;
}

interface Positioned {
  caseId?: unknown;
  position?: { commit: number; prepare: number };
}

function rankPositions(docs: Record<string, unknown>[]): Record<string, unknown>[] {
  const byCase = new Map<unknown, Positioned[]>();
  for (const doc of docs as Positioned[])
    byCase.set(doc.caseId, [...(byCase.get(doc.caseId) ?? []), doc]);
  const rank = new Map<Positioned, number>();
  for (const entries of byCase.values())
    [...entries]
      .sort(
        (a, b) =>
          (a.position?.commit ?? 0) - (b.position?.commit ?? 0) ||
          (a.position?.prepare ?? 0) - (b.position?.prepare ?? 0),
      )
      .forEach((entry, i) => rank.set(entry, i));
  return docs.map((doc) => ({ ...doc, position: rank.get(doc as Positioned) }));
}

/**
 * A collection as a set of documents (sorted by their JSON), each document's
 * fields in one order. Arrays inside a document keep their order: every one is
 * ordered by the events (docs/history.md, "Live equals rebuild"), so a live set
 * and a rebuild must agree on it. Only projection bookkeeping is left out or
 * taken as a set: when a document was written (`projectedAt`) and which updates a
 * statistics bucket has counted (`applied`, markers in arrival order).
 */
function normalise(docs: unknown): unknown {
  if (!Array.isArray(docs)) return document(docs);
  return docs
    .map((doc) => document(doc))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function document(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => document(item));
    return key === 'applied' ? [...items].sort() : items;
  }
  if (value && typeof value === 'object' && !(value instanceof Date))
    // Keys in one order (PostgreSQL's jsonb keeps its own).
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'projectedAt') // when it was written, not what
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, document(v, k)]),
    );
  return value;
}

/** The read models once quiet: every reaction projected, two looks a moment apart alike. */
export function quietReadModels(
  db: Db,
  suffix: string,
  timeoutMs: number,
  what = 'quiet read models',
  indexes?: ReadModelIndexes,
): Promise<Record<string, unknown>> {
  return eventually(
    async () => {
      const first = await readModelContents(db, suffix, indexes);
      await new Promise((r) => setTimeout(r, 2_000));
      const second = await readModelContents(db, suffix, indexes);
      return JSON.stringify(first) === JSON.stringify(second) ? second : undefined;
    },
    timeoutMs,
    what,
  );
}

/**
 * For a store and read-model database of a test's own: the live read models once
 * quiet, and the read models rebuilt from the store into a parallel set (dropped
 * afterwards), to be compared.
 */
export async function liveAndRebuilt(
  stores: { readonly mongoUrl: string; readonly databaseUrl: string },
  timeoutMs: number,
): Promise<{ live: Record<string, unknown>; rebuilt: Record<string, unknown>; events: number }> {
  const mongo = await openMongo(stores.mongoUrl);
  const store = await openPostgresStore(stores.databaseUrl, { poolSize: 2 });
  const indexes = new ReadModelIndexes(store.pool, mongo.db.databaseName);
  try {
    const live = await quietReadModels(mongo.db, '', timeoutMs, undefined, indexes);
    const done = await rebuildReadModels({
      db: mongo.db,
      store: store.store,
      suffix: '_check',
      indexes,
    });
    const rebuilt = await readModelContents(mongo.db, '_check', indexes);
    await dropReadModelSet(mongo.db, '_check', indexes);
    return { live, rebuilt, events: done.processed };
  } finally {
    await store.close();
    await mongo.close();
  }
}

/**
 * The log as the live projector may receive it: the agencies' topics interleaved
 * freely (each stream still in order), and every seventh message delivered twice,
 * as Kafka may.
 */
export function liveArrival(log: readonly RecordedEvent[]): RecordedEvent[] {
  const byAgency = new Map<string, RecordedEvent[]>();
  for (const e of log) {
    const agency = e.streamId.split('-')[0] ?? '';
    byAgency.set(agency, [...(byAgency.get(agency) ?? []), e]);
  }
  const queues = [...byAgency.values()];
  const arrival: RecordedEvent[] = [];
  let turn = 0;
  while (queues.some((q) => q.length > 0)) {
    const next = queues[turn++ % queues.length]?.shift();
    if (!next) continue;
    arrival.push(next);
    if (turn % 7 === 0) arrival.push(next); // a redelivery
  }
  return arrival;
}
