import { AGENCIES, agencyEventsTopic } from '@gridline/contracts';
import { KafkaNames } from '@gridline/messaging';
import {
  ReadModelIndexes,
  dropReadModelSet,
  openMongo,
  rebuildReadModels,
} from '@gridline/read-models';
import { openPostgresStore } from '@gridline/store-postgres';
import {
  client,
  createIsolatedStores,
  createTestIdentity,
  eventually,
  killApp,
  readModelContents,
  startApp,
  startApps,
  startInstance,
  stopApps,
  type AppName,
  type IsolatedStores,
  type RunningApp,
  scrapeMetrics,
  ownerKafkaConfig,
} from '@gridline/testing';
import { AssignerProtocol, Kafka, logLevel, type Admin } from 'kafkajs';
import type { Db } from 'mongodb';
import pg from 'pg';

type Client = ReturnType<typeof client>;

/**
 * Scale-out on one machine: two replicas of the street service (same database,
 * same consumer groups, one relay lease) and two projectors in one consumer
 * group, under concurrent load through both replicas, with one projector stopped
 * (SIGTERM) mid-load and started again, so the group rebalances twice. Once the
 * projection has caught up, the read models must equal those one projector makes
 * of the same history (the topics replayed from the start by a single projector
 * into a read-model database of its own) and those the rebuild makes from the
 * store. A store, read-model database and Kafka namespace of its own, so the
 * reference is exactly this history. docs/testing.md, "Scale test".
 */

/** Cases, created and advanced `CONCURRENCY` at a time; every other one closed. */
const CASES = 40;
const CONCURRENCY = 8;
/** Cases sharing one enforcement subject: its 721 stream carries several cases. */
const PER_SUBJECT = 4;
/** Principals the load is spread over (the write rate limit is per principal). */
const PRINCIPALS = 4;
const BASE_PORT = 14700;
const PORTS = { street2: 14713, projector2: 14714, reference: 14724 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The events each case's flow leaves in the store (event type → count). */
function expectedEvents(i: number): Record<string, number> {
  const expected: Record<string, number> = {
    'street.issue.reported.v1': 1,
    'street.issue.acknowledged.v1': 1,
    'street.issue.note-added.v1': 1,
    'street.issue.resolved.v1': 1,
    'street.enforcement.reminder-issued.v1': 1,
    'street.assignment.received.v1': 1,
    'street.assignment.accepted.v1': 1,
    'street.assignment.progress-reported.v1': 1,
    'street.assignment.completed.v1': 1,
    'swc.case.opened.v1': 1,
    'swc.case.triaged.v1': 1,
    'swc.case.assignment-made.v1': 1,
    'swc.case.assignment-accepted.v1': 1,
    'swc.case.progress-reported.v1': 1,
    'swc.case.assignment-completed.v1': 1,
  };
  if (i % PER_SUBJECT === 0) expected['street.subject.registered.v1'] = 1;
  if (i % 2 === 0)
    Object.assign(expected, {
      'swc.case.outcome-verified.v1': 1,
      'swc.case.feedback-recorded.v1': 1,
      'swc.case.closed.v1': 1,
    });
  return expected;
}
const COMMANDS = Array.from({ length: CASES }, (_, i) => {
  // report, acknowledge, reminder, note, triage, accept, progress, complete, resolve
  let n = 9;
  if (i % PER_SUBJECT === 0) n += 1; // subject registered
  if (i % 2 === 0) n += 3; // verification, feedback, close
  return n;
}).reduce((a, b) => a + b, 0);

/** Samples of one metric in a Prometheus text exposition whose labels include `labels`, summed. */
function sampleSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const [, k, v] of (match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g))
      if (k !== undefined && v !== undefined) found[k] = v;
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) sum += Number(match[3]);
  }
  return sum;
}

async function metrics(app: RunningApp): Promise<string> {
  const response = await scrapeMetrics(app);
  if (!response.ok) throw new Error(`${app.name} at ${app.url}: /metrics ${response.status}`);
  return response.text();
}

