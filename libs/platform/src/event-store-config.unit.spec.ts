import { ConfigError } from './config.js';
import { loadServiceConfig } from './agency-runtime.js';

const required = {
  PII_MASTER_KEY_FILE: '/run/secrets/pii-master-key',
  JWT_ISSUER: 'https://id.example/realms/gridline',
  JWT_AUDIENCE: 'gridline',
  JWT_PUBLIC_KEY_FILE: '/run/secrets/jwt.pem',
  KAFKA_SASL_MECHANISM: 'scram-sha-512',
  KAFKA_SASL_USERNAME: 'gridline-swc',
  KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka-password',
  KAFKA_TLS: 'true',
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadServiceConfig(3000, { ...required, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('choosing the event store', () => {
  it('is PostgreSQL unless told otherwise', () => {
    const config = loadServiceConfig(3000, required);
    expect(config.EVENT_STORE).toBe('postgres');
    expect(config.EVENTSTORE_URL).toBe('');
  });

  it('is EventStoreDB with EVENT_STORE=eventstoredb and its URL', () => {
    const config = loadServiceConfig(3000, {
      ...required,
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_URL: 'esdb://127.0.0.1:2113?tls=false',
    });
    expect(config).toMatchObject({
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_URL: 'esdb://127.0.0.1:2113?tls=false',
    });
  });

  it('refuses to start with eventstoredb but no EVENTSTORE_URL', () => {
    expect(problemsOf({ EVENT_STORE: 'eventstoredb' })).toEqual([
      'EVENTSTORE_URL is required when EVENT_STORE=eventstoredb (EventStoreDB/KurrentDB connection string, e.g. esdb://127.0.0.1:2113?tls=false)',
    ]);
  });

  it('refuses an unknown store and a malformed URL, with the other problems', () => {
    expect(
      problemsOf({ EVENT_STORE: 'mongodb', EVENTSTORE_URL: 'http://127.0.0.1:2113', PORT: 'x' }),
    ).toEqual([
      'EVENT_STORE must be one of postgres, eventstoredb (where events are stored; PostgreSQL keeps everything else either way)',
      'EVENTSTORE_URL must be an esdb:// or esdb+discover:// connection string (EventStoreDB/KurrentDB connection string, e.g. esdb://127.0.0.1:2113?tls=false)',
      'PORT must be a TCP port (HTTP port)',
    ]);
  });
});
