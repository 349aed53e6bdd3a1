import { randomUUID } from 'node:crypto';
import { deadLetterTopic, toBinaryCloudEvent, type EventEnvelope } from '@gridline/contracts';
import { testInfra, ownerKafkaSecurity } from '@gridline/testing';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { EventConsumer } from './consumer.js';
import { listDeadLetters, replayDeadLetters } from './dead-letters.js';
import { createKafka, decodeHeaders, ensureTopics } from './kafka.js';
import { silentLogger } from './logger.js';

// A topic of its own per run: dead letters and offsets cannot mix with other tests.
const topic = `gridline.test-${randomUUID().slice(0, 8)}.events.v1`;
let kafka: Kafka;
let producer: Producer;
let dlqReader: Consumer;
const deadLetters: { headers: Record<string, string>; value: string }[] = [];

function validReport(caseId: string): EventEnvelope {
  return {
    id: randomUUID(),
    type: 'street.issue.reported.v1',
    agency: 'street',
    streamId: `street-issue-${caseId}`,
    revision: 0,
    position: '10/10',
    time: '2026-03-01T08:00:00.000Z',
    metadata: {
      caseId,
      correlationId: caseId,
      causationId: caseId,
      actor: { id: 'worker-1', agency: 'street', kind: 'user' },
    },
    data: {
      issueId: randomUUID(),
      caseId,
      source: 'grid-worker',
      category: 'street-vending',
      location: {
        street: 'Xinjiekou',
        community: 'Zhaodengyu',
        grid: 'G-0312',
        description: 'gate',
      },
      description: 'vending',
      severity: 'low',
      reportedBy: 'worker-1',
      reportedAt: '2026-03-01T08:00:00.000Z',
    },
  };
}

async function publish(event: EventEnvelope, tamper?: (h: Record<string, string>) => void) {
  const message = toBinaryCloudEvent(event);
  const headers = { ...message.headers };
  tamper?.(headers);
  await producer.send({ topic, messages: [{ key: message.key, value: message.value, headers }] });
}

beforeAll(async () => {
  kafka = createKafka(
    {
      brokers: testInfra().kafkaBrokers,
      clientId: 'consumer-test',
      security: ownerKafkaSecurity(),
    },
    silentLogger,
  );
  await ensureTopics(kafka, [topic, deadLetterTopic(topic)], 1);
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  dlqReader = kafka.consumer({ groupId: `dlq-reader-${randomUUID()}` });
  await dlqReader.connect();
  await dlqReader.subscribe({ topics: [deadLetterTopic(topic)], fromBeginning: true });
  await dlqReader.run({
    eachMessage: ({ message }) => {
      deadLetters.push({
        headers: decodeHeaders(message.headers),
        value: message.value?.toString() ?? '',
      });
      return Promise.resolve();
    },
  });
});

afterAll(async () => {
  await dlqReader.disconnect();
  await producer.disconnect();
});

