import { readFileSync } from 'node:fs';
import kafkajs from 'kafkajs';
import type { Kafka as KafkaClient, KafkaConfig, LogEntry, SASLOptions } from 'kafkajs';
import type { MessagingLogger } from './logger.js';

const { Kafka, logLevel } = kafkajs;

export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** How the client proves who it is and protects the wire (docs/security.md, "Kafka"). */
  readonly security?: KafkaSecurity;
}

/**
 * TLS (`ca`: the PEM certificates to trust; `true`: the system's) and a SASL
 * sign-in. Without either the connection is plaintext and anonymous, which a
 * broker with ACLs refuses.
 */
export interface KafkaSecurity {
  readonly tls?: { readonly ca: string } | true;
  readonly sasl?: {
    readonly mechanism: 'scram-sha-256' | 'scram-sha-512';
    readonly username: string;
    readonly password: string;
  };
}

/** Where a client's security comes from, as the KAFKA_* variables name it (docs/security.md, "Kafka"). */
export interface KafkaSecuritySource {
  /** KAFKA_TLS_CA_FILE: PEM file of the CA that signed the brokers' certificates; implies TLS. */
  readonly tlsCaFile?: string;
  /** KAFKA_TLS=true: TLS with the system's CAs. */
  readonly tls?: boolean;
  /** KAFKA_SASL_MECHANISM: none, scram-sha-256 or scram-sha-512. */
  readonly mechanism?: string;
  readonly username?: string;
  /** KAFKA_SASL_PASSWORD_FILE: the password, in a file (never in the environment). */
  readonly passwordFile?: string;
}

/** Reads the CA and the password from their files; throws naming what is missing. */
export function readKafkaSecurity(source: KafkaSecuritySource): KafkaSecurity {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`${what} ${file} cannot be read: ${(error as Error).message}`);
    }
  };
  const tls = source.tlsCaFile
    ? { ca: read(source.tlsCaFile, 'KAFKA_TLS_CA_FILE') }
    : source.tls
      ? (true as const)
      : undefined;
  const mechanism = source.mechanism ?? 'none';
  if (mechanism === 'none') return tls ? { tls } : {};
  if (mechanism !== 'scram-sha-256' && mechanism !== 'scram-sha-512')
    throw new Error(`KAFKA_SASL_MECHANISM must be none, scram-sha-256 or scram-sha-512`);
  if (!source.username || !source.passwordFile)
    throw new Error('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD_FILE are required with SASL');
  const password = read(source.passwordFile, 'KAFKA_SASL_PASSWORD_FILE').trim();
  return { ...(tls ? { tls } : {}), sasl: { mechanism, username: source.username, password } };
}

/** The same, from an environment (scripts and tools: `KAFKA_*` as `stack.sh env` prints them). */
export function kafkaSecurityFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): KafkaSecurity {
  return readKafkaSecurity({
    tlsCaFile: env['KAFKA_TLS_CA_FILE'] || undefined,
    tls: env['KAFKA_TLS'] === 'true',
    mechanism: env['KAFKA_SASL_MECHANISM'] || 'none',
    username: env['KAFKA_SASL_USERNAME'] || undefined,
    passwordFile: env['KAFKA_SASL_PASSWORD_FILE'] || undefined,
  });
}

/** The kafkajs `ssl` and `sasl` options of a client's security. */
export function kafkajsSecurity({ tls, sasl }: KafkaSecurity = {}): Pick<
  KafkaConfig,
  'ssl' | 'sasl'
> {
  return {
    ...(tls ? { ssl: tls === true ? true : { ca: [tls.ca] } } : {}),
    ...(sasl ? { sasl: sasl as SASLOptions } : {}),
  };
}

/** A kafkajs client whose own log lines go through our structured logger. */
export function createKafka(settings: KafkaSettings, logger: MessagingLogger): KafkaClient {
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    ...kafkajsSecurity(settings.security),
    // A refused sign-in is an answer, not a network fault: say so at once.
    authenticationTimeout: 10_000,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8 },
    logCreator:
      () =>
      ({ level, namespace, log }: LogEntry) => {
        const { message, ...fields } = log;
        if (isNoise(namespace, message)) return;
        const line = `kafkajs ${namespace}: ${message}`;
        if (level <= logLevel.ERROR) logger.error(line, fields);
        else logger.warn(line, fields);
      },
  });
}

/**
 * kafkajs lines that say nothing to act on, so they would teach people to ignore
 * the log: a broker's error answer on one connection (`Connection: Response …`,
 * e.g. a topic two services create at once, or not yet led) is retried by kafkajs
 * and, if it persists, surfaces as the operation's own error, which we log; the
 * partitioner notice of kafkajs 2.0 (we use its default, Java-compatible one); and
 * the advice that bounded retries weaken an idempotent producer's exactly-once —
 * we rely on idempotent consumers instead (docs/reliability.md).
 */
