import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { MongoClient } from 'mongodb';
import { testInfra } from './infra.js';

/**
 * A PostgreSQL event store and a read-model database of their own, for a test
 * whose assertions cover the whole store (a rebuild, an export): nothing that
 * other tests wrote is in them. `env` points apps at them, with Kafka topics
 * and groups of their own.
 */
export interface IsolatedStores {
  readonly name: string;
  readonly databaseUrl: string;
  readonly mongoUrl: string;
  readonly env: Record<string, string>;
  /** Another database on the same servers (e.g. the target of an import). */
  urlOf(kind: 'postgres' | 'mongo', database: string): string;
  drop(...extraDatabases: string[]): Promise<void>;
}

export async function createIsolatedStores(prefix: string): Promise<IsolatedStores> {
  const name = `${prefix}_${randomUUID().slice(0, 8)}`;
  const urlOf = (kind: 'postgres' | 'mongo', database: string) => {
    const url = new URL(kind === 'postgres' ? testInfra().databaseUrl : testInfra().mongoUrl);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const admin = async (sql: string) => {
    const db = new pg.Client({ connectionString: testInfra().databaseUrl });
    await db.connect();
    try {
      await db.query(sql);
    } finally {
      await db.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  return {
    name,
    databaseUrl: urlOf('postgres', name),
    mongoUrl: urlOf('mongo', name),
    env: {
      DATABASE_URL: urlOf('postgres', name),
      MONGO_URL: urlOf('mongo', name),
      KAFKA_NAMESPACE: name.replace(/_/g, '-'),
    },
    urlOf,
    async drop(...extraDatabases: string[]) {
      for (const database of [name, ...extraDatabases]) {
        await admin(`DROP DATABASE IF EXISTS ${database}`);
        const mongo = new MongoClient(urlOf('mongo', database));
        await mongo.connect();
        await mongo.db().dropDatabase();
        await mongo.close();
      }
    },
  };
}
