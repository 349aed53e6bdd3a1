import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KafkaConfig } from 'kafkajs';
import {
  applyKafkaAccess,
  createKafka,
  kafkaAccessPlan,
  kafkajsSecurity,
  KafkaNames,
  kafkaSecurityFromEnv,
  kafkaUserName,
  silentLogger,
  type KafkaAccessPlan,
  type KafkaUser,
} from '@gridline/messaging';
import { testInfra } from './infra.js';

/**
 * Kafka for the tests: the local stack's broker takes SASL/SCRAM over TLS and
 * ACLs (deploy/local/lib/kafka.sh). The tests themselves sign in as the owner
 * (KAFKA_SASL_* of `stack.sh env`, a super user) to read and write any topic;
 * the apps they start sign in as their own users, with the rights
 * `gridline kafka-acls` grants them (libs/messaging/src/access.ts).
 */

/** The connection part of kafkajs settings. */
export type KafkaClientConfig = Pick<KafkaConfig, 'brokers' | 'ssl' | 'sasl'>;

/** kafkajs settings of the owner, to spread into `new Kafka({...})`. */
export function ownerKafkaConfig(): KafkaClientConfig {
  return {
    brokers: [...testInfra().kafkaBrokers],
    ...kafkajsSecurity(kafkaSecurityFromEnv(process.env)),
  };
}

/** The owner's security settings, for `createKafka({ brokers, clientId, security })`. */
export const ownerKafkaSecurity = () => kafkaSecurityFromEnv(process.env);

/**
 * The KAFKA_* variables an app of the tests gets: its own user (gridline-<user>,
 * password in KAFKA_CREDENTIALS_DIR), or none when the stack printed no
 * credentials (a broker without SASL).
 */
export function appKafkaEnv(user: KafkaUser): Record<string, string> {
  const dir = process.env['KAFKA_CREDENTIALS_DIR'];
  const mechanism = process.env['KAFKA_SASL_MECHANISM'];
  return {
    ...(process.env['KAFKA_TLS_CA_FILE']
      ? { KAFKA_TLS_CA_FILE: process.env['KAFKA_TLS_CA_FILE'] }
      : {}),
    ...(dir && mechanism && mechanism !== 'none'
      ? {
          KAFKA_SASL_MECHANISM: mechanism,
          KAFKA_SASL_USERNAME: kafkaUserName(user),
          KAFKA_SASL_PASSWORD_FILE: path.join(dir, kafkaUserName(user)),
        }
      : {}),
  };
}

/** kafkajs settings of an app's user (to try what it may and may not do). */
export function userKafkaConfig(user: KafkaUser): KafkaClientConfig {
  const dir = process.env['KAFKA_CREDENTIALS_DIR'];
  if (!dir) throw new Error('KAFKA_CREDENTIALS_DIR is not set: `stack.sh env` prints it');
  const owner = ownerKafkaConfig();
  return {
    ...owner,
    sasl: {
      mechanism: 'scram-sha-512',
      username: kafkaUserName(user),
      password: readFileSync(path.join(dir, kafkaUserName(user)), 'utf8').trim(),
    },
  };
}

/** The platform's topics and rights under `names`, as `gridline kafka-acls` grants them. */
export function testKafkaAccessPlan(names: KafkaNames): KafkaAccessPlan {
  return kafkaAccessPlan(names);
}

const provisioned = new Map<string, Promise<unknown>>();

/** Creates a namespace's topics and grants its rights, once per namespace and test process. */
export function ensureKafkaAccess(namespace: string): Promise<unknown> {
  let done = provisioned.get(namespace);
  if (!done) {
    const kafka = createKafka(
      {
        brokers: testInfra().kafkaBrokers,
        clientId: 'test-kafka-acls',
        security: ownerKafkaSecurity(),
      },
      silentLogger,
    );
    done = applyKafkaAccess(kafka, testKafkaAccessPlan(new KafkaNames(namespace)));
    done.catch(() => provisioned.delete(namespace));
    provisioned.set(namespace, done);
  }
  return done;
}