export function isNoise(namespace: string, message: string): boolean {
  return (
    (namespace === 'Connection' && message.startsWith('Response ')) ||
    message.startsWith('KafkaJS v2.0.0 switched default partitioner') ||
    message.startsWith('Limiting retries for the idempotent producer')
  );
}

/**
 * Topic and consumer-group names under an optional namespace (`KAFKA_NAMESPACE`),
 * so the test suite and a running development platform can share one broker
 * without consuming each other's events. Production leaves it empty.
 */
export class KafkaNames {
  constructor(readonly namespace = '') {}

  topic(name: string): string {
    return this.namespace ? `${this.namespace}.${name}` : name;
  }

  group(name: string): string {
    return this.namespace ? `${this.namespace}.${name}` : name;
  }
}

/**
 * Creates missing topics (idempotent): the agency topics and their dead-letter
 * twins. On a broker with ACLs the owner has made them (`gridline kafka-acls`)
 * and a service only finds them: one that is missing, and this client may not
 * create, is a KafkaTopicsMissing naming the command. Services start together
 * and may create topics at the same moment; a freshly created topic can briefly answer "does not host this topic-partition"
 * until its leader is known, so the whole check is retried a few times.
 * `configs` are topic settings for the topics it creates (e.g. `retention.ms`).
 */
export async function ensureTopics(
  kafka: KafkaClient,
  topics: readonly string[],
  numPartitions = 3,
  configs: Readonly<Record<string, string>> = {},
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t));
      if (missing.length > 0)
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({
            topic,
            numPartitions,
            replicationFactor: 1,
            configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
          })),
        });
      await admin.fetchTopicMetadata({ topics: [...topics] });
      return;
    } catch (error) {
      if (isAuthorizationRefusal(error))
        throw new KafkaTopicsMissing(topics, (error as Error).message);
      if (attempt >= 6) throw error;
      await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    } finally {
      await admin.disconnect();
    }
  }
}

/** Topics a service needs that are not there, and that it may not make. */
export class KafkaTopicsMissing extends Error {
  constructor(
    readonly topics: readonly string[],
    cause: string,
  ) {
    super(
      `Kafka refused to make or describe the topics ${topics.join(', ')} for this user (${cause}): ` +
        "Kafka's owner makes them and grants the rights: run `npm run gridline -- kafka-acls` " +
        '(or the kafka-acls one-shot / migration Job; docs/security.md, "Kafka")',
    );
    this.name = 'KafkaTopicsMissing';
  }
}

/** A broker's "not allowed" (…_AUTHORIZATION_FAILED), also inside kafkajs' wrappers. */
function isAuthorizationRefusal(error: unknown): boolean {
  for (let e = error as { type?: string; cause?: unknown; errors?: unknown[] } | undefined; e;) {
    if (typeof e.type === 'string' && e.type.endsWith('_AUTHORIZATION_FAILED')) return true;
    if (e.errors?.some(isAuthorizationRefusal)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/**
 * How far a consumer group is behind: the sum over partitions of the topic's
 * high watermark minus the group's committed offset (a partition the group has
 * not committed yet counts whole).
 */
export async function consumerLag(
  kafka: KafkaClient,
  groupId: string,
  topics: readonly string[],
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let lag = 0;
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    for (const topic of topics) {
      const high = await admin.fetchTopicOffsets(topic);
      const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const p of high) {
        const offset = Number(mine.find((m) => m.partition === p.partition)?.offset ?? -1);
        lag += Number(p.high) - Math.max(offset, Number(p.low));
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/** Messages currently held in topics (e.g. the dead-letter topics): high minus low watermarks. */
export async function messagesIn(kafka: KafkaClient, topics: readonly string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let total = 0;
    for (const topic of topics)
      for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high) - Number(p.low);
    return total;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Messages held in each topic (high minus low watermarks), one admin connection
 * for all; a topic that does not exist holds 0 (a dead-letter topic is created
 * with its source topic, but may be missing on a fresh broker).
 */
export async function messagesPerTopic(
  kafka: KafkaClient,
  topics: readonly string[],
): Promise<{ topic: string; messages: number }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const counts: { topic: string; messages: number }[] = [];
    for (const topic of topics) {
      let messages = 0;
      if (existing.has(topic))
        for (const p of await admin.fetchTopicOffsets(topic))
          messages += Number(p.high) - Number(p.low);
      counts.push({ topic, messages });
    }
    return counts;
  } finally {
    await admin.disconnect();
  }
}

/** Header values arrive as Buffers (or arrays of them); CloudEvents wants strings. */
export function decodeHeaders(
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined,
): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const single = Array.isArray(value) ? value[0] : value;
    if (single !== undefined) decoded[name] = single.toString();
  }
  return decoded;
}
