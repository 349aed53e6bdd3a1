import { randomUUID } from 'node:crypto';
import { agencyEventsTopic, agencyInboundTopic, deadLetterTopic } from '@gridline/contracts';
import {
  ensureTopics,
  KafkaNames,
  kafkaUserName,
  revokeKafkaAccess,
  type KafkaUser,
} from '@gridline/messaging';
import { TIMELINE_FEED_TOPIC } from '@gridline/read-models';
import {
  ensureKafkaAccess,
  ownerKafkaConfig,
  testKafkaAccessPlan,
  userKafkaConfig,
  type KafkaClientConfig,
} from '@gridline/testing';
import kafkajs from 'kafkajs';
import type { Kafka as KafkaClient } from 'kafkajs';

const {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  logLevel,
  ResourcePatternTypes,
} = kafkajs;

/**
 * Kafka is protected (docs/security.md, "Kafka"): against the real broker of the
 * local stack, which takes SASL/SCRAM-SHA-512 over TLS and denies by default, a
 * client without credentials, with a wrong password or with another service's
 * password is refused; each app's user may produce only to its own agency's
 * topic (and the dead-letter topics of what it reads), read only what it
 * consumes, and neither make topics nor change rights.
 */
const names = new KafkaNames(`kafka-acl-${randomUUID().slice(0, 8)}`);
const events = (agency: 'swc' | 'drc' | 'street') => names.topic(agencyEventsTopic(agency));
const clients: KafkaClient[] = [];

/**
 * A client that gives up soon: a refusal is not retried by kafkajs anyway, and a
 * few quick retries ride over a group coordinator that is still loading.
 */
function client(config: KafkaClientConfig): KafkaClient {
  const answers: string[] = [];
  const kafka = new Kafka({
    ...config,
    clientId: 'kafka-access-test',
    // kafkajs folds some of the broker's answers into errors of its own (a refused
    // FindCoordinator becomes "Failed to find group coordinator"); its debug log
    // keeps the broker's error code, which `refusal` then reports.
    logLevel: logLevel.DEBUG,
    logCreator: () => (entry) => {
      const type = (entry.log['error'] as { type?: string } | undefined)?.type;
      if (type) answers.push(type);
    },
    retry: { retries: 3, initialRetryTime: 200 },
    connectionTimeout: 5_000,
    authenticationTimeout: 5_000,
  });
  clients.push(kafka);
  brokerAnswers.set(kafka, answers);
  return kafka;
}

const brokerAnswers = new WeakMap<KafkaClient, string[]>();

const as = (user: KafkaUser) => client(userKafkaConfig(user));

/** Produces one message to `topic`; resolves to the refusal's type, or 'sent'. */
async function produce(kafka: KafkaClient, topic: string): Promise<string> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  try {
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'probe' }] });
    return 'sent';
  } catch (error) {
    return refusal(error);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

/** Reads `topic` from the start in `group`; resolves to the refusal's type, or 'read'. */
async function consume(kafka: KafkaClient, topic: string, group: string): Promise<string> {
  const consumer = kafka.consumer({ groupId: group, retry: { retries: 3, initialRetryTime: 200 } });
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const got = new Promise<string>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
      void consumer.run({ eachMessage: () => Promise.resolve(resolve('read')) }).catch(reject);
    });
    return await Promise.race([
      got,
      new Promise<string>((r) => (timer = setTimeout(() => r('nothing within 20 s'), 20_000))),
    ]);
  } catch (error) {
    const answer = brokerAnswers.get(kafka)?.find((t) => t.endsWith('_AUTHORIZATION_FAILED'));
    return answer ?? refusal(error);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
  }
}

/** The broker's error code (e.g. TOPIC_AUTHORIZATION_FAILED), or the client's error name. */
function refusal(error: unknown): string {
  const e = error as { type?: string; name?: string; cause?: unknown; message?: string };
  if (e.type) return e.type;
  if (e.cause) return refusal(e.cause);
  return `${e.name ?? 'Error'}: ${e.message ?? ''}`;
}

