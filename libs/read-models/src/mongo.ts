import {
  MongoClient,
  type Collection,
  type Db,
  type Document,
  type Filter,
  type UpdateFilter,
  type UpdateResult,
} from 'mongodb';

export interface MongoHandle {
  readonly client: MongoClient;
  readonly db: Db;
  close(): Promise<void>;
}

/** Connects to MongoDB (or FerretDB); the database is the one named in the URL. */
export async function openMongo(url: string, appName = 'gridline'): Promise<MongoHandle> {
  const client = new MongoClient(url, { appName, serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  const db = client.db();
  return { client, db, close: () => client.close() };
}

/** E11000: the document is already there (a unique index or `_id` said no). */
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number }).code === 11000;
}

/**
 * The positions, in an unordered insert, of the documents that were there
 * already (E11000: written before a crash, or by another writer); the error
 * itself when anything else failed.
 */
export function alreadyThere(error: unknown): number[] {
  const failures = (error as { writeErrors?: unknown }).writeErrors;
  const list = (Array.isArray(failures) ? failures : failures ? [failures] : []) as {
    code?: number;
    index?: number;
  }[];
  if (list.length === 0 || list.some((e) => e.code !== 11000)) throw error;
  return list.map((e) => e.index ?? -1);
}

/**
 * An upsert that holds when writers race. Two upserts of a missing `_id` both
 * insert, and the second fails on the key (E11000; MongoDB retries that itself
 * in some cases, FerretDB never): so it is sent once more, and now finds the
 * document. A second E11000 means the filter's guard excluded the document that
 * is there (a marker or revision applied already): nothing to do, `undefined`.
 */
export async function upsert<T extends Document>(
  collection: Collection<T>,
  filter: Filter<T>,
  update: UpdateFilter<T>,
): Promise<UpdateResult<T> | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await collection.updateOne(filter, update, { upsert: true });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      if (attempt >= 2) return undefined;
    }
  }
}
