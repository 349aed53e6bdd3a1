import { openEventStoreDbStore } from '@gridline/store-eventstoredb';
import { openPostgresStore, type PostgresStoreHandle } from '@gridline/store-postgres';

export interface StoreSettings {
  readonly DATABASE_URL: string;
  readonly EVENT_STORE: 'postgres' | 'eventstoredb';
  readonly EVENTSTORE_URL: string;
}

/**
 * Opens PostgreSQL and, with EVENT_STORE=eventstoredb, the EventStoreDB/KurrentDB
 * store that then holds the events (the handle's `store`). PostgreSQL keeps the
 * rest either way: checkpoints, idempotency claims, personal-data keys, leases
 * (docs/eventstoredb.md).
 */
export async function openStores(
  config: StoreSettings,
  options: { readonly applicationName: string; readonly poolSize?: number },
): Promise<PostgresStoreHandle> {
  if (config.EVENT_STORE === 'postgres') return openPostgresStore(config.DATABASE_URL, options);
  const eventStore = await openEventStoreDbStore(config.EVENTSTORE_URL);
  try {
    return await openPostgresStore(config.DATABASE_URL, { ...options, eventStore });
  } catch (error) {
    await eventStore.close();
    throw error;
  }
}
