import pg from 'pg';
import { ensureEventStoreSchema } from './schema.js';
import { PostgresCheckpointStore } from './postgres-checkpoint-store.js';
import { PostgresEventStore } from './postgres-event-store.js';

export interface PostgresStoreHandle {
  readonly pool: pg.Pool;
  readonly store: PostgresEventStore;
  readonly checkpoints: PostgresCheckpointStore;
  close(): Promise<void>;
}

/** Connects, creates the schema if needed, and returns the store and its checkpoints. */
export async function openPostgresStore(
  connectionString: string,
  options: { readonly poolSize?: number; readonly applicationName?: string } = {},
): Promise<PostgresStoreHandle> {
  const config: pg.ClientConfig = {
    connectionString,
    application_name: options.applicationName ?? 'gridline',
  };
  const pool = new pg.Pool({ ...config, max: options.poolSize ?? 10 });
  // An idle client's error (e.g. the server restarting) must not crash the process.
  pool.on('error', () => undefined);
  await ensureEventStoreSchema(pool);
  const store = new PostgresEventStore(pool);
  return {
    pool,
    store,
    checkpoints: new PostgresCheckpointStore(pool),
    async close() {
      await store.close();
      await pool.end();
    },
  };
}
