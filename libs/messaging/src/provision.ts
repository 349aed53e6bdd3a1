// Kafka's topics and rights as a program, for the Kubernetes Job
// (deploy/k8s/migrate.yaml) and compose's one-shot:
// `node dist/libs/messaging/src/provision.js`, signed in as Kafka's owner
// (KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD_FILE, KAFKA_TLS_CA_FILE). The command
// line has the same as `npm run gridline -- kafka-acls`.
import { applyKafkaAccess, kafkaAccessPlan } from './access.js';
import { createKafka, KafkaNames, kafkaSecurityFromEnv } from './kafka.js';

const line = (level: string, message: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({ level, message, ...fields });
const logger = {
  info: (m: string, f?: Record<string, unknown>) => console.log(line('info', m, f)),
  warn: (m: string, f?: Record<string, unknown>) => console.error(line('warn', m, f)),
  error: (m: string, f?: Record<string, unknown>) => console.error(line('error', m, f)),
};

try {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set');
  const kafka = createKafka(
    { brokers, clientId: 'gridline-kafka-acls', security: kafkaSecurityFromEnv(process.env) },
    logger,
  );
  const result = await applyKafkaAccess(
    kafka,
    kafkaAccessPlan(new KafkaNames(process.env['KAFKA_NAMESPACE'] ?? '')),
  );
  logger.info('kafka topics and rights applied', result);
} catch (error) {
  logger.error((error as Error).message);
  process.exit(1);
}
