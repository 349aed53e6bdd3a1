import { randomUUID } from 'node:crypto';
import { deadLetterTopic } from '@gridline/contracts';
import { inboundTopic, KafkaNames } from '@gridline/messaging';
import {
  createTestIdentity,
  eventually,
  startApps,
  stopApps,
  testInfra,
  type AppName,
  type RunningApp,
  ownerKafkaConfig,
} from '@gridline/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import pg from 'pg';

/**
 * Department systems send CloudEvents to `gridline.inbound.<agency>.v1`: a
 * hotline complaint to the street offices (binary mode), a monitoring system's
 * risk signal to the DRC (structured mode). Each is authenticated, validated and
 * executed once; anything else is dead-lettered with the reason.
 */
describe('inbound CloudEvents from department systems', () => {
  let apps: Map<AppName, RunningApp> | undefined;
  let producer: Producer;
  let db: pg.Pool;
  const identity = createTestIdentity();
  const names = new KafkaNames('e2e');
  const kafka = new Kafka({
    clientId: 'inbound-e2e',
    ...ownerKafkaConfig(),
    logLevel: logLevel.NOTHING,
  });

  beforeAll(async () => {
    apps = await startApps(identity, { basePort: 14200 });
    producer = kafka.producer();
    await producer.connect();
    db = new pg.Pool({ connectionString: testInfra().databaseUrl, max: 2 });
  });
  afterAll(async () => {
    await producer?.disconnect();
    await db?.end();
    await stopApps(apps);
  });

  /** A department system's token, granted its agency's inbound commands as scopes unless told otherwise. */
  const token = (
    agency: 'street' | 'drc',
    roles: ('service' | 'grid-worker')[],
    scopes: string[] = [
      `gridline.${agency}.report-issue.v1`,
      `gridline.${agency}.issue-warning.v1`,
    ],
  ) => identity.token({ sub: `system-${agency}`, agency, roles, scopes });
  const report = (description: string) => ({
    category: 'noise',
    severity: 'low',
    location: { street: 'Desheng', community: 'Liupukang', grid: 'G-0603', description: 'gate' },
    description,
    reporterContact: '+86 10 0000 0000',
  });
  const binary = (
    agency: 'street' | 'drc',
    type: string,
    data: unknown,
    headers: Record<string, string>,
    id: string = randomUUID(),
  ) =>
    producer.send({
      topic: names.topic(inboundTopic(agency)),
      messages: [
        {
          key: id,
          value: JSON.stringify(data),
          headers: {
            ce_specversion: '1.0',
            ce_id: id,
            ce_source: '/hotline/12345',
            ce_type: type,
            'content-type': 'application/json',
            ...headers,
          },
        },
      ],
    });
  const storedWith = async (type: string, description: string) =>
    (
      await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM gridline_events WHERE event_type = $1 AND data->>'description' = $2`,
        [type, description],
      )
    ).rows[0]?.n;

  it('turns a hotline complaint (binary mode) into a reported issue, once however often it arrives', async () => {
    const description = `Hotline complaint ${randomUUID()}`;
    const id = randomUUID();
    const auth = { authorization: `Bearer ${await token('street', ['service'])}` };
    await binary('street', 'gridline.street.report-issue.v1', report(description), auth, id);
    await binary('street', 'gridline.street.report-issue.v1', report(description), auth, id);
    await eventually(
      async () =>
        (await storedWith('street.issue.reported.v1', description)) === '1' ? true : undefined,
      60_000,
      'the issue reported',
    );
    // SWC opens the case as for any report; and the redelivery changed nothing.
    const { rows } = await db.query<{ case_id: string; source: string }>(
      `SELECT metadata->>'caseId' AS case_id, data->>'source' AS source FROM gridline_events
        WHERE event_type = 'street.issue.reported.v1' AND data->>'description' = $1`,
      [description],
    );
    expect(rows[0]?.source).toBe('resident-complaint');
    await eventually(
      async () => {
        const opened = await db.query(
          `SELECT 1 FROM gridline_events WHERE event_type = 'swc.case.opened.v1' AND metadata->>'caseId' = $1`,
          [rows[0]?.case_id],
        );
        return opened.rowCount === 1 ? true : undefined;
      },
      60_000,
      'SWC opened the case',
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await storedWith('street.issue.reported.v1', description)).toBe('1');
  });

  it('turns a risk signal (structured mode) into a DRC warning', async () => {
    const description = `Vegetable prices 40% above baseline in the market hall ${randomUUID()}`;
    const id = randomUUID();
    await producer.send({
      topic: names.topic(inboundTopic('drc')),
      messages: [
        {
          key: id,
          value: JSON.stringify({
            specversion: '1.0',
            id,
            source: '/economic-monitoring',
            type: 'gridline.drc.issue-warning.v1',
            time: new Date().toISOString(),
            datacontenttype: 'application/json',
            data: {
              kind: 'price-anomaly',
              level: 'yellow',
              area: { street: 'Desheng' },
              description,
            },
          }),
          headers: {
            'content-type': 'application/cloudevents+json; charset=utf-8',
            authorization: `Bearer ${await token('drc', ['service'])}`,
          },
        },
      ],
    });
    await eventually(
      async () => {
        const { rows } = await db.query(
          `SELECT event_type FROM gridline_events WHERE stream_id LIKE 'drc-%' AND data->>'description' = $1`,
          [description],
        );
        return rows.length === 1 ? rows : undefined;
      },
      60_000,
      'the warning issued',
    );
  });

  it('turns a matter found by another system into a coordinated SWC case', async () => {
    const category = `petition-${randomUUID().slice(0, 8)}`;
    const id = randomUUID();
    await producer.send({
      topic: names.topic(inboundTopic('swc')),
      messages: [
        {
          key: id,
          value: JSON.stringify({ category, severity: 'medium', location: { street: 'Desheng' } }),
          headers: {
            ce_specversion: '1.0',
            ce_id: id,
            ce_source: '/district-petition-office',
            ce_type: 'gridline.swc.open-case.v1',
            authorization: `Bearer ${await identity.token({ sub: 'petitions', agency: 'swc', roles: ['service'], scopes: ['gridline.swc.open-case.v1'] })}`,
          },
        },
      ],
    });
    await eventually(
      async () => {
        const { rows } = await db.query(
          `SELECT 1 FROM gridline_events WHERE event_type = 'swc.case.opened.v1' AND data->>'category' = $1`,
          [category],
        );
        return rows.length === 1 ? true : undefined;
      },
      60_000,
      'the case opened',
    );
  });

  it('dead-letters what it cannot accept, with the reason, and goes on', async () => {
    const street = await token('street', ['service']);
    const cases: { id: string; kind: string; send: (id: string) => Promise<unknown> }[] = [
      {
        id: randomUUID(),
        kind: 'unauthenticated',
        send: (id) => binary('street', 'gridline.street.report-issue.v1', report('x'), {}, id),
      },
      {
        id: randomUUID(),
        kind: 'unauthenticated',
        send: (id) =>
          binary(
            'street',
            'gridline.street.report-issue.v1',
            report('x'),
            { authorization: 'Bearer not-a-token' },
            id,
          ),
      },
      {
        id: randomUUID(),
        kind: 'forbidden',
        send: async (id) =>
          binary(
            'street',
            'gridline.street.report-issue.v1',
            report('x'),
            { authorization: `Bearer ${await token('drc', ['service'])}` },
            id,
          ),
      },
      {
        id: randomUUID(),
        kind: 'forbidden',
        send: async (id) =>
          binary(
            'street',
            'gridline.street.report-issue.v1',
            report('x'),
            { authorization: `Bearer ${await token('street', ['grid-worker'])}` },
            id,
          ),
      },
      {
        id: randomUUID(),
        kind: 'forbidden',
        // A street system granted other commands than this one.
        send: async (id) =>
          binary(
            'street',
            'gridline.street.report-issue.v1',
            report('x'),
            {
              authorization: `Bearer ${await token('street', ['service'], ['gridline.street.other.v1'])}`,
            },
            id,
          ),
      },
      {
        id: randomUUID(),
        kind: 'unknown-type',
        send: (id) =>
          binary(
            'street',
            'gridline.street.close-everything.v1',
            {},
            { authorization: `Bearer ${street}` },
            id,
          ),
      },
      {
        id: randomUUID(),
        kind: 'invalid',
        send: (id) =>
          binary(
            'street',
            'gridline.street.report-issue.v1',
            { ...report('x'), severity: 'apocalyptic' },
            { authorization: `Bearer ${street}` },
            id,
          ),
      },
      {
        id: randomUUID(),
        kind: 'malformed',
        send: (id) =>
          producer.send({
            topic: names.topic(inboundTopic('street')),
            messages: [{ key: id, value: 'not a cloud event', headers: { ce_id: id } }],
          }),
      },
    ];
    for (const c of cases) await c.send(c.id);

    const letters = new Map<string, { kind: string; reason: string; token: boolean }>();
    const consumer = kafka.consumer({ groupId: `inbound-dlq-check-${randomUUID()}` });
    await consumer.connect();
    try {
      await consumer.subscribe({
        topic: deadLetterTopic(names.topic(inboundTopic('street'))),
        fromBeginning: true,
      });
      await consumer.run({
        eachMessage: ({ message }) => {
          const h = (name: string) => message.headers?.[name]?.toString() ?? '';
          letters.set(h('ce_id'), {
            kind: h('dlq_kind'),
            reason: h('dlq_reason'),
            token: message.headers?.['authorization'] !== undefined,
          });
          return Promise.resolve();
        },
      });
      await eventually(
        () => Promise.resolve(cases.every((c) => letters.has(c.id)) ? true : undefined),
        60_000,
        'every refused message in the dead-letter topic',
      );
    } finally {
      await consumer.disconnect();
    }
    for (const c of cases) {
      const letter = letters.get(c.id);
      expect({ id: c.id, kind: letter?.kind }).toEqual({ id: c.id, kind: c.kind });
      expect(letter?.reason).not.toBe('');
      expect(letter?.token).toBe(false); // the bearer token is not kept
    }
    expect(letters.get(cases.find((c) => c.kind === 'invalid')?.id ?? '')?.reason).toMatch(
      /severity/,
    );

    // And a good message after the bad ones still goes through.
    const description = `After the poison ${randomUUID()}`;
    await binary('street', 'gridline.street.report-issue.v1', report(description), {
      authorization: `Bearer ${street}`,
    });
    await eventually(
      async () =>
        (await storedWith('street.issue.reported.v1', description)) === '1' ? true : undefined,
      60_000,
      'the good message after the bad ones',
    );
  });
});