/** Commands a replica acknowledged (2xx to a POST), from its own request metrics. */
function acknowledgedPosts(text: string): number {
  let sum = 0;
  for (const status of ['200', '201', '202'])
    sum += sampleSum(text, 'gridline_http_request_duration_seconds_count', {
      method: 'POST',
      status,
    });
  return sum;
}

/** JSON with object keys sorted and arrays in a canonical order: the same facts, the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).sort().join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * Each document of two snapshots that is missing from one or differs, with its
 * differing fields.
 */
function differences(
  names: [string, string],
  a: Record<string, unknown>,
  b: Record<string, unknown>,
): { differ: string[] } {
  const differ: string[] = [];
  const clip = (s: string) => (s.length > 400 ? `${s.slice(0, 400)}…` : s);
  for (const collection of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const byId = (docs: unknown) =>
      new Map(
        // Documents by id; plain values (kept counts, statistics markers) by themselves.
        ((docs ?? []) as Record<string, unknown>[]).map(
          (d) => [canonical(typeof d === 'object' ? d['_id'] : d), d] as const,
        ),
      );
    const left = byId(a[collection]);
    const right = byId(b[collection]);
    for (const [id, doc] of left) {
      const other = right.get(id);
      if (!other) {
        differ.push(`${collection} ${id}: only in ${names[0]}: ${clip(canonical(doc))}`);
        continue;
      }
      if (canonical(doc) === canonical(other)) continue;
      for (const field of new Set([...Object.keys(doc), ...Object.keys(other)])) {
        const x = canonical(doc[field]);
        const y = canonical(other[field]);
        if (x !== y)
          differ.push(
            `${collection} ${id} .${field}: ${names[0]} ${clip(x)} / ${names[1]} ${clip(y)}`,
          );
      }
    }
    for (const [id, doc] of right)
      if (!left.has(id))
        differ.push(`${collection} ${id}: only in ${names[1]}: ${clip(canonical(doc))}`);
  }
  return { differ };
}

