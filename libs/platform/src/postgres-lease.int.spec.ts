import { randomUUID } from 'node:crypto';
import { agencyEventsTopic, type EventMetadata } from '@gridline/contracts';
import { InMemoryCheckpointStore, InMemoryEventStore } from '@gridline/eventsourcing';
import {
  createKafka,
  decodeHeaders,
  ensureTopics,
  EventRelay,
  KafkaNames,
  silentLogger,
  type Lease,
} from '@gridline/messaging';
import { testInfra, ownerKafkaSecurity } from '@gridline/testing';
import pg from 'pg';
import { PostgresLease } from './postgres-lease.js';

let pool: pg.Pool;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: testInfra().databaseUrl, max: 6 });
});
afterAll(async () => {
  await pool.end();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgresLease', () => {
  it('has one holder at a time; another takes it after release or expiry', async () => {
    const name = `test-lease-${randomUUID()}`;
    const a = new PostgresLease(pool, name, 400, 'a');
    const b = new PostgresLease(pool, name, 400, 'b');
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    expect(await a.tryAcquire()).toBe(true); // renewal
    await a.release();
    expect(await b.tryAcquire()).toBe(true);
    expect(await a.tryAcquire()).toBe(false);
    await sleep(500); // b stops renewing, as a dead process would
    expect(await a.tryAcquire()).toBe(true);
  });
});

describe('relay replicas with a lease', () => {
  it('only the holder publishes; a standby takes over when the holder dies, losing nothing', async () => {
    const names = new KafkaNames(`lease-${randomUUID().slice(0, 8)}`);
    const topic = names.topic(agencyEventsTopic('street'));
    const kafka = createKafka(
      { brokers: testInfra().kafkaBrokers, clientId: 'lease-test', security: ownerKafkaSecurity() },
      silentLogger,
    );
    await ensureTopics(kafka, [topic], 1);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const received: string[] = [];
    const consumer = kafka.consumer({ groupId: `lease-test-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        received.push(decodeHeaders(message.headers)['ce_id'] ?? '');
        return Promise.resolve();
      },
    });

    const store = new InMemoryEventStore();
    const checkpoints = new InMemoryCheckpointStore();
    const leaseName = `relay-test-${randomUUID()}`;
    // The first replica "dies": it never releases its lease, so the standby waits for expiry.
    const dying = new PostgresLease(pool, leaseName, 600, 'replica-1');
    const neverReleased: Lease = {
      renewEveryMs: dying.renewEveryMs,
      tryAcquire: () => dying.tryAcquire(),
      release: () => Promise.resolve(),
    };
    const one = new EventRelay(store, checkpoints, producer, silentLogger, {
      agency: 'street',
      names,
      lease: neverReleased,
    });
    const two = new EventRelay(store, checkpoints, producer, silentLogger, {
      agency: 'street',
      names,
      lease: new PostgresLease(pool, leaseName, 600, 'replica-2'),
    });
    const metadata = (caseId: string): EventMetadata => ({
      caseId,
      correlationId: caseId,
      causationId: caseId,
      actor: { id: 'test', agency: 'street', kind: 'user' },
    });
    const append = async (n: number) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const caseId = randomUUID();
        const id = randomUUID();
        ids.push(id);
        await store.appendToStream(`street-issue-${caseId}`, [
          {
            id,
            type: 'street.test.happened.v1',
            data: {},
            metadata: metadata(caseId),
            occurredAt: new Date().toISOString(),
          },
        ]);
      }
      return ids;
    };
    const waitFor = async (check: () => boolean, what: string) => {
      const deadline = Date.now() + 20_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
        await sleep(50);
      }
    };

    try {
      one.start();
      await waitFor(() => one.status().role === 'active', 'replica 1 active');
      two.start();
      await sleep(300);
      expect(two.status().role).toBe('standby');
      const first = await append(5);
      await waitFor(() => received.length >= 5, 'first events published');
      expect(one.status().published).toBe(5);
      expect(two.status().published).toBe(0);

      await one.stop(); // dies holding the lease
      const second = await append(5);
      await waitFor(() => two.status().role === 'active', 'the standby takes over after expiry');
      await waitFor(() => received.length >= 10, 'second events published');
      await sleep(500);
      expect([...received].sort()).toEqual([...first, ...second].sort());
    } finally {
      await two.stop();
      await one.stop();
      await consumer.disconnect();
      await producer.disconnect();
    }
  });
});
