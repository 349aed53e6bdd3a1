// Dead letters: inspect them, and replay them once the cause is fixed.
//   npm run dlq -- list   --topic gridline.street.events.v1 [--namespace e2e]
//   npm run dlq -- replay --topic gridline.street.events.v1 [--kind failed] [--type street.issue.reported.v1]
// Replaying sends each dead letter not replayed before back to its source topic;
// the consumers are idempotent. KAFKA_BROKERS names the broker (default: local).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { root } from './lib.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    topic: { type: 'string' },
    namespace: { type: 'string', default: '' },
    kind: { type: 'string' },
    type: { type: 'string' },
  },
});
const [command] = positionals;
if (!['list', 'replay'].includes(command ?? '') || !values.topic) {
  console.error(
    'usage: npm run dlq -- list|replay --topic <agency topic> [--namespace ns] [--kind malformed|invalid|failed] [--type <event type>]',
  );
  process.exit(2);
}
const messaging = path.join(root, 'dist', 'libs', 'messaging', 'src', 'index.js');
if (!existsSync(messaging)) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(2);
}
const {
  createKafka,
  deadLetterTopic,
  kafkaSecurityFromEnv,
  KafkaNames,
  listDeadLetters,
  replayDeadLetters,
  silentLogger,
} = await import(pathToFileURL(messaging).href).then(async (m) => ({
  ...m,
  deadLetterTopic: (
    await import(
      pathToFileURL(path.join(root, 'dist', 'libs', 'contracts', 'src', 'index.js')).href
    )
  ).deadLetterTopic,
}));
// Signed in as KAFKA_SASL_USERNAME (the owner, as `stack.sh env` prints it).
const kafka = createKafka(
  {
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId: 'gridline-dlq',
    security: kafkaSecurityFromEnv(process.env),
  },
  silentLogger,
);
const dlq = deadLetterTopic(new KafkaNames(values.namespace).topic(values.topic));
const wanted = (letter) =>
  (!values.kind || letter.headers.dlq_kind === values.kind) &&
  (!values.type || letter.headers.ce_type === values.type);

try {
  if (command === 'list') {
    const letters = (await listDeadLetters(kafka, dlq)).filter(wanted);
    for (const l of letters)
      console.log(
        `${l.partition}/${l.offset}\t${l.headers.dlq_failed_at ?? ''}\t${l.headers.dlq_kind ?? ''}\t${l.headers.ce_type ?? '?'}\t${l.headers.ce_id ?? '?'}\t${l.headers.dlq_reason ?? ''}`,
      );
    console.error(`${letters.length} dead letter(s) in ${dlq}`);
  } else {
    const { replayed, skipped } = await replayDeadLetters(kafka, dlq, { filter: wanted });
    console.error(
      `replayed ${replayed} dead letter(s) from ${dlq} (${skipped} left out by the filter)`,
    );
  }
} catch (error) {
  console.error(`dlq ${command} failed: ${error.message}`);
  process.exit(1);
}