describe('scale-out: two street replicas and two projectors', () => {
  const identity = createTestIdentity();
  let stores: IsolatedStores;
  let names: KafkaNames;
  let env: Record<string, string>;
  let apps: Map<AppName, RunningApp> | undefined;
  let street2: RunningApp | undefined;
  let projector2: RunningApp | undefined;
  let reference: RunningApp | undefined;
  let kafka: Kafka;
  let admin: Admin | undefined;
  let db: pg.Pool | undefined;
  let mongo: Awaited<ReturnType<typeof openMongo>> | undefined;
  let referenceMongo: Awaited<ReturnType<typeof openMongo>> | undefined;
  const app = (name: AppName) => {
    const found = apps?.get(name);
    if (!found) throw new Error(`${name} not running`);
    return found;
  };
  const referenceDatabase = () => `${stores.name}_ref`;

  beforeAll(async () => {
    const startedAt = Date.now();
    stores = await createIsolatedStores('gridline_scale');
    names = new KafkaNames(stores.env['KAFKA_NAMESPACE']);
    env = { ...stores.env };
    // The first of each, then the second street replica and projector beside them:
    // the same database, topics and consumer groups, ports of their own.
    const [started, second, secondProjector] = await Promise.all([
      startApps(identity, {
        basePort: BASE_PORT,
        env,
        only: ['swc-service', 'street-service', 'projector'],
      }),
      startInstance(identity, 'street-service', { port: PORTS.street2, env }),
      startInstance(identity, 'projector', { port: PORTS.projector2, env }),
    ]);
    apps = started;
    street2 = second;
    projector2 = secondProjector;
    kafka = new Kafka({
      clientId: 'scale-test',
      ...ownerKafkaConfig(),
      logLevel: logLevel.NOTHING,
    });
    admin = kafka.admin();
    await admin.connect();
    db = new pg.Pool({ connectionString: stores.databaseUrl, max: 3 });
    mongo = await openMongo(stores.mongoUrl);
    referenceMongo = await openMongo(stores.urlOf('mongo', referenceDatabase()));
    process.stdout.write(
      `[scale] apps started in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`,
    );
  }, 180_000);

  afterAll(async () => {
    await stopApps(
      [...(apps?.values() ?? []), street2, projector2, reference].filter(
        (a): a is RunningApp => a !== undefined,
      ),
    );
    await admin?.disconnect();
    await db?.end();
    await mongo?.close();
    await referenceMongo?.close();
    await stores?.drop(referenceDatabase());
  });

  /** Members of a consumer group and the partitions each holds (topic:partition). */
  async function groupMembers(group: string): Promise<{ state: string; members: string[][] }> {
    const described = (await (admin as Admin).describeGroups([names.group(group)])).groups[0];
    if (!described) return { state: 'unknown', members: [] };
    return {
      state: described.state,
      members: described.members.map((m) => {
        const assigned = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
        return Object.entries(assigned?.assignment ?? {}).flatMap(([topic, partitions]) =>
          partitions.map((p) => `${topic.slice(names.topic('').length)}:${p}`),
        );
      }),
    };
  }

  /** Waits until a group is stable with `count` members, each holding a partition. */
  async function stableGroup(group: string, count: number, timeoutMs = 60_000) {
    let last: unknown;
    return eventually(
      async () => {
        const g = await groupMembers(group);
        last = g;
        return g.state === 'Stable' &&
          g.members.length === count &&
          g.members.every((m) => m.length > 0)
          ? g
          : undefined;
      },
      timeoutMs,
      `consumer group ${group} stable with ${count} members, each holding partitions`,
    ).catch((error: Error) => {
      throw new Error(`${error.message} (last: ${JSON.stringify(last)})`);
    });
  }

  /** Messages of the agency topics the projector group has not committed yet. */
  async function projectorLag(): Promise<number> {
    const group = names.group('projector.case-timeline');
    const topics = AGENCIES.map((a) => names.topic(agencyEventsTopic(a)));
    const committed = await (admin as Admin).fetchOffsets({ groupId: group, topics });
    let lag = 0;
    for (const topic of topics) {
      const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const p of await (admin as Admin).fetchTopicOffsets(topic)) {
        const offset = Number(mine.find((m) => m.partition === p.partition)?.offset ?? -1);
        lag += Number(p.high) - Math.max(offset, Number(p.low));
      }
    }
    return lag;
  }

  /** Event ids of the store by case (events that belong to a case: all of this test's). */
  async function storeEventsByCase(): Promise<Map<string, { id: string; type: string }[]>> {
    const { rows } = await (db as pg.Pool).query<{ case_id: string; id: string; type: string }>(
      `SELECT metadata->>'caseId' AS case_id, event_id AS id, event_type AS type
         FROM gridline_events WHERE metadata ? 'caseId'`,
    );
    const byCase = new Map<string, { id: string; type: string }[]>();
    for (const r of rows) byCase.set(r.case_id, [...(byCase.get(r.case_id) ?? []), r]);
    return byCase;
  }

  /** What is wrong with a read-model database's timeline against the store ([] when caught up). */
  async function timelineBehind(readModels: Db, caseIds: readonly string[]): Promise<string[]> {
    const store = await storeEventsByCase();
    const entries = await readModels
      .collection<{ _id: string; caseId: string }>('timeline')
      .find({}, { projection: { _id: 1, caseId: 1 } })
      .toArray();
    const projected = new Map<string, Set<string>>();
    for (const e of entries)
      projected.set(e.caseId, (projected.get(e.caseId) ?? new Set()).add(e._id));
    const problems: string[] = [];
    for (const caseId of caseIds) {
      const want = (store.get(caseId) ?? []).map((e) => e.id).sort();
      const have = [...(projected.get(caseId) ?? [])].sort();
      if (want.join() !== have.join())
        problems.push(`case ${caseId}: ${have.length} of ${want.length} timeline entries`);
    }
    if (entries.length !== [...store.values()].flat().length)
      problems.push(
        `${entries.length} timeline entries, ${[...store.values()].flat().length} events`,
      );
    return problems;
  }

  it('gives the read models one of each gives, with the load spread over both replicas and both projectors', async () => {
    const started = Date.now();
    const phase = (what: string) =>
      process.stdout.write(`[scale] ${((Date.now() - started) / 1000).toFixed(1)} s: ${what}\n`);
    const streetReplicas = [app('street-service'), street2 as RunningApp];
    const projectors = [app('projector'), projector2 as RunningApp];

    // Both replicas and both projectors are members of their groups before the load starts.
    const assignmentsGroup = await stableGroup('street-service.assignments', 2);
    const projectorGroup = await stableGroup('projector.case-timeline', 2);
    phase(
      `groups stable: street assignments ${JSON.stringify(assignmentsGroup.members)}, ` +
        `projectors ${JSON.stringify(projectorGroup.members)}`,
    );

    const token = (sub: string, agency: 'street' | 'swc', roles: string[]) =>
      identity.token({ sub, agency, roles: roles as never });
    const streetAs = await Promise.all(
      streetReplicas.map(async (replica) => ({
        workers: await Promise.all(
          Array.from({ length: PRINCIPALS }, async (_, p) =>
            client(replica.url, await token(`scale-worker-${p}`, 'street', ['grid-worker'])),
          ),
        ),
        officers: await Promise.all(
          Array.from({ length: PRINCIPALS }, async (_, p) =>
            client(replica.url, await token(`scale-officer-${p}`, 'street', ['officer'])),
          ),
        ),
      })),
    );
    const coordinators = await Promise.all(
      Array.from({ length: PRINCIPALS }, async (_, p) =>
        client(app('swc-service').url, await token(`scale-coord-${p}`, 'swc', ['coordinator'])),
      ),
    );

    // Commands acknowledged, in all and by street replica (as the client saw them).
    let acknowledged = 0;
    const byReplica = [0, 0];
    const failures: string[] = [];
    const send = async <T>(
      who: Client,
      replica: number | undefined,
      path: string,
      body: unknown,
      expected: number,
    ): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        const r = await who.post<T>(path, body);
        if (r.status === expected) {
          acknowledged++;
          if (replica !== undefined) byReplica[replica] = (byReplica[replica] ?? 0) + 1;
          return r.body;
        }
        // 409: concurrent writers on one stream (several cases share a subject's
        // enforcement stream) beyond the handler's retries; nothing was appended.
        if (r.status === 409 && attempt < 10) {
          await sleep(50 * attempt);
          continue;
        }
        throw new Error(
          `POST ${path}: expected ${expected}, got ${r.status} ${JSON.stringify(r.body)}`,
        );
      }
    };
    const until = <T>(what: string, probe: () => Promise<T | undefined>) =>
      eventually(probe, 90_000, what);

    const place = {
      street: 'Scale Street',
      community: 'Loadtown',
      grid: 'G-0999',
      description: 'market gate',
    };
    const subjects = new Map<number, Promise<string>>();
    const subjectResolvers = new Map<number, (id: string) => void>();
    for (let g = 0; g < CASES / PER_SUBJECT; g++)
      subjects.set(g, new Promise((resolve) => subjectResolvers.set(g, resolve)));
    const caseIds: string[] = new Array<string>(CASES);

    /** One case, its steps alternating between the street replicas. */
    const runCase = async (i: number) => {
      const replica = (step: number) => (i + step) % 2;
      const worker = (step: number) =>
        [streetAs[replica(step)]?.workers[i % PRINCIPALS] as Client, replica(step)] as const;
      const officer = (step: number) =>
        [streetAs[replica(step)]?.officers[i % PRINCIPALS] as Client, replica(step)] as const;
      const coordinator = coordinators[i % PRINCIPALS] as Client;
      const street = <T>(
        [who, r]: readonly [Client, number],
        path: string,
        body: unknown,
        expected = 201,
      ) => send<T>(who, r, path, body, expected);

      const { caseId, issueId } = await street<{ caseId: string; issueId: string }>(
        worker(0),
        '/api/issues',
        {
          category: 'littering',
          severity: 'low',
          location: place,
          description: `Overflowing bin number ${i} at the market gate`,
        },
      );
      caseIds[i] = caseId;
      const group = Math.floor(i / PER_SUBJECT);
      if (i % PER_SUBJECT === 0) {
        const { subjectId } = await street<{ subjectId: string }>(officer(1), '/api/subjects', {
          caseId,
          kind: 'business',
          name: `Stall ${group}`,
          identifier: `SCALE-${group}-${stores.name}`,
        });
        subjectResolvers.get(group)?.(subjectId);
      }
      const subjectId = await (subjects.get(group) as Promise<string>);
      await street(worker(2), `/api/issues/${issueId}/acknowledge`, {});
      await street(worker(3), '/api/enforcement/reminders', {
        subjectId,
        category: 'littering',
        caseId,
        place,
        explanation: 'Bins must be closed; the collection point is behind the market',
      });
      await street(worker(4), `/api/issues/${issueId}/notes`, { note: `Checked bin ${i}` });

      // SWC opens the case from the report (Kafka), the coordinator triages it.
      const swcCase = () =>
        coordinator.get<{ assignments: Record<string, { agency: string; status: string }> }>(
          `/api/cases/${caseId}`,
        );
      await until(`case ${i} opened by SWC`, async () =>
        (await swcCase()).status === 200 ? true : undefined,
      );
      await send(
        coordinator,
        undefined,
        `/api/cases/${caseId}/triage`,
        {
          riskLevel: 'blue',
          // Another category than reported: the case shows SWC's, whatever order
          // the street's and SWC's topics are projected in.
          category: 'waste-management',
          leadAgency: 'street',
          coHandlers: [],
        },
        200,
      );
      const assignments = (await swcCase()).body.assignments;
      const assignmentId =
        Object.entries(assignments).find(([, a]) => a.agency === 'street')?.[0] ?? '';
      // The assignment reaches the street inbox (either replica's consumer), read on either.
      const [reader] = officer(5);
      await until(`case ${i}: assignment ${assignmentId} in the street inbox`, async () =>
        (await reader.get(`/api/assignments/${assignmentId}`)).status === 200 ? true : undefined,
      );
      const inbox = `/api/assignments/${assignmentId}`;
      await street(officer(6), `${inbox}/accept`, {}, 200);
      await street(officer(7), `${inbox}/progress`, { note: `Bin ${i} emptied` });
      await street(officer(8), `${inbox}/complete`, { outcome: `Bin ${i} replaced` }, 200);
      await street(worker(9), `/api/issues/${issueId}/resolve`, {
        outcome: 'remedied',
        summary: `Bin ${i} replaced and the area cleaned`,
      });

      if (i % 2 === 0) {
        await until(`case ${i}: completion recorded by SWC`, async () => {
          const { body } = await swcCase();
          return body.assignments[assignmentId]?.status === 'completed' ? true : undefined;
        });
        const c = `/api/cases/${caseId}`;
        await send(coordinator, undefined, `${c}/verification`, { note: 'Checked on site' }, 200);
        await send(
          coordinator,
          undefined,
          `${c}/feedback`,
          { satisfaction: 4, channel: 'phone' },
          201,
        );
        await send(coordinator, undefined, `${c}/close`, {}, 200);
      }
    };

    // The load: CONCURRENCY cases at a time, each through both street replicas.
    let next = 0;
    let loadDone = false;
    const load = Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < CASES) {
          const i = next++;
          await runCase(i).catch((error: unknown) => {
            failures.push(`case ${i}: ${(error as Error).message}`);
          });
        }
      }),
    ).then(() => {
      loadDone = true;
    });
    const whenAcknowledged = (share: number) =>
      eventually(
        () => Promise.resolve(acknowledged >= share * COMMANDS || next >= CASES ? true : undefined),
        120_000,
        `${Math.round(share * 100)} % of the commands acknowledged`,
      );

    // Mid-load: SIGTERM one projector (its partitions move to the other), later start it again.
    await whenAcknowledged(0.25);
    const beforeStop = await metrics(projectors[1] as RunningApp);
    const handledBySecond = sampleSum(beforeStop, 'gridline_consumer_messages_handled');
    phase(`${acknowledged} commands acknowledged; projector 2 handled ${handledBySecond}; SIGTERM`);
    await killApp(projectors[1] as RunningApp, 'SIGTERM');
    const alone = await stableGroup('projector.case-timeline', 1, 30_000);
    phase(
      `${acknowledged} commands acknowledged; rebalanced: projector 1 alone holds ` +
        `${alone.members[0]?.length ?? 0} partitions; starting projector 2 again`,
    );
    await startApp(projectors[1] as RunningApp);
    phase(`${acknowledged} commands acknowledged; projector 2 ready again`);
    const rejoined = await stableGroup('projector.case-timeline', 2, 60_000);
    phase(
      `${acknowledged} commands acknowledged${loadDone ? ' (load done)' : ''}; ` +
        `projector 2 rejoined: ${JSON.stringify(rejoined.members)}`,
    );
    await load;
    phase(
      `load done: ${acknowledged} commands acknowledged (${byReplica.join(' / ')} by street replica)`,
    );
    expect(failures).toEqual([]);
    expect(acknowledged).toBe(COMMANDS);

    // Every reaction happened, once: the store holds exactly each case's expected events.
    const storeProblems = async () => {
      const store = await storeEventsByCase();
      const problems: string[] = [];
      caseIds.forEach((caseId, i) => {
        const counts: Record<string, number> = {};
        for (const e of store.get(caseId) ?? []) counts[e.type] = (counts[e.type] ?? 0) + 1;
        if (canonical(counts) !== canonical(expectedEvents(i)))
          problems.push(`case ${i} (${caseId}): ${canonical(counts)}`);
      });
      if (store.size !== CASES) problems.push(`${store.size} cases in the store`);
      return problems;
    };
    let lastProblems: string[] = [];
    await eventually(
      async () => {
        lastProblems = await storeProblems();
        return lastProblems.length === 0 ? true : undefined;
      },
      90_000,
      'every reaction in the store',
    ).catch((error: Error) => {
      throw new Error(`${error.message}:\n${lastProblems.slice(0, 10).join('\n')}`);
    });

    // Caught up: the relays have published everything, the projector group has
    // committed every message, and each case's timeline holds exactly its events.
    const caughtUp = async (readModels: Db, what: string, relays = true) => {
      let last: string[] = [];
      await eventually(
        async () => {
          const lag = await projectorLag();
          // Either street replica's gauge: it compares the store with the shared checkpoint.
          const relayLag = relays
            ? sampleSum(await metrics(app('street-service')), 'gridline_relay_lag_events')
            : 0;
          const swcRelayLag = relays
            ? sampleSum(await metrics(app('swc-service')), 'gridline_relay_lag_events')
            : 0;
          last = [
            ...(lag === 0 ? [] : [`projector group lag ${lag}`]),
            ...(relayLag === 0 ? [] : [`street relay lag ${relayLag}`]),
            ...(swcRelayLag === 0 ? [] : [`swc relay lag ${swcRelayLag}`]),
            ...(await timelineBehind(readModels, caseIds)),
          ];
          return last.length === 0 ? true : undefined;
        },
        90_000,
        what,
      ).catch((error: Error) => {
        throw new Error(`${error.message}:\n${last.slice(0, 10).join('\n')}`);
      });
    };
    await caughtUp((mongo as NonNullable<typeof mongo>).db, 'the two projectors caught up');
    phase('caught up');

    // The load was spread: both street replicas acknowledged commands (their own
    // metrics agree with what the client saw), exactly one held the relay lease,
    // both consumed SWC's assignments, and both projectors projected.
    const streetMetrics = await Promise.all(streetReplicas.map(metrics));
    const inboxGroup = names.group('street-service.assignments');
    const spread = {
      acknowledgedByReplica: streetMetrics.map(acknowledgedPosts),
      relayActive: streetMetrics.map((m) => sampleSum(m, 'gridline_relay_active')),
      relayPublished: streetMetrics.map((m) => sampleSum(m, 'gridline_relay_published_events')),
      assignmentsHandled: streetMetrics.map((m) =>
        sampleSum(m, 'gridline_consumer_messages_handled', { group: inboxGroup }),
      ),
      projectorHandled: [
        sampleSum(await metrics(projectors[0] as RunningApp), 'gridline_consumer_messages_handled'),
        handledBySecond,
      ],
      projectorHandledAfterRestart: sampleSum(
        await metrics(projectors[1] as RunningApp),
        'gridline_consumer_messages_handled',
      ),
    };
    phase(`spread: ${JSON.stringify(spread)}`);
    expect(spread.acknowledgedByReplica).toEqual(byReplica);
    expect(Math.min(...byReplica)).toBeGreaterThan(COMMANDS / 4);
    expect([...spread.relayActive].sort()).toEqual([0, 1]);
    expect(spread.assignmentsHandled.every((n) => n > 0)).toBe(true);
    expect(spread.projectorHandled.every((n) => n > 0)).toBe(true);

    // Each set's case index too (ADR 0007), in the test's PostgreSQL database.
    const indexesOf = (d: { databaseName: string }) =>
      new ReadModelIndexes(db as pg.Pool, d.databaseName);
    const liveDb = (mongo as NonNullable<typeof mongo>).db;
    const live = await readModelContents(liveDb, '', indexesOf(liveDb));
    expect((live['cases'] as unknown[]).length).toBe(CASES);
    expect(live['caseIndex']).toEqual(live['cases']);
    expect(live['workIndex']).toEqual(live['workItems']);
    phase('live read models read');

    // The reference, one projector: both stopped, the group deleted with its
    // offsets, and a single projector replays the topics into a database of its own.
    await stopApps(projectors);
    phase(
      `both projectors stopped (${projectors
        .map((p) => p.process.signalCode ?? `exit ${p.process.exitCode}`)
        .join(', ')})`,
    );
    const seen = new Set<string>();
    await eventually(
      async () => {
        const g = await groupMembers('projector.case-timeline');
        seen.add(`${g.state}/${g.members.length}`);
        return g.state === 'Empty' ? true : undefined;
      },
      30_000,
      'the projector group empty',
    );
    phase(`projector group empty (states seen: ${[...seen].join(', ')})`);
    // Its committed offsets go with it; the projector subscribes from the beginning.
    // (Faster than admin.resetOffsets, which joins the group once per topic.)
    await (admin as Admin).deleteGroups([names.group('projector.case-timeline')]);
    phase('the group deleted with its offsets');
    reference = await startInstance(identity, 'projector', {
      port: PORTS.reference,
      env: { ...env, MONGO_URL: stores.urlOf('mongo', referenceDatabase()) },
    });
    phase('single reference projector ready');
    await eventually(
      async () =>
        (await timelineBehind((referenceMongo as NonNullable<typeof referenceMongo>).db, caseIds))
          .length === 0
          ? true
          : undefined,
      90_000,
      'the reference timeline complete',
    ).catch(() => undefined); // caughtUp below says what is missing
    phase('single projector: timeline complete');
    await caughtUp(
      (referenceMongo as NonNullable<typeof referenceMongo>).db,
      'the single reference projector caught up',
      false, // the relays were caught up above, and nothing was appended since
    );
    await killApp(reference, 'SIGTERM');
    const referenceDb = (referenceMongo as NonNullable<typeof referenceMongo>).db;
    const replayed = await readModelContents(referenceDb, '', indexesOf(referenceDb));
    phase('single projector replayed the topics');

    // And the rebuild from the store (the blue/green path's bulk projection).
    const readModels = (mongo as NonNullable<typeof mongo>).db;
    const store = await openPostgresStore(stores.databaseUrl, { poolSize: 2 });
    let rebuilt: Record<string, unknown>;
    try {
      const indexes = indexesOf(readModels);
      await rebuildReadModels({
        db: readModels,
        store: store.store,
        suffix: '_rebuilt',
        indexes,
      });
      rebuilt = await readModelContents(readModels, '_rebuilt', indexes);
      await dropReadModelSet(readModels, '_rebuilt', indexes);
    } finally {
      await store.close();
    }
    phase('rebuilt from the store');

    // One of each, two ways, alike: the single projector's replay and the rebuild.
    expect(differences(['1 projector', 'rebuild'], replayed, rebuilt).differ).toEqual([]);
    // Two of each alike, the statistics too: they are kept in PostgreSQL, whose
    // transactions apply overlapping updates of a bucket one after the other (on
    // FerretDB's collections one could be lost, ADR 0002).
    expect(differences(['2×2 live', '1 projector'], live, replayed).differ).toEqual([]);
    phase('equal');
  }, 240_000);
});
