import type { Agency } from '@gridline/contracts';
import type { EventStore, IntegrityVerifiable } from '@gridline/eventsourcing';
import pg from 'pg';
import { ensureEventStoreSchema } from './schema.js';
import { PostgresCheckpointStore } from './postgres-checkpoint-store.js';
import { PostgresEventStore } from './postgres-event-store.js';

/** What a handle's event store offers, whichever adapter it is (EVENT_STORE). */
export interface ManagedEventStore extends EventStore, IntegrityVerifiable {
  /** A view that may append only to one agency's streams. */
  forWriter(agency: Agency): ManagedEventStore;
  close(): Promise<void>;
}

export interface PostgresStoreHandle {
  readonly pool: pg.Pool;
  /** PostgreSQL's event store, or the one passed as `eventStore` (docs/eventstoredb.md). */
  readonly store: ManagedEventStore;
  readonly checkpoints: PostgresCheckpointStore;
  close(): Promise<void>;
}

/**
 * Connects, creates the schema if needed, and returns the store and its
 * checkpoints. With `eventStore` (an EventStoreDB store), events live there and
 * PostgreSQL keeps the rest: checkpoints, idempotency, personal-data keys, leases.
 */
export async function openPostgresStore(
  connectionString: string,
  options: {
    readonly poolSize?: number;
    readonly applicationName?: string;
    readonly eventStore?: ManagedEventStore;
  } = {},
): Promise<PostgresStoreHandle> {
  const config: pg.ClientConfig = {
    connectionString,
    application_name: options.applicationName ?? 'gridline',
  };
  const pool = new pg.Pool({ ...config, max: options.poolSize ?? 10 });
  // An idle client's error (e.g. the server restarting) must not crash the process.
  pool.on('error', () => undefined);
  await ensureEventStoreSchema(pool);
  const store = options.eventStore ?? new PostgresEventStore(pool);
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
