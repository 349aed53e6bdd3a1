import { randomUUID } from 'node:crypto';
import { deadLetterTopic } from '@gridline/contracts';
import { inboundTopic, KafkaNames } from '@gridline/messaging';
import {
  clientCredentials,
  decodeJwtHeader,
  refreshGrant,
  TokenError,
} from '@gridline/keycloak-admin';
import {
  client,
  createTestIdentity,
  createTestRealm,
  eventually,
  startApps,
  stopApps,
  testInfra,
  TEST_DIRECT_CLIENT,
  type AppName,
  type RunningApp,
  type TestRealm,
  ownerKafkaConfig,
} from '@gridline/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import pg from 'pg';

/**
 * The platform with a real identity provider: a Keycloak realm made from
 * deploy/keycloak/gridline-realm.json. The services verify its tokens by its
 * JWKS; a disabled account cannot refresh and its last token dies with its
 * lifetime; signing keys rotate without a restart; a department system signs in
 * with client credentials and sends an inbound command.
 */
describe('identity: Keycloak accounts and department systems', () => {
  const identity = createTestIdentity();
  const basePort = 14400;
  const accessTokenLifespan = 10;
  let realm: TestRealm;
  let apps: Map<AppName, RunningApp> | undefined;
  let producer: Producer | undefined;
  let db: pg.Pool | undefined;
  const names = new KafkaNames('e2e');
  const kafka = new Kafka({
    clientId: 'identity-e2e',
    ...ownerKafkaConfig(),
    logLevel: logLevel.NOTHING,
  });
  const gateway = () => apps!.get('gateway')!.url;

  beforeAll(async () => {
    realm = await createTestRealm({
      consoleOrigins: [`http://127.0.0.1:${basePort}`],
      accessTokenLifespan,
    });
    apps = await startApps(identity, {
      basePort,
      only: ['gateway', 'street-service'],
      env: realm.appEnv(identity),
    });
    producer = kafka.producer();
    await producer.connect();
    db = new pg.Pool({ connectionString: testInfra().databaseUrl, max: 2 });
  }, 180_000);

  afterAll(async () => {
    await producer?.disconnect();
    await db?.end();
    await stopApps(apps);
    await realm?.delete();
  });

  it("accepts a person's token from the provider, refuses a disabled account's refresh, and its last token dies with its lifetime", async () => {
    const account = await realm.user({
      username: 'swc-coord-e2e',
      agency: 'swc',
      roles: ['coordinator'],
    });
    const tokens = await realm.signIn(account.username, account.password);
    expect((await client(gateway(), tokens.access_token).get('/api/cases?limit=1')).status).toBe(
      200,
    );

    await realm.admin.setUserEnabled(realm.name, account.username, false);
    const refused = await refreshGrant(
      realm.url,
      realm.name,
      TEST_DIRECT_CLIENT,
      tokens.refresh_token!,
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TokenError);
    expect(refused).toMatchObject({ error: 'invalid_grant' });
    // The access token already issued works until it expires, then never again.
    await eventually(
      async () =>
        (await client(gateway(), tokens.access_token).get('/api/cases?limit=1')).status === 401
          ? true
          : undefined,
      (accessTokenLifespan + 10) * 1000,
      'the disabled account refused once its access token expired',
    );
  }, 60_000);

  it("forwards a person's command through the gateway to the agency service, once per Idempotency-Key", async () => {
    const account = await realm.user({
      username: 'street-worker-e2e',
      agency: 'street',
      roles: ['grid-worker'],
    });
    const { access_token } = await realm.signIn(account.username, account.password);
    const report = {
      category: 'noise',
      severity: 'low',
      location: { street: 'Desheng', community: 'Liupukang', grid: 'G-0603', description: 'gate' },
      description: `through the gateway ${randomUUID()}`,
    };
    const key = randomUUID();
    const post = (token: string | undefined, body: unknown) =>
      fetch(`${gateway()}/api/agencies/street/issues`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': key,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    const first = await post(access_token, report);
    expect(first.status).toBe(201);
    const created = (await first.json()) as { issueId: string };
    const again = await post(access_token, report);
    expect([again.status, ((await again.json()) as { issueId: string }).issueId]).toEqual([
      201,
      created.issueId,
    ]);
    const { rows } = await db!.query(
      `SELECT count(*)::int AS n FROM gridline_events WHERE event_type = 'street.issue.reported.v1' AND data->>'description' = $1`,
      [report.description],
    );
    expect(rows[0]).toEqual({ n: 1 });
    // The service's own refusals come back as they are; the gateway adds its own for no token.
    expect((await post(undefined, report)).status).toBe(401);
    const invalid = await fetch(`${gateway()}/api/agencies/street/issues`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${access_token}` },
      body: JSON.stringify({ ...report, severity: 'apocalyptic' }),
    });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(await invalid.json())).toMatch(/severity/);
    expect(
      (
        await fetch(`${gateway()}/api/agencies/street/../../health/ready`, {
          headers: { authorization: `Bearer ${access_token}` },
        })
      ).status,
    ).toBe(404);
  });

  it('verifies tokens signed with a rotated key without a restart, and still the older ones', async () => {
    const account = await realm.user({
      username: 'swc-analyst-e2e',
      agency: 'swc',
      roles: ['analyst'],
    });
    const before = await realm.signIn(account.username, account.password);
    expect((await client(gateway(), before.access_token).get('/api/cases?limit=1')).status).toBe(
      200,
    );
    const newKid = await realm.admin.rotateSigningKeys(realm.name);
    const after = await realm.signIn(account.username, account.password);
    expect(decodeJwtHeader(after.access_token)['kid']).toBe(newKid);
    expect(decodeJwtHeader(after.access_token)['kid']).not.toBe(
      decodeJwtHeader(before.access_token)['kid'],
    );
    // The JWKS is fetched again at once when a token names a key it lacks.
    expect((await client(gateway(), after.access_token).get('/api/cases?limit=1')).status).toBe(
      200,
    );
    expect((await client(gateway(), before.access_token).get('/api/cases?limit=1')).status).toBe(
      200,
    );
  }, 60_000);

  it("lets a department system sign in with client credentials and send an inbound command; another agency's system is dead-lettered", async () => {
    const secret = await realm.admin.clientSecret(realm.name, 'street-system');
    const street = await clientCredentials(realm.url, realm.name, 'street-system', secret);
    const drc = await clientCredentials(
      realm.url,
      realm.name,
      'drc-system',
      await realm.admin.clientSecret(realm.name, 'drc-system'),
    );
    const description = `hotline ${randomUUID()}`;
    const send = (token: string, id: string) =>
      producer!.send({
        topic: names.topic(inboundTopic('street')),
        messages: [
          {
            key: id,
            value: JSON.stringify({
              category: 'noise',
              severity: 'low',
              location: {
                street: 'Desheng',
                community: 'Liupukang',
                grid: 'G-0603',
                description: 'gate',
              },
              description,
              reporterContact: '+86 10 0000 0000',
            }),
            headers: {
              ce_specversion: '1.0',
              ce_id: id,
              ce_source: '/hotline/12345',
              ce_type: 'gridline.street.report-issue.v1',
              'content-type': 'application/json',
              authorization: `Bearer ${token}`,
            },
          },
        ],
      });
    const foreignId = randomUUID();
    await send(drc.access_token, foreignId);
    await send(street.access_token, randomUUID());
    await eventually(
      async () => {
        const { rows } = await db!.query(
          `SELECT 1 FROM gridline_events WHERE event_type = 'street.issue.reported.v1' AND data->>'description' = $1`,
          [description],
        );
        return rows.length === 1 ? true : undefined;
      },
      60_000,
      'the report from the street system stored once',
    );
    const dead = await deadLetter(foreignId);
    expect(dead).toMatchObject({ kind: 'forbidden' });
    expect(dead.reason).toMatch(/drc cannot send commands to street/);
  }, 90_000);

  /** The dead letter of one inbound message, read from the street's inbound dead-letter topic. */
  async function deadLetter(id: string): Promise<{ kind: string; reason: string }> {
    const consumer = kafka.consumer({ groupId: `identity-e2e-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({
      topic: deadLetterTopic(names.topic(inboundTopic('street'))),
      fromBeginning: true,
    });
    try {
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no dead letter for ${id} in 60 s`)),
          60_000,
        );
        void consumer.run({
          eachMessage: ({ message }) => {
            const headers = Object.fromEntries(
              Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? '']),
            );
            if (headers['ce_id'] !== id) return Promise.resolve();
            clearTimeout(timer);
            resolve({ kind: headers['dlq_kind'] ?? '', reason: headers['dlq_reason'] ?? '' });
            return Promise.resolve();
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
  }
});
