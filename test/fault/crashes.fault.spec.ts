import { randomUUID } from 'node:crypto';
import { agencyEventsTopic } from '@gridline/contracts';
import { KafkaNames } from '@gridline/messaging';
import { openPostgresStore } from '@gridline/store-postgres';
import {
  client,
  createIsolatedStores,
  createTestIdentity,
  eventually,
  killApp,
  liveAndRebuilt,
  startApp,
  startApps,
  stopApps,
  type AppName,
  type IsolatedStores,
  type RunningApp,
  ownerKafkaConfig,
} from '@gridline/testing';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

type Client = ReturnType<typeof client>;

/**
 * Faults against the real servers, bounded in time: many concurrent commands on
 * one aggregate, and kill -9 of the street service, SWC and the projector while
 * reports keep coming. Afterwards every acknowledged command is in the store
 * exactly once, every reaction happened exactly once, and the consolidated
 * timeline of every case holds exactly the store's events of that case, and
 * the read models equal a fresh rebuild from the store. A store of its own, so
 * that the rebuild is exactly this history.
 */
describe('faults', () => {
  let apps: Map<AppName, RunningApp>;
  let stores: IsolatedStores;
  let db: pg.Pool;
  const identity = createTestIdentity();
  let worker: Client;
  let officer: Client;
  let coordinator: Client;
  let gateway: Client;
  const app = (name: AppName) => {
    const found = apps.get(name);
    if (!found) throw new Error(`${name} not running`);
    return found;
  };
  const report = (n: number) => ({
    category: 'littering',
    severity: 'low',
    location: {
      street: 'Desheng',
      community: 'Liupukang',
      grid: 'G-0603',
      description: `bin ${n}`,
    },
    description: `Overflowing bin number ${n}`,
  });

  beforeAll(async () => {
    stores = await createIsolatedStores('gridline_fault');
    db = new pg.Pool({ connectionString: stores.databaseUrl, max: 4 });
    apps = await startApps(identity, {
      basePort: 13800,
      env: { ...stores.env, IDEMPOTENCY_LEASE_MS: '5000' },
    });
    const as = async (name: AppName, sub: string, agency: 'swc' | 'street', roles: string[]) =>
      client(app(name).url, await identity.token({ sub, agency, roles: roles as never }));
    worker = await as('street-service', 'worker-fault', 'street', ['grid-worker']);
    officer = await as('street-service', 'officer-fault', 'street', ['officer']);
    coordinator = await as('swc-service', 'coord-fault', 'swc', ['coordinator']);
    gateway = await as('gateway', 'coord-fault', 'swc', ['coordinator']);
  });

  afterAll(async () => {
    await stopApps(apps);
    await db.end();
    await stores?.drop();
  });

  it('many concurrent commands on one assignment: every accepted one stored once, none lost', async () => {
    const { body } = await worker.post<{ caseId: string }>('/api/issues', report(0));
    const caseId = body.caseId;
    await eventually(
      async () =>
        (await coordinator.get(`/api/cases/${caseId}`)).status === 200 ? true : undefined,
      60_000,
    );
    await coordinator.post(`/api/cases/${caseId}/triage`, {
      riskLevel: 'blue',
      category: 'littering',
      leadAgency: 'street',
      coHandlers: [],
    });
    const view = await coordinator.get<{ assignments: Record<string, unknown> }>(
      `/api/cases/${caseId}`,
    );
    const assignmentId = Object.keys(view.body.assignments)[0] ?? '';
    await eventually(
      async () =>
        (await officer.get(`/api/assignments/${assignmentId}`)).status === 200 ? true : undefined,
      60_000,
    );
    expect((await officer.post(`/api/assignments/${assignmentId}/accept`)).status).toBe(200);

    const attempts = 40;
    const responses = await Promise.all(
      Array.from({ length: attempts }, (_, i) =>
        officer.post<{ eventIds?: string[] }>(`/api/assignments/${assignmentId}/progress`, {
          note: `visit ${i}`,
        }),
      ),
    );
    const accepted = responses.filter((r) => r.status === 201);
    // Optimistic concurrency with bounded retries: the rest are told to retry (409).
    expect(responses.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect(accepted.length).toBeGreaterThan(0);
    const { rows } = await db.query<{ event_id: string }>(
      `SELECT event_id FROM gridline_events WHERE stream_id = $1 AND event_type = 'street.assignment.progress-reported.v1'`,
      [`street-assignment-${assignmentId}`],
    );
    expect(rows).toHaveLength(accepted.length);
    expect(new Set(rows.map((r) => r.event_id))).toEqual(
      new Set(accepted.flatMap((r) => r.body.eventIds ?? [])),
    );
  });

  it('kill -9 of the street service, SWC and the projector under load loses and doubles nothing', async () => {
    const total = 30;
    const run = Date.now().toString(36);
    const accepted = new Map<number, string>(); // report number → case id
    let sent = 0;
    // The load: reports one after another, each retried with its Idempotency-Key
    // until it is acknowledged — through crashes of the street service.
    const load = (async () => {
      for (let n = 1; n <= total; n++) {
        sent = n;
        for (let attempt = 0; ; attempt++) {
          try {
            const r = await worker.post<{ caseId: string }>('/api/issues', report(n), {
              'idempotency-key': `fault-report-${run}-${n}`,
            });
            if (r.status === 201) {
              accepted.set(n, r.body.caseId);
              break;
            }
          } catch {
            // connection refused or reset while the service is down
          }
          if (attempt > 200) throw new Error(`report ${n} never acknowledged`);
          await new Promise((r) => setTimeout(r, 250));
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const when = (n: number) =>
      eventually(() => Promise.resolve(sent >= n ? true : undefined), 120_000);
    await when(5);
    await killApp(app('projector'));
    await when(10);
    await killApp(app('street-service'));
    await new Promise((r) => setTimeout(r, 1_500));
    await startApp(app('street-service'));
    await when(15);
    await killApp(app('swc-service'));
    await startApp(app('projector'));
    await when(20);
    await startApp(app('swc-service'));
    await load;
    expect(accepted.size).toBe(total);

    // Each acknowledged report is stored once, and SWC opened each case once.
    const caseIds = [...accepted.values()];
    const counts = async (type: string) =>
      (
        await db.query<{ case_id: string; n: string }>(
          `SELECT metadata->>'caseId' AS case_id, count(*) AS n FROM gridline_events
            WHERE event_type = $1 AND metadata->>'caseId' = ANY($2) GROUP BY 1`,
          [type, caseIds],
        )
      ).rows;
    const reports = await counts('street.issue.reported.v1');
    expect(reports).toHaveLength(total);
    expect(reports.every((r) => r.n === '1')).toBe(true);
    await eventually(
      async () => {
        const opened = await counts('swc.case.opened.v1');
        return opened.length === total ? opened : undefined;
      },
      90_000,
      'every case opened after the restarts',
    );
    expect((await counts('swc.case.opened.v1')).every((r) => r.n === '1')).toBe(true);

    // The consolidated timeline of each case is exactly the store's events of that case.
    for (const caseId of caseIds) {
      const { rows } = await db.query<{ event_id: string }>(
        `SELECT event_id FROM gridline_events WHERE metadata->>'caseId' = $1`,
        [caseId],
      );
      const stored = rows.map((r) => r.event_id).sort();
      const shown = await eventually(
        async () => {
          const r = await gateway.get<{ entries: { eventId: string }[] }>(
            `/api/cases/${caseId}/timeline`,
          );
          const ids = r.status === 200 ? r.body.entries.map((e) => e.eventId).sort() : [];
          return ids.length >= stored.length ? ids : undefined;
        },
        90_000,
        `timeline of ${caseId}`,
      );
      expect(shown).toEqual(stored);
    }

    // And the read models as a whole are what a fresh rebuild from the store gives.
    const { live, rebuilt } = await liveAndRebuilt(stores, 60_000);
    for (const key of Object.keys(live))
      expect({ [key]: rebuilt[key] }).toEqual({ [key]: live[key] });
    // The index tables hold the documents themselves (ADR 0007).
    expect(live['caseIndex']).toEqual(live['cases']);
    expect(live['workIndex']).toEqual(live['workItems']);
  }, 300_000);

  it('kill -9 of the relay mid-batch: after the restart every event is on Kafka, at most the unacknowledged batch twice', async () => {
    // Only the street service (and its relay) runs: the burst is for the relay alone.
    for (const name of ['projector', 'swc-service', 'drc-service'] as const)
      await killApp(app(name));
    const store = await openPostgresStore(stores.databaseUrl, { poolSize: 2 });
    const ids = new Set<string>();
    let first: { commit: bigint; prepare: bigint } | undefined;
    let last: { commit: bigint; prepare: bigint } | undefined;
    const caseId = randomUUID();
    try {
      // 20,000 events in four commits: about a hundred relay batches of 200.
      for (let s = 0; s < 4; s++) {
        const events = Array.from({ length: 5_000 }, (_, n) => {
          const id = randomUUID();
          ids.add(id);
          return {
            id,
            type: 'street.fault.burst.v1',
            data: { n },
            metadata: {
              caseId,
              correlationId: caseId,
              causationId: caseId,
              actor: { id: 'fault-test', agency: 'street' as const, kind: 'service' as const },
            },
            occurredAt: new Date().toISOString(),
          };
        });
        const result = await store.store
          .forWriter('street')
          .appendToStream(`street-burst-${randomUUID()}`, events);
        first ??= result.events[0]?.position;
        last = result.position;
      }
    } finally {
      await store.close();
    }
    if (!first || !last) throw new Error('nothing appended');
    const before = (a: { commit: bigint; prepare: bigint }, b: typeof a) =>
      a.commit < b.commit || (a.commit === b.commit && a.prepare < b.prepare);
    const checkpoint = async () => {
      const { rows } = await db.query<{ commit_position: string; prepare_position: string }>(
        `SELECT commit_position, prepare_position FROM gridline_checkpoints WHERE name = 'relay:street'`,
      );
      const row = rows[0];
      return row
        ? { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) }
        : undefined;
    };
    // Kill the service the moment its relay is inside the burst, not before or after.
    const at = await eventually(
      async () => {
        const cp = await checkpoint();
        return cp && !before(cp, first) && before(cp, last) ? cp : undefined;
      },
      60_000,
      'the relay inside the burst',
    );
    await killApp(app('street-service'));
    const atKill = (await checkpoint()) ?? at;
    expect(before(atKill, last)).toBe(true); // it was killed with events still to publish
    await startApp(app('street-service'));
    await eventually(
      async () => {
        const cp = await checkpoint();
        return cp && !before(cp, last) ? true : undefined;
      },
      120_000,
      'the relay through the burst after the restart',
    );

    // Read the topic from the start: every burst event at least once.
    const kafka = new Kafka({
      clientId: 'fault-check',
      ...ownerKafkaConfig(),
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `fault-check-${randomUUID()}` });
    const seen = new Map<string, number>();
    await consumer.connect();
    try {
      await consumer.subscribe({
        topic: new KafkaNames(stores.env['KAFKA_NAMESPACE']).topic(agencyEventsTopic('street')),
        fromBeginning: true,
      });
      await consumer.run({
        eachMessage: ({ message }) => {
          const id = message.headers?.['ce_id']?.toString();
          if (id && ids.has(id)) seen.set(id, (seen.get(id) ?? 0) + 1);
          return Promise.resolve();
        },
      });
      await eventually(
        () => Promise.resolve(seen.size === ids.size ? true : undefined),
        120_000,
        `all ${ids.size} burst events read back`,
      );
    } finally {
      await consumer.disconnect();
    }
    const twice = [...seen.values()].filter((n) => n > 1).length;
    expect([...seen.values()].every((n) => n <= 2)).toBe(true);
    // Only what was sent but not yet acknowledged by the checkpoint: one batch at most.
    expect(twice).toBeLessThanOrEqual(200);
  }, 300_000);
});
