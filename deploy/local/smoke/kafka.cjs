// Smoke test of the local Kafka broker with kafkajs 2.2.4 (run by deploy/local/smoke.sh).
// Exits non-zero on the first failed step.
const { readFileSync } = require('node:fs');
const { Kafka, logLevel } = require('kafkajs');

const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',');
const run = Date.now().toString(36);
const topic = `smoke-${run}`;
const groupId = `smoke-group-${run}`;
const N = 30;

// SASL/SCRAM over TLS as the owner, as `deploy/local/stack.sh env` names it.
const env = process.env;
const security = env.KAFKA_SASL_PASSWORD_FILE
  ? {
      ssl: { ca: [readFileSync(env.KAFKA_TLS_CA_FILE, 'utf8')] },
      sasl: {
        mechanism: env.KAFKA_SASL_MECHANISM || 'scram-sha-512',
        username: env.KAFKA_SASL_USERNAME,
        password: readFileSync(env.KAFKA_SASL_PASSWORD_FILE, 'utf8').trim(),
      },
    }
  : {};
const kafka = new Kafka({
  clientId: 'gridline-smoke',
  brokers,
  logLevel: logLevel.WARN,
  ...security,
});

const t0 = Date.now();
let last = t0;
function step(name) {
  const now = Date.now();
  console.log(`ok   ${name} (+${now - last} ms)`);
  last = now;
}

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  const cluster = await admin.describeCluster();
  step(`describeCluster: ${cluster.brokers.length} broker(s), controller ${cluster.controller}`);

  const created = await admin.createTopics({
    topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  if (!created) throw new Error('createTopics returned false');
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  if (meta.topics[0].partitions.length !== 3) throw new Error('expected 3 partitions');
  step(`createTopics ${topic} with 3 partitions`);

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const messages = Array.from({ length: N }, (_, i) => ({
    key: `k${i % 7}`,
    value: JSON.stringify({ i }),
  }));
  const res = await producer.send({ topic, messages });
  step(
    `idempotent producer sent ${N} messages to partitions ${[...new Set(res.map((r) => r.partition))].sort()}`,
  );

  const offsets = await admin.fetchTopicOffsets(topic);
  const total = offsets.reduce((s, p) => s + Number(p.high) - Number(p.low), 0);
  if (total !== N) throw new Error(`fetchTopicOffsets total ${total} != ${N}`);
  step(`fetchTopicOffsets: ${offsets.map((p) => `${p.partition}:${p.high}`).join(' ')}`);

  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = new Set();
  let resolveAll;
  const all = new Promise((r) => {
    resolveAll = r;
  });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic: t, partition, message }) => {
      seen.add(JSON.parse(message.value.toString()).i);
      await consumer.commitOffsets([
        { topic: t, partition, offset: (BigInt(message.offset) + 1n).toString() },
      ]);
      if (seen.size === N) resolveAll();
    },
  });
  let timer;
  const timeout = new Promise((_, rej) => {
    timer = setTimeout(() => rej(new Error(`consumed only ${seen.size}/${N} in 30s`)), 30000);
  });
  await Promise.race([all, timeout]).finally(() => clearTimeout(timer));
  step(
    `consumer group ${groupId} consumed ${seen.size}/${N} (fromBeginning, eachMessage, manual commitOffsets)`,
  );

  const groups = await admin.describeGroups([groupId]);
  const g = groups.groups[0];
  step(`describeGroups: state=${g.state} protocol=${g.protocol} members=${g.members.length}`);
  await consumer.stop();
  await consumer.disconnect();

  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  const committedTotal = committed[0].partitions.reduce((s, p) => s + Number(p.offset), 0);
  if (committedTotal !== N) throw new Error(`committed offsets sum ${committedTotal} != ${N}`);
  step(
    `fetchOffsets (group): ${committed[0].partitions.map((p) => `${p.partition}:${p.offset}`).join(' ')}`,
  );

  const listed = await admin.listGroups();
  step(`listGroups: ${listed.groups.length} group(s)`);

  // No auto topic creation (auto.create.topics.enable=false): a fetch makes nothing.
  const autoTopic = `smoke-auto-${run}`;
  const made = await admin.fetchTopicMetadata({ topics: [autoTopic] }).then(
    () => true,
    () => false,
  );
  if (made) throw new Error(`metadata for ${autoTopic} created it`);
  step('a metadata request creates no topic');

  // Transactional producer: proves the transaction coordinator works on a single node.
  const tx = kafka.producer({
    transactionalId: `smoke-tx-${run}`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await tx.connect();
  const t = await tx.transaction();
  await t.send({ topic, messages: [{ value: 'in-tx' }] });
  await t.commit();
  await tx.disconnect();
  step('transactional producer commit');

  await producer.disconnect();
  await admin.deleteTopics({ topics: [topic] });
  step('deleteTopics');
  await admin.disconnect();
  console.log('kafka smoke: all steps passed');
}

main().catch((err) => {
  console.error('FAIL', err);
  process.exit(1);
});
