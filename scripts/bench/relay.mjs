// Measure 3: the relay (store → Kafka) against a bare kafkajs send loop of the same
// messages and against Kafka's own ProducerPerformance tool on the same broker.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { noteEvent } from './common.mjs';

export const RELAY_BATCH = 200;

/**
 * Appends `count` events to street streams (50 per case), for the relay to publish,
 * then has PostgreSQL analyse the table as autovacuum would in a store at rest
 * (without statistics the first relay runs raced autovacuum: 6,000 → 12,000/s).
 */
export async function preload(store, pool, count) {
  for (let done = 0; done < count; done += 50) {
    const caseId = randomUUID();
    const events = Array.from({ length: Math.min(50, count - done) }, () => noteEvent(caseId));
    await store.appendToStream(`street-relaybench-${caseId}`, events, {
      expectedRevision: 'no_stream',
    });
  }
  await pool.query('ANALYZE gridline_events');
}

const quietLogger = { info() {}, warn() {}, error: (m, f) => console.error(m, f) };

/** Relays everything in the store from the start into a fresh topic; events/s. */
export async function relayRun({ messaging, store, checkpoints, kafka, count }) {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const names = new messaging.KafkaNames(`bench-${randomUUID().slice(0, 8)}`);
  const relay = new messaging.EventRelay(store, checkpoints, producer, quietLogger, {
    agency: 'street',
    name: `bench-relay-${randomUUID()}`,
    batchSize: RELAY_BATCH,
    names,
  });
  await messaging.ensureTopics(kafka, [relay.topic]);
  const started = performance.now();
  relay.start();
  while (relay.status().published < count) {
    if (relay.status().lastError) throw new Error(`relay: ${relay.status().lastError}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const seconds = (performance.now() - started) / 1000;
  await relay.stop();
  await producer.disconnect();
  return count / seconds;
}

/** The relay's messages, built once: the baseline sends exactly these. */
export async function relayMessages({ eventsourcing, contracts, store, count }) {
  const messages = [];
  let after;
  while (messages.length < count) {
    const batch = await store.readAll({ ...(after ? { after } : {}), maxCount: 1000 });
    if (batch.length === 0) break;
    for (const event of batch) {
      const m = contracts.toBinaryCloudEvent(eventsourcing.toEnvelope(event));
      messages.push({ key: m.key, value: m.value, headers: m.headers });
    }
    after = batch.at(-1).position;
  }
  return messages;
}

/** 3, baseline: a bare kafkajs producer sending the same messages in the same batches. */
export async function bareKafkajs({ messaging, kafka, messages }) {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const topic = `bench-bare-${randomUUID().slice(0, 8)}`;
  await messaging.ensureTopics(kafka, [topic]);
  const started = performance.now();
  for (let i = 0; i < messages.length; i += RELAY_BATCH)
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + RELAY_BATCH) });
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return messages.length / seconds;
}

/** Average bytes of a message: key, value and headers (what goes on the wire per record). */
export function recordSize(messages) {
  let total = 0;
  for (const m of messages) {
    total += Buffer.byteLength(m.key) + Buffer.byteLength(m.value);
    for (const [k, v] of Object.entries(m.headers))
      total += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  return Math.round(total / messages.length);
}

function kafkaClasspath() {
  const cache = process.env.GRIDLINE_CACHE || path.join(os.homedir(), '.cache', 'gridline');
  const dir = existsSync(cache) ? readdirSync(cache).find((d) => /^kafka-\d/.test(d)) : undefined;
  if (!dir) throw new Error(`no Kafka jars under ${cache}: run \`npm run infra:up\` first`);
  return path.join(cache, dir, 'libs', '*');
}

/**
 * The Java client's settings for the local broker's SASL/SCRAM over TLS, signed in
 * as the owner (`stack.sh env`); none for a broker without them.
 */
function javaClientSecurity(stack) {
  if (!stack.KAFKA_SASL_PASSWORD_FILE) return [];
  const password = readFileSync(stack.KAFKA_SASL_PASSWORD_FILE, 'utf8').trim();
  return [
    'security.protocol=SASL_SSL',
    'sasl.mechanism=SCRAM-SHA-512',
    `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${stack.KAFKA_SASL_USERNAME}" password="${password}";`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${stack.KAFKA_TLS_CA_FILE}`,
  ];
}

/** 3, baseline: Kafka's ProducerPerformance (acks=all, idempotent) with records of the same size. */
export function producerPerformance({ brokers, count, size, stack }) {
  const topic = `bench-perf-${randomUUID().slice(0, 8)}`;
  const out = spawnSync(
    'java',
    [
      '-Xmx256m',
      '-cp',
      kafkaClasspath(),
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      String(count),
      '--record-size',
      String(size),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${brokers}`,
      'acks=all',
      'enable.idempotence=true',
      ...javaClientSecurity(stack),
    ],
    { encoding: 'utf8' },
  );
  const match = /(\d+) records sent, ([\d.]+) records\/sec/.exec(
    out.stdout.split('\n').filter(Boolean).at(-1) ?? '',
  );
  if (!match) throw new Error(`ProducerPerformance failed: ${out.stderr || out.stdout}`);
  return Number(match[2]);
}