async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('EventConsumer against Kafka', () => {
  it('handles good events and dead-letters malformed, invalid and failing ones without stalling', async () => {
    const handled: string[] = [];
    const poisonCase = randomUUID();
    const consumer = new EventConsumer(kafka, producer, silentLogger, {
      groupId: `consumer-test-${randomUUID()}`,
      topics: [topic],
      maxAttempts: 2,
      retryDelayMs: 10,
      handler: (event) => {
        if (event.metadata.caseId === poisonCase) return Promise.reject(new Error('boom'));
        handled.push(event.id);
        return Promise.resolve();
      },
    });

    const good1 = validReport(randomUUID());
    const malformed = validReport(randomUUID());
    const invalid = validReport(randomUUID());
    const failing = validReport(poisonCase);
    const good2 = validReport(randomUUID());
    await publish(good1);
    await publish(malformed, (h) => {
      delete h['ce_type'];
      h['ce_time'] = 'yesterday';
    });
    await publish({ ...invalid, data: { ...(invalid.data as object), severity: 'huge' } });
    await publish(failing);
    await publish(good2);

    await consumer.start();
    try {
      await until(
        () => handled.length === 2 && deadLetters.length === 3,
        'two handled, three dead',
      );
    } finally {
      await consumer.stop();
    }

    expect(handled).toEqual([good1.id, good2.id]);
    const byId = new Map(deadLetters.map((d) => [d.headers['ce_id'], d]));
    expect(byId.get(malformed.id)?.headers).toMatchObject({
      dlq_kind: 'malformed',
      dlq_source_topic: topic,
    });
    expect(byId.get(malformed.id)?.headers['dlq_reason']).toMatch(
      /ce_type.*ce_time|ce_time.*ce_type/s,
    );
    expect(byId.get(invalid.id)?.headers).toMatchObject({ dlq_kind: 'invalid' });
    expect(byId.get(invalid.id)?.headers['dlq_reason']).toContain('/severity');
    expect(byId.get(failing.id)?.headers).toMatchObject({ dlq_kind: 'failed', dlq_reason: 'boom' });
    // The original payload and headers travel with the dead letter.
    expect(JSON.parse(byId.get(failing.id)?.value ?? '')).toEqual(failing.data);
    expect(byId.get(failing.id)?.headers['ce_subject']).toBe(poisonCase);
    expect(consumer.status()).toMatchObject({ handled: 2, deadLettered: 3 });
  });

  it('lists dead letters, and replays the failed ones once the cause is fixed — each only once', async () => {
    const letters = await listDeadLetters(kafka, deadLetterTopic(topic));
    expect(letters.map((l) => l.headers['dlq_kind']).sort()).toEqual([
      'failed',
      'invalid',
      'malformed',
    ]);
    const failed = letters.find((l) => l.headers['dlq_kind'] === 'failed');

    const handled: string[] = [];
    const fixed = new EventConsumer(kafka, producer, silentLogger, {
      groupId: `consumer-test-fixed-${randomUUID()}`,
      topics: [topic],
      handler: (event) => {
        handled.push(event.id);
        return Promise.resolve();
      },
    });
    await fixed.start();
    try {
      await until(() => handled.length >= 3, 'the three valid events handled');
      const before = handled.filter((id) => id === failed?.headers['ce_id']).length;
      const result = await replayDeadLetters(kafka, deadLetterTopic(topic), {
        filter: (l) => l.headers['dlq_kind'] === 'failed',
      });
      // The fixed consumer read the topic again and parked the malformed and invalid
      // messages a second time: five letters, one of them a failure to replay.
      expect(result).toEqual({ replayed: 1, skipped: 4 });
      await until(
        () => handled.filter((id) => id === failed?.headers['ce_id']).length === before + 1,
        'the replayed event handled',
      );
      // Replaying again finds nothing new: the replayer's offsets moved on.
      expect(await replayDeadLetters(kafka, deadLetterTopic(topic))).toEqual({
        replayed: 0,
        skipped: 0,
      });
    } finally {
      await fixed.stop();
    }
  });

  it('hands a batch handler what a fetch brings, and parks only the message at fault', async () => {
    const poisonCase = randomUUID();
    const mine = new Set<string>();
    const batches: string[][] = [];
    const single: string[] = [];
    const consumer = new EventConsumer(kafka, producer, silentLogger, {
      groupId: `consumer-batch-test-${randomUUID()}`,
      topics: [topic],
      maxAttempts: 2,
      retryDelayMs: 10,
      maxBatch: 4,
      batchHandler: (events) => {
        if (events.some((e) => e.metadata.caseId === poisonCase))
          return Promise.reject(new Error('poisoned batch'));
        batches.push(events.map((e) => e.id).filter((id) => mine.has(id)));
        return Promise.resolve();
      },
      handler: (event) => {
        if (event.metadata.caseId === poisonCase) return Promise.reject(new Error('boom'));
        if (mine.has(event.id)) single.push(event.id);
        return Promise.resolve();
      },
    });
    const events = Array.from({ length: 12 }, (_, i) =>
      validReport(i === 5 ? poisonCase : randomUUID()),
    );
    for (const e of events) mine.add(e.id);
    // All sent before the consumer starts: fetches bring several at once.
    for (const e of events) await publish(e);
    const poison = events[5]!;

    await consumer.start();
    const handled = () => [...batches.flat(), ...single];
    try {
      await until(
        () => handled().length === 11 && deadLetters.some((d) => d.headers['ce_id'] === poison.id),
        'eleven handled, the poisoned one dead',
      );
    } finally {
      await consumer.stop();
    }
    // Each good event once; the poisoned batch's others one by one.
    expect(handled().sort()).toEqual(
      events
        .filter((e) => e !== poison)
        .map((e) => e.id)
        .sort(),
    );
    expect(batches.some((b) => b.length > 1)).toBe(true);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(4);
    expect(single.length).toBeGreaterThan(0);
    const letter = deadLetters.find((d) => d.headers['ce_id'] === poison.id);
    expect(letter?.headers).toMatchObject({ dlq_kind: 'failed', dlq_reason: 'boom' });
  });

  it('merges what several partitions bring while the batch handler is busy, each partition in order', async () => {
    const spread = `gridline.test-${randomUUID().slice(0, 8)}.events.v1`;
    await ensureTopics(kafka, [spread, deadLetterTopic(spread)], 3);
    const events = Array.from({ length: 30 }, () => validReport(randomUUID()));
    // Ten to each partition, before the consumer starts.
    await producer.send({
      topic: spread,
      messages: events.map((e, i) => {
        const m = toBinaryCloudEvent(e);
        return { key: m.key, value: m.value, headers: m.headers, partition: i % 3 };
      }),
    });
    const calls: string[][] = [];
    const consumer = new EventConsumer(kafka, producer, silentLogger, {
      groupId: `consumer-merge-test-${randomUUID()}`,
      topics: [spread],
      partitionsAtOnce: 3,
      batchHandler: async (batch) => {
        calls.push(batch.map((e) => e.id));
        // Busy long enough for the other partitions' batches to queue up.
        if (calls.length === 1) await new Promise((r) => setTimeout(r, 500));
      },
      handler: () => Promise.reject(new Error('not used')),
    });
    await consumer.start();
    try {
      await until(() => calls.flat().length === 30, 'thirty handled');
    } finally {
      await consumer.stop();
    }
    expect(calls.flat().sort()).toEqual(events.map((e) => e.id).sort());
    // More in one call than one partition holds: batches of several partitions merged.
    expect(Math.max(...calls.map((c) => c.length))).toBeGreaterThan(10);
    // Each partition's events in the order sent.
    const order = calls.flat();
    for (let p = 0; p < 3; p++) {
      const sent = events.filter((_, i) => i % 3 === p).map((e) => e.id);
      expect(order.filter((id) => sent.includes(id))).toEqual(sent);
    }
  });
});
