import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import {
  createIsolatedStores,
  createTestIdentity,
  type AppName,
  type IsolatedStores,
} from '@gridline/testing';
import {
  IN_PROCESS_APPS,
  startInProcessApps,
  type InProcessApp,
} from '../support/in-process-apps.js';
import {
  allows,
  everyCaller,
  registeredRoutes,
  type Caller,
  type RegisteredRoute,
} from '../support/route-walk.js';

/**
 * Property-based bad input (fast-check): every command route of every app gets
 * generated bodies no schema accepts — wrong types at the top, objects with a
 * field nobody declared beside garbage in the declared ones, odd Unicode (NUL,
 * lone surrogates, terminal escapes, bidirectional overrides), deep nesting, huge
 * and non-finite-looking numbers, text that is not JSON — and every read route
 * generated query strings of the same kind (always with a parameter no route
 * reads: a read that declares none refuses any, the others check theirs). Each is
 * sent as a principal the route lets through, to real ids' shapes, so validation
 * (not the guard) answers. The property: a 4xx, never a 5xx, and the stores hold
 * afterwards exactly what they held before. FUZZ_RUNS per route (default 12) bounds the run;
 * a failure prints fast-check's seed and the shrunk request to replay.
 */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 12);

/** Strings a careless boundary lets through or breaks on. */
const oddStrings = fc.oneof(
  fc.constantFrom(
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\u001b[31mred\u001b[0m',
    '\u0007\b',
    '\u202eevil',
    '\u0085next',
    'e\u0301',
    '${7*7}',
    "'; DROP TABLE gridline_events; --",
    '{"$ne": null}',
    '../../etc/passwd',
    'x'.repeat(70_000),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

const oddNumbers = fc.oneof(
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -0, 0.1 + 0.2, Number.MAX_SAFE_INTEGER * 10),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.bigInt({ min: 10n ** 30n, max: 10n ** 40n }).map((n) => Number(n)),
);

const oddValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    oddStrings,
    oddNumbers,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(oddStrings, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Nested `depth` deep, as text (JSON.stringify of so deep a value is itself fine). */
const deeplyNested = fc
  .tuple(fc.integer({ min: 40, max: 20_000 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => {
    const close = open === '[' ? ']' : '}';
    return `${open.repeat(depth)}1${close.repeat(depth)}`;
  });

/** The text of a body no command's schema accepts (every schema is an object with known fields). */
const badBody: fc.Arbitrary<string> = fc.oneof(
  // Not an object at all.
  fc
    .oneof(fc.array(oddValue, { maxLength: 5 }), oddStrings, oddNumbers, fc.constant(null))
    .map((v) => JSON.stringify(v)),
  // An object with a field no schema declares, beside garbage in the usual ones.
  fc
    .record({
      unknown: fc.string({ minLength: 1, maxLength: 12 }).map((s) => `fuzz_${s}`),
      value: oddValue,
      rest: fc.dictionary(
        fc.constantFrom(
          'caseId',
          'category',
          'severity',
          'location',
          'description',
          'reason',
          'amount',
          'evidence',
          'occurredAt',
          'capturedAt',
          'agency',
          'level',
          'decision',
          'subject',
        ),
        oddValue,
        { maxKeys: 6 },
      ),
    })
    .map(({ unknown, value, rest }) => JSON.stringify({ ...rest, [unknown]: value })),
  deeplyNested,
  // Not JSON.
  fc.constantFrom('{', '{"a":1,}', 'undefined', '\u0000', '\ufeff{"a":1}', "{'a':1}", '[1,2'),
);

/** A query string with a parameter no route reads, and junk in ones some routes do. */
const badQuery: fc.Arbitrary<string> = fc
  .record({
    unknown: fc.string({ minLength: 1, maxLength: 12 }),
    value: oddStrings,
    known: fc.dictionary(
      fc.constantFrom('status', 'limit', 'cursor', 'asOf', 'from', 'to', 'street', 'page', 'q'),
      fc.oneof(oddStrings, oddNumbers.map(String)),
      { maxKeys: 3 },
    ),
    operator: fc.boolean(),
  })
  .map(({ unknown, value, known, operator }) => {
    const params = new URLSearchParams({ ...known, [`fuzz_${unknown}`]: value });
    if (operator) params.append('status[$ne]', 'x');
    return params.toString();
  });

/** Path parameters in the shape real ids have (UUIDs), none of which exists. */
const pathWithIds = (path: string) => path.replace(/:(\w+)/g, () => randomUUID());

describe('security: generated bad input never gets a 5xx and never stores anything (fast-check)', () => {
  const identity = createTestIdentity();
  const callers = everyCaller(['swc', 'drc', 'street']);
  let running = new Map<AppName, InProcessApp>();
  let stores: IsolatedStores;
  let before: Record<string, number>;

  /** What the stores hold: every table a request could write, and the rebuild requests. */
  async function holdings(): Promise<Record<string, number>> {
    const db = new pg.Client({ connectionString: stores.databaseUrl });
    const mongo = new MongoClient(stores.mongoUrl);
    await db.connect();
    await mongo.connect();
    try {
      const counts: Record<string, number> = {};
      for (const table of [
        'gridline_events',
        'gridline_streams',
        'gridline_idempotency',
        'gridline_export_audit',
        'gridline_evidence_uploads',
        'gridline_subject_keys',
        'gridline_log_seals',
      ]) {
        const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
        counts[table] = Number(rows[0]?.n);
      }
      counts['read_model_rebuilds'] = await mongo
        .db()
        .collection('read_model_rebuilds')
        .countDocuments();
      return counts;
    } finally {
      await db.end();
      await mongo.close();
    }
  }

  beforeAll(async () => {
    stores = await createIsolatedStores('gridline_fuzz');
    running = await startInProcessApps(identity, stores);
    before = await holdings();
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...running.values()].map(({ app }) => app.close()));
    await stores?.drop();
  });

  /** A caller the route lets through (anonymous for public routes), so validation answers. */
  const admitted = (route: RegisteredRoute, agency: Parameters<typeof allows>[2]) =>
    callers.find((caller: Caller) => allows(route.access, caller, agency));

  it.each(IN_PROCESS_APPS.map((a) => [a.name, a] as const))(
    '%s: every route refuses generated bad input with a 4xx',
    async (name, { agency }) => {
      const app = running.get(name)!;
      const routes = registeredRoutes(app.app).filter((r) => r.access);
      const tokens = new Map<Caller, string>();
      const findings: string[] = [];
      let requests = 0;
      for (const route of routes) {
        const caller = admitted(route, agency);
        if (!caller) continue;
        if (caller.kind === 'principal' && !tokens.has(caller))
          tokens.set(caller, await identity.token(caller.claims));
        const token = tokens.get(caller);
        const reading = route.method === 'GET' || route.method === 'HEAD';
        // The live feed answers a stream that stays open; its parameters are checked first.
        const property = fc.asyncProperty(
          reading ? badQuery : badBody,
          fc.boolean(),
          async (input, withKey) => {
            requests++;
            const url = `${app.url}${pathWithIds(route.path)}${reading ? `?${input}` : ''}`;
            const response = await fetch(url, {
              method: route.method,
              headers: {
                ...(token ? { authorization: `Bearer ${token}` } : {}),
                ...(reading ? {} : { 'content-type': 'application/json' }),
                ...(withKey && !reading ? { 'idempotency-key': randomUUID() } : {}),
              },
              ...(reading ? {} : { body: input }),
              signal: AbortSignal.timeout(15_000),
            });
            await response.body?.cancel();
            const bad = response.status < 400 || response.status >= 500;
            if (bad)
              findings.push(
                `${route.method} ${route.path} answered ${response.status} to ${input.slice(0, 120)}`,
              );
            return !bad;
          },
        );
        // Every route is tried, and what fails is collected (the seed is in the message).
        await fc
          .assert(property, { numRuns: RUNS, endOnFailure: true })
          .catch((error: unknown) =>
            findings.push(
              `${route.method} ${route.path}: ${(error as Error).message.split('\n')[0]}`,
            ),
          );
      }
      console.log(`${name}: ${routes.length} routes, ${requests} generated requests`);
      expect(findings).toEqual([]);
      expect(requests).toBeGreaterThan(0);
    },
    300_000,
  );

  it('left every store as it was', async () => {
    expect(await holdings()).toEqual(before);
  });
});
