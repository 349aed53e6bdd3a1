import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { decodeHeaders } from './kafka.js';

export interface DeadLetter {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly value: string;
}

/**
 * Reads every message of a dead-letter topic up to its end when called,
 * through a group of its own (`groupId`); with `commit`, the group's offsets
 * move past what was read, so the next call starts after it.
 */
async function readUpToEnd(
  kafka: Kafka,
  topic: string,
  groupId: string,
  commit: boolean,
  onMessage: (letter: DeadLetter) => Promise<void>,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const p of await admin.fetchTopicOffsets(topic)) ends.set(p.partition, BigInt(p.high));
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    for (const p of committed[0]?.partitions ?? [])
      if (BigInt(p.offset) >= (ends.get(p.partition) ?? 0n)) ends.delete(p.partition);
    for (const [partition, high] of ends) if (high === 0n) ends.delete(partition);
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return 0;
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  let count = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const done = new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: commit,
          eachMessage: async ({ partition, message }) => {
            const end = ends.get(partition);
            if (end === undefined || BigInt(message.offset) >= end) return;
            await onMessage({
              partition,
              offset: message.offset,
              key: message.key?.toString() ?? null,
              headers: decodeHeaders(message.headers),
              value: message.value?.toString() ?? '',
            });
            count++;
            if (BigInt(message.offset) + 1n >= end) ends.delete(partition);
            if (ends.size === 0) resolve();
          },
        })
        .catch(reject);
    });
    await done;
  } finally {
    await consumer.disconnect();
  }
  return count;
}

/** Lists a dead-letter topic without moving any group's offsets. */
export async function listDeadLetters(kafka: Kafka, dlqTopic: string): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  await readUpToEnd(kafka, dlqTopic, `gridline-dlq-inspect-${randomUUID()}`, false, (letter) => {
    letters.push(letter);
    return Promise.resolve();
  });
  return letters;
}

/**
 * Sends each dead letter not replayed before back to the topic it came from,
 * with its original key, headers and value (the `dlq_` headers dropped and a
 * `dlq_replayed_from` header added), once the cause is fixed. The consumers
 * are idempotent, so replaying a message that had half succeeded is safe. Each
 * letter is replayed once: the replayer group's offsets remember.
 */
export async function replayDeadLetters(
  kafka: Kafka,
  dlqTopic: string,
  options: { readonly filter?: (letter: DeadLetter) => boolean } = {},
): Promise<{ replayed: number; skipped: number }> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let replayed = 0;
  let skipped = 0;
  try {
    await readUpToEnd(kafka, dlqTopic, 'gridline-dlq-replayer', true, async (letter) => {
      if (options.filter && !options.filter(letter)) {
        skipped++;
        return;
      }
      const source = letter.headers['dlq_source_topic'];
      if (!source) {
        skipped++;
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(letter.headers).filter(([name]) => !name.startsWith('dlq_')),
      );
      await producer.send({
        topic: source,
        acks: -1,
        messages: [
          {
            key: letter.key,
            value: letter.value,
            headers: {
              ...headers,
              dlq_replayed_from: `${dlqTopic}/${letter.partition}/${letter.offset}`,
            },
          },
        ],
      });
      replayed++;
    });
  } finally {
    await producer.disconnect();
  }
  return { replayed, skipped };
}
