import { randomUUID } from 'node:crypto';
import { agencyEventsTopic, deadLetterTopic, type EventMetadata } from '@gridline/contracts';
import {
  InMemoryCheckpointStore,
  InMemoryEventStore,
  type NewEvent,
} from '@gridline/eventsourcing';
import { testInfra, ownerKafkaSecurity } from '@gridline/testing';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { createKafka, decodeHeaders, ensureTopics, KafkaNames } from './kafka.js';
import { silentLogger } from './logger.js';
import { EventRelay } from './relay.js';

interface Received {
  key: string;
  headers: Record<string, string>;
  value: string;
  partition: number;
}

let kafka: Kafka;
let producer: Producer;
let consumer: Consumer;
const received: Received[] = [];
// A namespace of its own: a development platform on the same broker must not
// receive these test events on its real topic.
const names = new KafkaNames('relay-int');
const topic = names.topic(agencyEventsTopic('street'));

function reportFor(caseId: string, n: number): NewEvent {
  const metadata: EventMetadata = {
    caseId,
    correlationId: caseId,
    causationId: caseId,
    actor: { id: 'worker-1', agency: 'street', kind: 'user' },
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  };
  return {
    id: randomUUID(),
    type: 'street.issue.reported.v1',
    data: { n },
    metadata,
    occurredAt: new Date(Date.UTC(2026, 2, 1, 8, n)).toISOString(),
  };
}

async function receivedFor(caseIds: Set<string>, count: number): Promise<Received[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const mine = received.filter((r) => caseIds.has(r.key));
    if (mine.length >= count || Date.now() > deadline) return mine;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  kafka = createKafka(
    { brokers: testInfra().kafkaBrokers, clientId: 'relay-test', security: ownerKafkaSecurity() },
    silentLogger,
  );
  await ensureTopics(kafka, [topic, deadLetterTopic(topic)]);
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  consumer = kafka.consumer({ groupId: `relay-test-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: false });
  await consumer.run({
    eachMessage: ({ message, partition }) => {
      received.push({
        key: message.key?.toString() ?? '',
        headers: decodeHeaders(message.headers),
        value: message.value?.toString() ?? '',
        partition,
      });
      return Promise.resolve();
    },
  });
  // Let the group settle on the partitions before anything is published.
  await new Promise((r) => setTimeout(r, 3_000));
});

afterAll(async () => {
  await consumer.disconnect();
  await producer.disconnect();
});

describe('EventRelay against Kafka', () => {
  it('publishes each event as a binary-mode CloudEvent keyed by case id, in stream order', async () => {
    const store = new InMemoryEventStore();
    const checkpoints = new InMemoryCheckpointStore();
    const caseId = randomUUID();
    const events = [reportFor(caseId, 1), reportFor(caseId, 2), reportFor(caseId, 3)];
    await store.appendToStream(`street-issue-${caseId}`, events);

    const relay = new EventRelay(store, checkpoints, producer, silentLogger, {
      agency: 'street',
      names,
    });
    relay.start();
    const mine = await receivedFor(new Set([caseId]), 3);
    await relay.stop();

    expect(mine.map((m) => m.headers['ce_id'])).toEqual(events.map((e) => e.id));
    expect(new Set(mine.map((m) => m.partition)).size).toBe(1);
    expect(mine[0]?.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_type: 'street.issue.reported.v1',
      ce_source: '/gridline/street',
      ce_subject: caseId,
      ce_time: events[0]?.occurredAt,
      'content-type': 'application/json',
      ce_correlationid: caseId,
      ce_causationid: caseId,
      ce_streamid: `street-issue-${caseId}`,
      ce_streamrevision: '0',
      ce_traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(JSON.parse(mine[0]?.value ?? '')).toEqual({ n: 1 });
    expect(relay.status().published).toBe(3);
  });

  it('resumes from its checkpoint after a restart: nothing lost, nothing published twice', async () => {
    const store = new InMemoryEventStore();
    const checkpoints = new InMemoryCheckpointStore();
    const caseA = randomUUID();
    const caseB = randomUUID();
    await store.appendToStream(`street-issue-${caseA}`, [reportFor(caseA, 1), reportFor(caseA, 2)]);

    const first = new EventRelay(store, checkpoints, producer, silentLogger, {
      agency: 'street',
      names,
    });
    first.start();
    await receivedFor(new Set([caseA]), 2);
    await first.stop();

    // Written while no relay runs.
    await store.appendToStream(`street-issue-${caseB}`, [reportFor(caseB, 3)]);
    await store.appendToStream(`street-issue-${caseA}`, [reportFor(caseA, 4)]);

    const second = new EventRelay(store, checkpoints, producer, silentLogger, {
      agency: 'street',
      names,
    });
    second.start();
    const mine = await receivedFor(new Set([caseA, caseB]), 4);
    await new Promise((r) => setTimeout(r, 1_000)); // room for an unwanted duplicate to arrive
    await second.stop();

    const all = received.filter((r) => r.key === caseA || r.key === caseB);
    expect(mine).toHaveLength(4);
    expect(all).toHaveLength(4);
    expect(new Set(all.map((m) => m.headers['ce_id'])).size).toBe(4);
  });

  it('publishes only its own agency’s streams', async () => {
    const store = new InMemoryEventStore();
    const caseId = randomUUID();
    await store.appendToStream(`swc-case-${caseId}`, [reportFor(caseId, 1)]);
    await store.appendToStream(`street-issue-${caseId}`, [reportFor(caseId, 2)]);
    const relay = new EventRelay(store, new InMemoryCheckpointStore(), producer, silentLogger, {
      agency: 'street',
      names,
    });
    relay.start();
    const mine = await receivedFor(new Set([caseId]), 1);
    await new Promise((r) => setTimeout(r, 1_000));
    await relay.stop();
    expect(received.filter((r) => r.key === caseId)).toHaveLength(1);
    expect(mine[0]?.headers['ce_streamid']).toBe(`street-issue-${caseId}`);
  });
});
