import { readKafkaSecurity, type KafkaSettings } from '@gridline/messaging';
import { parseEventStoreUrl } from '@gridline/store-eventstoredb';

/**
 * Configuration from environment variables, validated once at start-up: every
 * bad or missing variable is reported together, and the process does not start.
 */
export type Parser<T> = (raw: string) => T;

export interface Setting<T> {
  readonly parse: Parser<T>;
  readonly default?: T;
  readonly description: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function setting<T>(description: string, parse: Parser<T>, fallback?: T): Setting<T> {
  return fallback === undefined
    ? { description, parse }
    : { description, parse, default: fallback };
}

export const parsers = {
  string: (raw: string) => raw,
  port: (raw: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new Error('must be a TCP port');
    return n;
  },
  positiveInt: (raw: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error('must be a positive integer');
    return n;
  },
  list: (raw: string) =>
    raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  url:
    (...protocols: string[]) =>
    (raw: string) => {
      const url = new URL(raw);
      if (!protocols.includes(url.protocol))
        throw new Error(`must be a ${protocols.join(' or ')} URL`);
      return raw;
    },
  oneOf:
    <T extends string>(...values: T[]) =>
    (raw: string): T => {
      if (!(values as string[]).includes(raw))
        throw new Error(`must be one of ${values.join(', ')}`);
      return raw as T;
    },
};

/**
 * A condition between settings, given the values that parsed (a setting that did
 * not is absent); returns the problem, if any.
 */
export type ConfigRule = (values: Readonly<Record<string, unknown>>) => string | undefined;

export function loadConfig<S extends Record<string, Setting<unknown>>>(
  spec: S,
  env: Readonly<Record<string, string | undefined>> = process.env,
  rules: readonly ConfigRule[] = [],
): { readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never } {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(spec)) {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      if (entry.default === undefined) problems.push(`${name} is required (${entry.description})`);
      else values[name] = entry.default;
      continue;
    }
    try {
      values[name] = entry.parse(raw);
    } catch (error) {
      problems.push(`${name} ${(error as Error).message} (${entry.description})`);
    }
  }
  for (const rule of rules) {
    const problem = rule(values);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return values as never;
}

/** Connection settings every service shares, defaulting to the local stack. */
export const infrastructureSettings = {
  DATABASE_URL: setting(
    'PostgreSQL event store',
    parsers.url('postgres:', 'postgresql:'),
    'postgres://gridline:gridline@127.0.0.1:5433/gridline',
  ),
  KAFKA_BROKERS: setting('Kafka bootstrap brokers, comma-separated', parsers.list, [
    '127.0.0.1:9092',
  ]),
  KAFKA_TLS: setting(
    'TLS to the brokers with the system CAs (true/false); KAFKA_TLS_CA_FILE implies TLS',
    parsers.oneOf('true', 'false'),
    'false',
  ),
  KAFKA_TLS_CA_FILE: setting(
    "PEM file of the CA that signed the brokers' certificates",
    parsers.string,
    '',
  ),
  KAFKA_SASL_MECHANISM: setting(
    'how the service signs in to Kafka: none, scram-sha-256 or scram-sha-512 (none only in the local profile)',
    parsers.oneOf('none', 'scram-sha-256', 'scram-sha-512'),
    'none',
  ),
  KAFKA_SASL_USERNAME: setting(
    "the service's own Kafka user (e.g. gridline-swc)",
    parsers.string,
    '',
  ),
  KAFKA_SASL_PASSWORD_FILE: setting("file holding that user's password", parsers.string, ''),
  MONGO_URL: setting(
    'MongoDB (or FerretDB) read models',
    parsers.url('mongodb:'),
    'mongodb://127.0.0.1:27017/gridline',
  ),
  READ_MODEL_LISTS: setting(
    'what answers the case lists: postgres (an indexed table per read-model set, ADR 0007) or mongodb (the read-model collections, for deployments whose MongoDB uses its indexes)',
    parsers.oneOf('postgres', 'mongodb'),
    'postgres',
  ),
  EVENT_STORE: setting(
    'where events are stored; PostgreSQL keeps everything else either way',
    parsers.oneOf('postgres', 'eventstoredb'),
    'postgres',
  ),
  EVENTSTORE_URL: setting(
    'EventStoreDB/KurrentDB connection string, e.g. esdb://127.0.0.1:2113?tls=false',
    parseEventStoreUrl,
    '',
  ),
};

/**
 * Kafka signed in and encrypted outside the local profile; a SASL mechanism
 * needs its user and password file.
 */
export const kafkaSecurityRule: ConfigRule = (values) => {
  const sasl = values['KAFKA_SASL_MECHANISM'] as string | undefined;
  if (
    sasl &&
    sasl !== 'none' &&
    !(values['KAFKA_SASL_USERNAME'] && values['KAFKA_SASL_PASSWORD_FILE'])
  )
    return `KAFKA_SASL_MECHANISM=${sasl} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD_FILE`;
  if (values['GRIDLINE_PROFILE'] === 'local') return undefined;
  if (sasl === 'none')
    return 'KAFKA_SASL_MECHANISM=none is accepted only in the local profile (GRIDLINE_PROFILE=local): sign in with SCRAM';
  if (values['KAFKA_TLS'] !== 'true' && !values['KAFKA_TLS_CA_FILE'])
    return 'Kafka without TLS is accepted only in the local profile (GRIDLINE_PROFILE=local): set KAFKA_TLS_CA_FILE or KAFKA_TLS=true';
  return undefined;
};

/** The Kafka client settings of a service, its password and CA read from their files. */
export function kafkaSettingsOf(
  config: {
    readonly KAFKA_BROKERS: readonly string[];
    readonly KAFKA_TLS: 'true' | 'false';
    readonly KAFKA_TLS_CA_FILE: string;
    readonly KAFKA_SASL_MECHANISM: string;
    readonly KAFKA_SASL_USERNAME: string;
    readonly KAFKA_SASL_PASSWORD_FILE: string;
  },
  clientId: string,
): KafkaSettings {
  return {
    brokers: config.KAFKA_BROKERS,
    clientId,
    security: readKafkaSecurity({
      tls: config.KAFKA_TLS === 'true',
      tlsCaFile: config.KAFKA_TLS_CA_FILE || undefined,
      mechanism: config.KAFKA_SASL_MECHANISM,
      username: config.KAFKA_SASL_USERNAME || undefined,
      passwordFile: config.KAFKA_SASL_PASSWORD_FILE || undefined,
    }),
  };
}

/** EVENT_STORE=eventstoredb needs a server to talk to. */
export const eventStoreRule: ConfigRule = (values) =>
  values.EVENT_STORE === 'eventstoredb' && !values.EVENTSTORE_URL
    ? 'EVENTSTORE_URL is required when EVENT_STORE=eventstoredb (EventStoreDB/KurrentDB connection string, e.g. esdb://127.0.0.1:2113?tls=false)'
    : undefined;
