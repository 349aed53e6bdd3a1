import { Parser } from '@asyncapi/parser';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { createSchemaValidator, eventSchemas } from '@gridline/contracts';
import {
  createTestIdentity,
  eventually,
  startApps,
  stopApps,
  type AppName,
  type RunningApp,
  ownerKafkaConfig,
} from '@gridline/testing';

/** The parser's diagnostics use @stoplight/types' severities, where 0 is an error. */
const isError = (d: { severity: number }) => d.severity === 0;

/**
 * The contracts other systems read: every event's JSON Schema served by the
 * gateway, the `dataschema` of a real CloudEvent on Kafka pointing at it (and
 * its data valid against what is served there), and the AsyncAPI document.
 */
describe('published contracts', () => {
  let apps: Map<AppName, RunningApp> | undefined;
  const identity = createTestIdentity();
  const basePort = 14700;
  const gatewayUrl = `http://127.0.0.1:${basePort}`;
  const schemaBase = `${gatewayUrl}/api/schemas/`;

  beforeAll(async () => {
    apps = await startApps(identity, {
      basePort,
      only: ['street-service', 'gateway'],
      env: { SCHEMA_BASE_URL: schemaBase },
    });
  });

  afterAll(async () => {
    await stopApps(apps);
  });

  const get = async (path: string) => {
    const response = await fetch(`${gatewayUrl}${path}`);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: await response.json(),
    };
  };

  it('lists every event type with its schema address, without a token', async () => {
    const { status, body } = await get('/api/schemas');
    expect(status).toBe(200);
    const { schemas } = body as { schemas: { type: string; dataschema: string }[] };
    expect(schemas.map((s) => s.type)).toEqual(Object.keys(eventSchemas).sort());
    for (const entry of schemas) expect(entry.dataschema).toBe(`${schemaBase}${entry.type}`);
  });

  it('serves each schema at its own address, as draft-07 with that address as $id', async () => {
    for (const type of Object.keys(eventSchemas)) {
      const { status, type: contentType, body } = await get(`/api/schemas/${type}`);
      expect(status).toBe(200);
      expect(contentType).toMatch(/^application\/schema\+json/);
      expect(body).toMatchObject({
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: `${schemaBase}${type}`,
        required: (eventSchemas[type as keyof typeof eventSchemas] as { required: unknown })
          .required,
      });
    }
  });

  it('answers 404 for an unknown event type and 400 for a name that is not a wire name', async () => {
    const unknown = await get('/api/schemas/street.issue.vanished.v1');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({
      message: expect.stringContaining('no event type') as unknown,
    });
    const malformed = await get('/api/schemas/not-a-wire-name');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({
      message: expect.stringContaining('is not a wire name') as unknown,
    });
  });

  it('serves an AsyncAPI 3 document that @asyncapi/parser accepts, pointing at the served schemas', async () => {
    const { status, body } = await get('/api/asyncapi.json');
    expect(status).toBe(200);
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(body));
    expect(diagnostics.filter((d) => isError(d))).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    const reported = document
      ?.messages()
      .all()
      .find((m) => m.name() === 'street.issue.reported.v1');
    expect(reported?.externalDocs()?.url()).toBe(`${schemaBase}street.issue.reported.v1`);
  });

  describe('a CloudEvent on Kafka', () => {
    let consumer: Consumer | undefined;
    afterAll(async () => {
      await consumer?.disconnect();
    });

    it('names in dataschema the served schema, and its data is valid against it', async () => {
      const seen = new Map<string, { headers: Record<string, string>; value: string }>();
      const kafka = new Kafka({
        clientId: 'contracts-e2e',
        ...ownerKafkaConfig(),
        logLevel: logLevel.NOTHING,
      });
      consumer = kafka.consumer({ groupId: `contracts-e2e-${Date.now()}` });
      await consumer.connect();
      await consumer.subscribe({ topics: ['e2e.gridline.street.events.v1'], fromBeginning: false });
      const joined = new Promise<void>((resolve) =>
        consumer?.on(consumer.events.GROUP_JOIN, () => resolve()),
      );
      await consumer.run({
        eachMessage: ({ message }) => {
          const headers = Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? '']),
          );
          seen.set(headers['ce_subject'] ?? '', {
            headers,
            value: message.value?.toString() ?? '',
          });
          return Promise.resolve();
        },
      });
      await joined;

      const worker = await identity.token({
        sub: 'worker-contracts',
        agency: 'street',
        roles: ['grid-worker'],
      });
      const response = await fetch(`${apps?.get('street-service')?.url ?? ''}/api/issues`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${worker}` },
        body: JSON.stringify({
          category: 'street-vending',
          location: {
            street: 'Xinjiekou',
            community: 'Zhaodengyu',
            grid: 'G-0312',
            description: 'school gate',
          },
          description: 'Unlicensed vending near the school gate',
          severity: 'medium',
        }),
      });
      expect(response.status).toBe(201);
      const { caseId } = (await response.json()) as { caseId: string };

      const message = await eventually(
        () => Promise.resolve(seen.get(caseId)),
        30_000,
        'the report on Kafka',
      );
      expect(message.headers['ce_type']).toBe('street.issue.reported.v1');
      expect(message.headers['ce_dataschema']).toBe(`${schemaBase}street.issue.reported.v1`);

      const schema = (await (await fetch(message.headers['ce_dataschema'] ?? '')).json()) as object;
      const validate = createSchemaValidator().compile(schema);
      expect(validate(JSON.parse(message.value))).toBe(true);
      expect(validate({ ...(JSON.parse(message.value) as object), unexpected: true })).toBe(false);
    });
  });
});
