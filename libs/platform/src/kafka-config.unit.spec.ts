import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, kafkaSettingsOf } from './config.js';
import { loadServiceConfig } from './agency-runtime.js';

// How a service signs in to Kafka (docs/security.md, "Kafka"): SASL/SCRAM over TLS,
// required outside the local profile; the password and the CA come from files.
const base = {
  JWT_ISSUER: 'https://id.example/realms/gridline',
  JWT_AUDIENCE: 'gridline',
  JWT_PUBLIC_KEY_FILE: '/run/secrets/jwt.pem',
};
const scram = {
  KAFKA_SASL_MECHANISM: 'scram-sha-512',
  KAFKA_SASL_USERNAME: 'gridline-swc',
  KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka-password',
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadServiceConfig(3000, { ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('Kafka settings', () => {
  it('refuses, outside the local profile, a service that would not sign in', () => {
    expect(problemsOf({ KAFKA_TLS: 'true' })).toEqual([
      expect.stringMatching(/^KAFKA_SASL_MECHANISM=none is accepted only in the local profile/),
    ]);
  });

  it('refuses, outside the local profile, a plaintext connection', () => {
    expect(problemsOf(scram)).toEqual([
      expect.stringMatching(/^Kafka without TLS is accepted only in the local profile/),
    ]);
    expect(problemsOf({ ...scram, KAFKA_TLS: 'true' })).toEqual([]);
    expect(problemsOf({ ...scram, KAFKA_TLS_CA_FILE: '/run/secrets/kafka-ca.pem' })).toEqual([]);
  });

  it('accepts a plaintext, anonymous broker in the local profile only', () => {
    expect(
      problemsOf({ GRIDLINE_PROFILE: 'local', JWT_JWKS_URL: '', PII_MASTER_KEY_FILE: '' }),
    ).toEqual([]);
  });

  it('needs a user and a password file with a SASL mechanism, and knows only SCRAM', () => {
    expect(problemsOf({ KAFKA_TLS: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toEqual([
      'KAFKA_SASL_MECHANISM=scram-sha-512 needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD_FILE',
    ]);
    expect(problemsOf({ ...scram, KAFKA_TLS: 'true', KAFKA_SASL_MECHANISM: 'plain' })).toEqual([
      expect.stringMatching(
        /^KAFKA_SASL_MECHANISM must be one of none, scram-sha-256, scram-sha-512/,
      ),
    ]);
  });

  it('reads the password and the CA from their files, and names a file it cannot read', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kafka-config-'));
    writeFileSync(path.join(dir, 'password'), 's3cret\n');
    writeFileSync(path.join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
    const config = loadServiceConfig(3000, {
      ...base,
      ...scram,
      KAFKA_SASL_PASSWORD_FILE: path.join(dir, 'password'),
      KAFKA_TLS_CA_FILE: path.join(dir, 'ca.pem'),
    });
    expect(kafkaSettingsOf(config, 'swc-service')).toEqual({
      brokers: ['127.0.0.1:9092'],
      clientId: 'swc-service',
      security: {
        tls: { ca: '-----BEGIN CERTIFICATE-----\n' },
        sasl: { mechanism: 'scram-sha-512', username: 'gridline-swc', password: 's3cret' },
      },
    });
    const missing = loadServiceConfig(3000, { ...base, ...scram, KAFKA_TLS: 'true' });
    expect(() => kafkaSettingsOf(missing, 'swc-service')).toThrow(
      /KAFKA_SASL_PASSWORD_FILE \/run\/secrets\/kafka-password cannot be read/,
    );
  });
});
