import { MongoClient, type Db } from 'mongodb';

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