async function signsIn(kafka: KafkaClient): Promise<string> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return 'signed in';
  } catch (error) {
    return refusal(error);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

beforeAll(async () => {
  await ensureKafkaAccess(names.namespace);
  // Something to read on the topics the consumers below try.
  const owner = client(ownerKafkaConfig());
  for (const topic of [events('drc'), names.topic(TIMELINE_FEED_TOPIC)])
    expect(await produce(owner, topic)).toBe('sent');
}, 60_000);

afterAll(async () => {
  const admin = client(ownerKafkaConfig()).admin();
  await admin.connect();
  const ours = (await admin.listTopics()).filter((t) => t.startsWith(`${names.namespace}.`));
  await admin.deleteTopics({ topics: ours });
  await admin.disconnect();
  await revokeKafkaAccess(client(ownerKafkaConfig()), testKafkaAccessPlan(names));
});

describe('signing in to Kafka', () => {
  it('refuses a client without TLS: the port speaks TLS only', async () => {
    const { brokers } = ownerKafkaConfig();
    // The broker closes a connection that does not start with a TLS handshake.
    expect(await signsIn(client({ brokers }))).toMatch(/ConnectionClosed|Closed connection/);
  });

  it("refuses TLS that does not trust the local CA (the broker's certificate is checked)", async () => {
    const { brokers, sasl } = ownerKafkaConfig();
    const result = await signsIn(client({ brokers, ssl: true, ...(sasl ? { sasl } : {}) }));
    expect(result).toMatch(/self-signed certificate/);
  });

  it('refuses TLS without a SASL sign-in', async () => {
    const { brokers, ssl } = ownerKafkaConfig();
    // A request before the SASL handshake ends the connection.
    expect(await signsIn(client({ brokers, ...(ssl ? { ssl } : {}) }))).toMatch(
      /Closed connection/,
    );
  });

  it("refuses a wrong password, and one service's name with another's password", async () => {
    const swc = userKafkaConfig('swc');
    const drc = userKafkaConfig('drc');
    const wrong = {
      ...swc,
      sasl: { ...swc.sasl, password: 'not-the-password' },
    } as KafkaClientConfig;
    const borrowed = {
      ...swc,
      sasl: { ...swc.sasl, username: kafkaUserName('drc') },
    } as KafkaClientConfig;
    expect(await signsIn(client(wrong))).toMatch(/SASL|Authentication|auth/i);
    expect(await signsIn(client(borrowed))).toMatch(/SASL|Authentication|auth/i);
    // The right pair does sign in: the refusals above are about the credentials.
    expect(await signsIn(client(drc))).toBe('signed in');
  });
});

describe("each app's rights (ACLs, deny by default)", () => {
  it("lets an agency produce to its own events topic and to no other agency's", async () => {
    expect(await produce(as('swc'), events('swc'))).toBe('sent');
    expect(await produce(as('swc'), events('drc'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await produce(as('street'), events('swc'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    // Its own inbound commands come from the departments, not from itself.
    expect(await produce(as('drc'), names.topic(agencyInboundTopic('drc')))).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
    // A message it cannot handle goes to the dead-letter twin of where it came from.
    expect(await produce(as('swc'), deadLetterTopic(events('drc')))).toBe('sent');
  }, 60_000);

  it('lets the projector and the gateway publish no domain event', async () => {
    for (const agency of ['swc', 'drc', 'street'] as const) {
      expect(await produce(as('projector'), events(agency))).toBe('TOPIC_AUTHORIZATION_FAILED');
      expect(await produce(as('gateway'), events(agency))).toBe('TOPIC_AUTHORIZATION_FAILED');
    }
    expect(await produce(as('projector'), names.topic(TIMELINE_FEED_TOPIC))).toBe('sent');
    expect(await produce(as('gateway'), names.topic(TIMELINE_FEED_TOPIC))).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
  }, 60_000);

  it('lets department systems send commands, and nothing else', async () => {
    expect(await produce(as('department'), names.topic(agencyInboundTopic('street')))).toBe('sent');
    expect(await produce(as('department'), events('street'))).toBe('TOPIC_AUTHORIZATION_FAILED');
  }, 60_000);

  it('lets each read what it consumes, in groups of its own name only', async () => {
    expect(await consume(as('swc'), events('drc'), names.group(`swc-probe-${randomUUID()}`))).toBe(
      'read',
    );
    // Another app's consumer group is not its to join.
    expect(
      await consume(as('swc'), events('drc'), names.group(`projector.probe-${randomUUID()}`)),
    ).toBe('GROUP_AUTHORIZATION_FAILED');
    // The gateway reads the timeline feed, not the agencies' events.
    expect(
      await consume(
        as('gateway'),
        names.topic(TIMELINE_FEED_TOPIC),
        names.group(`gateway.probe-${randomUUID()}`),
      ),
    ).toBe('read');
    expect(
      await consume(as('gateway'), events('drc'), names.group(`gateway.probe-${randomUUID()}`)),
    ).toMatch(/AUTHORIZATION_FAILED/);
    // Department systems read nothing.
    expect(
      await consume(as('department'), events('drc'), names.group(`department-${randomUUID()}`)),
    ).toMatch(/AUTHORIZATION_FAILED/);
  }, 120_000);

  it('names the command when a service meets a topic it may not make', async () => {
    const missing = names.topic(`gridline.swc.events.v9`);
    const refused = await ensureTopics(as('swc'), [events('swc'), missing]).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(refused?.name).toBe('KafkaTopicsMissing');
    expect(refused?.message).toContain('npm run gridline -- kafka-acls');
    // The topics the owner made, it finds.
    await expect(ensureTopics(as('swc'), [events('swc'), events('drc')])).resolves.toBeUndefined();
  }, 60_000);

  it('lets no app make topics or change rights', async () => {
    for (const user of ['swc', 'projector', 'gateway'] as const) {
      const admin = as(user).admin();
      await admin.connect();
      try {
        await expect(
          admin.createTopics({ topics: [{ topic: names.topic(`made-by-${user}`) }] }),
        ).rejects.toBeDefined();
        await expect(
          admin.createAcls({
            acl: [
              {
                resourceType: AclResourceTypes.TOPIC,
                resourceName: events('drc'),
                resourcePatternType: ResourcePatternTypes.LITERAL,
                principal: `User:${kafkaUserName(user)}`,
                host: '*',
                operation: AclOperationTypes.WRITE,
                permissionType: AclPermissionTypes.ALLOW,
              },
            ],
          }),
        ).rejects.toBeDefined();
      } finally {
        await admin.disconnect();
      }
    }
  }, 60_000);
});
