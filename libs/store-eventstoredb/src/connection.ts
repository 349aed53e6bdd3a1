import { EventStoreDBClient } from '@eventstore/db-client';
import { EventStoreDbEventStore } from './eventstoredb-event-store.js';

/**
 * Checks the form of an EventStoreDB/KurrentDB connection string
 * (`esdb://host:2113?tls=false`, `esdb+discover://a:2113,b:2113,c:2113`): the
 * schemes `@eventstore/db-client` 6 accepts, at least one host. `new URL` cannot
 * do it: a cluster's comma-separated hosts are not a URL host.
 */
export function parseEventStoreUrl(raw: string): string {
  if (!/^esdb(\+discover)?:\/\/[^/?#]+/.test(raw))
    throw new Error('must be an esdb:// or esdb+discover:// connection string');
  return raw;
}

/**
 * Connects to the server and checks it answers, so a wrong address stops the
 * process at start, as a wrong DATABASE_URL does.
 */
export async function openEventStoreDbStore(
  connectionString: string,
): Promise<EventStoreDbEventStore> {
  const store = new EventStoreDbEventStore(
    EventStoreDBClient.connectionString(parseEventStoreUrl(connectionString)),
  );
  try {
    await store.ping();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
