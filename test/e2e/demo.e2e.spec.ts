import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { openMongo } from '@gridline/read-models';
import { readdirSync, readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import {
  client,
  createIsolatedStores,
  createTestIdentity,
  eventually,
  liveAndRebuilt,
  startApps,
  stopApps,
  type AppName,
  type IsolatedStores,
  type RunningApp,
  ownerKafkaConfig,
} from '@gridline/testing';

/**
 * Personal data as the demo makes it up: mobile numbers, ID card numbers and
 * names of enforcement subjects (scripts/demo.mjs). None may be found in clear.
 */
const PII = [
  /\+86 13\d \d{4} \d{4}/,
  /1101\d{2}19\d{10}/,
  /\b(Wang|Li|Zhang|Liu|Chen|Zhao) (Wei|Fang|Min|Jing|Lei|Qiang)\b/,
];
const piiIn = (text: string) => PII.flatMap((re) => re.exec(text)?.[0] ?? []);

const root = path.resolve(import.meta.dirname, '..', '..');

/**
 * `npm run demo` against the five apps with simulated time: it seeds two months
 * of history through the public APIs, and the events carry the simulated times.
 * A store of its own, so that a rebuild from it is exactly the demo.
 */
describe('demo command', () => {
  let apps: Map<AppName, RunningApp> | undefined;
  let stores: IsolatedStores;
  const identity = createTestIdentity();

  beforeAll(async () => {
    stores = await createIsolatedStores('gridline_demo');
    apps = await startApps(identity, {
      basePort: 13500,
      env: { ...stores.env, GRIDLINE_SIMULATED_CLOCK: 'true', GRIDLINE_PROFILE: 'local' },
    });
  });

  afterAll(async () => {
    await stopApps(apps);
    await stores?.drop();
  });

  it('seeds a multi-street, multi-month scenario that the gateway shows with its own dates', async () => {
    const seed = String(Date.now() % 100_000);
    const run = spawnSync(
      process.execPath,
      [
        'scripts/demo.mjs',
        '--base-port',
        '13500',
        '--months',
        '2',
        '--from',
        '2026-03',
        '--streets',
        '2',
        '--seed',
        seed,
      ],
      {
        cwd: root,
        encoding: 'utf8',
        env: {
          ...process.env,
          GRIDLINE_SIGNING_KEY_FILE: identity.privateKeyFile,
          JWT_ISSUER: identity.issuer,
          JWT_AUDIENCE: identity.audience,
        },
        timeout: 240_000,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const summary = /✔ demo seeded 2 months × 2 streets: (\d+) cases \((\d+) closed\)/.exec(
      run.stdout,
    );
    expect(summary).not.toBeNull();
    expect(Number(summary?.[1])).toBeGreaterThanOrEqual(12);
    expect(Number(summary?.[2])).toBeGreaterThan(0);

    // A seeded case reads back with March/April dates, not today's.
    const street = client(
      apps?.get('street-service')?.url ?? '',
      await identity.token({
        sub: 'worker-17',
        agency: 'street',
        roles: ['grid-worker', 'service'],
      }),
    );
    const reported = await street.post<{ caseId: string }>(
      '/api/issues',
      {
        category: 'littering',
        severity: 'low',
        location: {
          street: 'Xinjiekou',
          community: 'Zhaodengyu',
          grid: 'G-0312',
          description: 'bus stop',
        },
        description: 'Bags of rubbish left at the bus stop',
      },
      { 'x-gridline-time': '2026-03-15T09:30:00.000Z' },
    );
    expect(reported.status).toBe(201);
    const gateway = client(
      apps?.get('gateway')?.url ?? '',
      await identity.token({ sub: 'coord-1', agency: 'swc', roles: ['coordinator'] }),
    );
    const entries = await eventually(
      async () => {
        const r = await gateway.get<{ entries: { type: string; time: string }[] }>(
          `/api/cases/${reported.body.caseId}/timeline`,
        );
        return r.status === 200 && r.body.entries.length >= 2 ? r.body.entries : undefined;
      },
      60_000,
      'the timeline of a case reported in the past',
    );
    // The report and SWC's reaction to it both happened "then".
    expect(entries.map((e) => e.time.slice(0, 10))).toEqual(['2026-03-15', '2026-03-15']);

    // Without the service role the simulated time is refused.
    const plain = client(
      apps?.get('street-service')?.url ?? '',
      await identity.token({ sub: 'worker-18', agency: 'street', roles: ['grid-worker'] }),
    );
    const refused = await plain.post(
      '/api/issues',
      {},
      { 'x-gridline-time': '2026-03-15T09:30:00.000Z' },
    );
    expect(refused.status).toBe(403);
  });

  it('a rebuild of the demo from the event store equals the live read models', async () => {
    const { live, rebuilt, events } = await liveAndRebuilt(stores, 120_000);
    expect((live['cases'] as unknown[]).length).toBeGreaterThanOrEqual(13);
    expect(events).toBeGreaterThan(100);
    expect(Object.keys(rebuilt)).toEqual(Object.keys(live));
    for (const key of Object.keys(live))
      expect({ [key]: rebuilt[key] }).toEqual({ [key]: live[key] });
    // The index tables hold the documents themselves (ADR 0007).
    expect(live['caseIndex']).toEqual(live['cases']);
    expect(live['workIndex']).toEqual(live['workItems']);
  }, 240_000);

  it("every stream the demo wrote is hash-chained end to end, and the gateway's seal covers the whole log (`gridline verify`)", async () => {
    const admin = client(
      apps?.get('gateway')?.url ?? '',
      await identity.token({ sub: 'admin-1', agency: 'swc', roles: ['admin'] }),
    );
    const sealed = await admin.post<{ sealed: boolean; seal: { sealNo: number; events: number } }>(
      '/api/integrity/seals',
      {},
    );
    expect(sealed.status).toBe(200);
    expect(sealed.body.sealed).toBe(true);
    const cli = spawnSync(process.execPath, ['scripts/gridline.mjs', 'verify', '--json'], {
      env: {
        ...process.env,
        DATABASE_URL: stores.databaseUrl,
        LOG_SEAL_PUBLIC_KEY_FILES: identity.logSealPublicKeyFile,
      },
      encoding: 'utf8',
    });
    expect(cli.stderr).toMatch(/the event store: intact, \d+ events in \d+ streams/);
    expect(cli.stderr).toMatch(/seals over the log: intact, 1 checked/);
    expect(cli.status).toBe(0);
    const report = JSON.parse(cli.stdout) as {
      intact: boolean;
      events: number;
      streams: number;
      seals: { intact: boolean; events: number; unsealedEvents: number };
    };
    expect(report).toMatchObject({ intact: true, seals: { intact: true } });
    expect(report.events).toBeGreaterThan(100);
    expect(report.streams).toBeGreaterThan(20);
    // The seal covers every event there was when it was made (the demo had finished).
    expect(report.seals.events - report.seals.unsealedEvents).toBe(sealed.body.seal.events);
    expect(sealed.body.seal.events).toBeGreaterThan(100);
  });

  it('leaves no personal data in clear in the event store, Kafka, the read models or the logs', async () => {
    // The scanner itself finds what it looks for.
    expect(piiIn('call Zhang Wei on +86 131 2345 6789, ID 110105197812345678')).toHaveLength(3);

    const found: string[] = [];
    const scan = (where: string, text: string) =>
      found.push(...piiIn(text).map((hit) => `${where}: ${hit}`));

    // The event store: every event's data and metadata, and the key store.
    const db = new pg.Client({ connectionString: stores.databaseUrl });
    await db.connect();
    try {
      const events = await db.query<{ text: string }>(
        `SELECT data::text || metadata::text AS text FROM gridline_events`,
      );
      expect(events.rows.length).toBeGreaterThan(100);
      for (const row of events.rows) scan('event store', row.text);
      const sealed = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM gridline_events WHERE data::text LIKE '%"keyId"%'`,
      );
      expect(Number(sealed.rows[0]?.n)).toBeGreaterThan(0); // personal data was there, sealed
    } finally {
      await db.end();
    }

    // Kafka: every message of every topic of this store's namespace, dead letters included.
    const kafka = new Kafka({
      clientId: 'pii-scan',
      ...ownerKafkaConfig(),
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    const prefix = `${stores.env['KAFKA_NAMESPACE']}.`;
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    let expected = 0;
    const deadLettered: string[] = [];
    for (const topic of topics)
      for (const p of await admin.fetchTopicOffsets(topic)) {
        const held = Number(p.high) - Number(p.low);
        expected += held;
        if (topic.endsWith('.dlq') && held > 0) deadLettered.push(topic);
      }
    await admin.disconnect();
    // Nothing of the demo (the credential registry's events included) was dead-lettered.
    expect(deadLettered).toEqual([]);
    expect(expected).toBeGreaterThan(100);
    const consumer = kafka.consumer({ groupId: `pii-scan-${Date.now()}` });
    let read = 0;
    await consumer.connect();
    try {
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        eachMessage: ({ topic, message }) => {
          read++;
          const headers = Object.values(message.headers ?? {})
            .map((v) => v?.toString() ?? '')
            .join(' ');
          scan(`kafka ${topic}`, `${message.value?.toString() ?? ''} ${headers}`);
          return Promise.resolve();
        },
      });
      await eventually(
        () => Promise.resolve(read >= expected ? true : undefined),
        60_000,
        `all ${expected} messages read`,
      );
    } finally {
      await consumer.disconnect();
    }

    // The read models.
    const mongo = await openMongo(stores.mongoUrl);
    try {
      for (const { name } of await mongo.db.listCollections().toArray())
        for (const doc of await mongo.db.collection(name).find({}).toArray())
          scan(`read model ${name}`, JSON.stringify(doc));
    } finally {
      await mongo.close();
    }

    // The logs of this test's apps (test/support/apps.ts writes them to .data/test-logs).
    const logs = path.join(root, '.data', 'test-logs');
    const mine = readdirSync(logs).filter((f) => /-135\d\d\.log$/.test(f));
    expect(mine.length).toBe(5);
    for (const file of mine) scan(`log ${file}`, readFileSync(path.join(logs, file), 'utf8'));

    expect(found).toEqual([]);
  }, 180_000);
});
