import { randomUUID } from 'node:crypto';
import { testInfra, ownerKafkaSecurity } from '@gridline/testing';
import type { Kafka } from 'kafkajs';
import { createKafka, ensureTopics } from './kafka.js';
import { silentLogger } from './logger.js';

// Services start together and create the same topics at the same moment: each
// must come out with the topics there and their leaders known, whoever won.
describe('ensureTopics against the real broker', () => {
  const clients: Kafka[] = Array.from({ length: 4 }, (_, i) =>
    createKafka(
      {
        brokers: testInfra().kafkaBrokers,
        clientId: `ensure-topics-${i}`,
        security: ownerKafkaSecurity(),
      },
      silentLogger,
    ),
  );

  it('creates missing topics once when several clients race, each ready to produce to', async () => {
    const run = randomUUID().slice(0, 8);
    const topics = [`gridline.race-${run}.events.v1`, `gridline.race-${run}.events.v1.dlq`];
    await Promise.all(clients.map((kafka) => ensureTopics(kafka, topics)));

    const admin = clients[0]!.admin();
    await admin.connect();
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      expect(metadata.map((t) => [t.name, t.partitions.length]).sort()).toEqual(
        topics.map((t) => [t, 3]).sort(),
      );
      for (const t of metadata)
        for (const p of t.partitions) expect(p.leader).toBeGreaterThanOrEqual(0);
    } finally {
      await admin.disconnect();
    }
    // Straight after: every client can produce to every partition.
    await Promise.all(
      clients.map(async (kafka) => {
        const producer = kafka.producer();
        await producer.connect();
        try {
          for (const topic of topics)
            for (const partition of [0, 1, 2])
              await producer.send({ topic, acks: -1, messages: [{ partition, value: 'x' }] });
        } finally {
          await producer.disconnect();
        }
      }),
    );
    // And asking again is a no-op.
    await ensureTopics(clients[1]!, topics);
  });
});
