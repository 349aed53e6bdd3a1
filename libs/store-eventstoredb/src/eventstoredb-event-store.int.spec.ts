import { eventStoreContract } from '@gridline/testing';
import {
  GenericContainer,
  getContainerRuntimeClient,
  Wait,
  type StartedTestContainer,
} from 'testcontainers';
import { openEventStoreDbStore } from './connection.js';
import type { EventStoreDbEventStore } from './eventstoredb-event-store.js';

/**
 * The shared contract suite against a real EventStoreDB/KurrentDB server: the one
 * at EVENTSTORE_URL, else one started with testcontainers 11 when a Docker engine
 * is reachable (the @testcontainers/kurrentdb module needs testcontainers 12,
 * which needs Node 22; this repository runs on Node 20), else skipped, saying why.
 */
const IMAGE = 'docker.kurrent.io/kurrent-latest/kurrentdb:25.0';

async function dockerAvailable(): Promise<boolean> {
  try {
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

const target = process.env.EVENTSTORE_URL
  ? 'url'
  : (await dockerAvailable())
    ? 'container'
    : undefined;

if (target === undefined) {
  const reason = 'no EVENTSTORE_URL and no Docker engine on this machine';
  // Straight to stderr: jest drops the console output of a suite whose tests all skip.
  process.stderr.write(`EventStoreDB contract suite skipped: ${reason}\n`);
  describe.skip(`EventStoreDB contract suite — skipped: ${reason}`, () => {
    eventStoreContract('EventStoreDB', () => Promise.reject(new Error('not run')));
  });
} else {
  let container: StartedTestContainer | undefined;
  let store: EventStoreDbEventStore;

  beforeAll(async () => {
    let url = process.env.EVENTSTORE_URL;
    if (target === 'container') {
      container = await new GenericContainer(IMAGE)
        .withEnvironment({
          KURRENTDB_INSECURE: 'true',
          KURRENTDB_MEM_DB: 'true',
          // readCase reads the adapter's own link streams: no projections needed.
          KURRENTDB_RUN_PROJECTIONS: 'None',
        })
        .withExposedPorts(2113)
        .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
        .withStartupTimeout(180_000)
        .start();
      url = `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`;
    }
    store = await openEventStoreDbStore(url!);
  }, 300_000);

  afterAll(async () => {
    await store?.close();
    await container?.stop();
  });

  eventStoreContract(`EventStoreDB (${target === 'url' ? 'EVENTSTORE_URL' : IMAGE})`, () =>
    Promise.resolve({ store, streetWriter: store.forWriter('street') }),
  );
}
