// Spike for issue 17 (ADR 0007): what the board's reads cost at city scale on each
// candidate read-model store, measured on scratch data — no production code used.
//
// Builds a scratch `cases` collection shaped like libs/read-models' CaseDocument
// (collections.ts), with the indexes ensureReadModelIndexes gives it, of N
// documents spread over a year (status by age, 12 streets × 8 communities × 10
// grids, risk levels, 1–2 assignments, streams), and times, p50/p95 over
// `--runs` runs after one warm-up (fewer when a query is so slow that
// `--budget-ms` runs out first; the table says how many ran):
//
//   first    find({}).sort({lastEventAt:-1,_id:-1}).limit(51)   the board's first page
//   status   the same with {status:'open'}
//   street   the same with {'location.street': <a mid-sized street>}
//   gateway  the same as CaseQueries.listCases sends it: {$and:[{status:'open'}]}
//   deep     keyset page deep in the list: lastEventAt < X (X = the median case)
//   count    countDocuments({})
//   floorIn  find({_id: {$in: [51 ids]}})                          the brief's floor
//   floor1   51 × findOne({_id}) at once                           a primary-key floor
//
// for each design:
//   a  FerretDB as the local stack runs it (--mongo-url; the running instance,
//      with deploy/local's GIN twins, which its event trigger adds)
//   b  FerretDB with the pushdown its flags offer (--mongo-b-url: a second
//      instance started with --test-enable-nested-pushdown on --pg-url's
//      database; the twins and a twin for location.street are made here by SQL).
//      1.24.2 has no sort pushdown flag: only `$natural` on capped collections.
//   c  FerretDB-shaped read model on (a)'s server (--c-buckets sets the grains; --label
//      suffixes the design's name in the output): each case carries top-level
//      bucket keys (day; status|day; street|month), which FerretDB pushes down
//      as equality onto a GIN twin, and a directory document per filter
//      (`_id` 'all', 'status:open', 'street:…') holds each bucket's count and the
//      total. A page reads the directory by _id, then the newest buckets one
//      equality find each until the page is full, and sorts those in memory.
//   d  a PostgreSQL table (--pg-url): case_id PK, doc jsonb, real columns,
//      btree indexes on (filter, last_event_at desc, case_id desc), keyset pages.
//
// Each design's explain is printed for the first page (FerretDB: the pushdown
// flags and the PostgreSQL plan; PostgreSQL: EXPLAIN). Everything made is in
// scratch databases named by the URLs and dropped with --drop.
//
//   flock /tmp/gridline-e2e.lock node scripts/spikes/reads-at-scale.mjs \
//     --mongo-url mongodb://127.0.0.1:27017/gridline_spike17 \
//     --mongo-b-url mongodb://127.0.0.1:27117/gridline_spike17 \
//     --pg-url postgres://gridline:gridline@127.0.0.1:5433/gridline_spike17 \
//     --sizes 40000,4000 --designs a,b,c,d --runs 30 --budget-ms 60000 [--json out.json] [--drop]
//
// The second FerretDB of (b), for example:
//   ferretdb --handler=postgresql --postgresql-url='<pg-url>?pool_max_conns=8' --listen-addr=127.0.0.1:27117 \
//     --state-dir=/tmp/spike17-ferretdb-state --telemetry=disable --debug-addr=- \
//     --test-enable-nested-pushdown
// (pool_max_conns: FerretDB otherwise opens up to 50 PostgreSQL connections, and the
// shared server has few to spare.)
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import pg from 'pg';

const { values } = parseArgs({
  options: {
    'mongo-url': { type: 'string', default: 'mongodb://127.0.0.1:27017/gridline_spike17' },
    'mongo-b-url': { type: 'string', default: 'mongodb://127.0.0.1:27117/gridline_spike17' },
    'pg-url': {
      type: 'string',
      default: 'postgres://gridline:gridline@127.0.0.1:5433/gridline_spike17',
    },
    sizes: { type: 'string', default: '40000,4000' },
    designs: { type: 'string', default: 'a,b,c,d' },
    queries: { type: 'string', default: 'first,status,street,gateway,deep,count,floorIn,floor1' },
    runs: { type: 'string', default: '30' },
    'budget-ms': { type: 'string', default: '60000' },
    'min-runs': { type: 'string', default: '5' },
    json: { type: 'string' },
    drop: { type: 'boolean', default: false },
    'keep-data': { type: 'boolean', default: false },
    // Design (c)'s bucket grain per filter: month, day or hour of lastEventAt.
    'c-buckets': { type: 'string', default: 'all=day,status=day,street=month' },
    label: { type: 'string', default: '' },
  },
});
const SIZES = values.sizes.split(',').map(Number);
const DESIGNS = values.designs.split(',');
const QUERIES = values.queries.split(',');
const RUNS = Number(values.runs);
const BUDGET_MS = Number(values['budget-ms']);
const MIN_RUNS = Number(values['min-runs']);
const PAGE = 51; // limit + 1, as listCases asks
const NOW = Date.parse('2026-12-01T00:00:00Z');
const YEAR_MS = 365 * 86_400_000;

// ---------------------------------------------------------------- the data

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (r, xs) => xs[Math.floor(r() * xs.length)];
const STREETS = Array.from({ length: 12 }, (_, i) => `street-${String(i + 1).padStart(2, '0')}`);
// Streets differ in size: weights 1..12.
const STREET_WEIGHTS = STREETS.map((_, i) => i + 1);
const STREET_TOTAL = STREET_WEIGHTS.reduce((a, b) => a + b, 0);
function pickStreet(r) {
  let x = r() * STREET_TOTAL;
  for (let i = 0; i < STREETS.length; i++) if ((x -= STREET_WEIGHTS[i]) < 0) return STREETS[i];
  return STREETS.at(-1);
}
const CATEGORIES = ['noise', 'waste', 'parking', 'building', 'vendor', 'water', 'lighting'];
const iso = (ms) => new Date(ms).toISOString();

/** One case as the projection leaves it (CaseDocument, collections.ts). */
function caseDoc(i, r) {
  const caseId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  // Reported over the past year, more of them recently.
  const age = YEAR_MS * Math.pow(r(), 1.3);
  const reportedAt = NOW - age;
  const openedAt = reportedAt + r() * 3_600_000;
  // Active for up to 30 days, never beyond now (min(age, …) would pile cases on now).
  const busyFor = r() * Math.min(age, 30 * 86_400_000);
  const lastEventAt = reportedAt + busyFor;
  const closedP = Math.min(0.95, age / (60 * 86_400_000));
  const u = r();
  const status = u < closedP ? 'closed' : u < closedP + (1 - closedP) * 0.2 ? 'reported' : 'open';
  const street = pickStreet(r);
  const community = `${street}-c${Math.floor(r() * 8) + 1}`;
  const grid = `${community}-g${Math.floor(r() * 10) + 1}`;
  const lead = r() < 0.6 ? 'street' : 'drc';
  const assignments = Array.from({ length: 1 + Math.floor(r() * 2) }, (_, k) => {
    const assignedAt = openedAt + k * 3_600_000;
    const done = status === 'closed';
    return {
      assignmentId: `${caseId}-a${k}`,
      agency: k === 0 ? lead : lead === 'street' ? 'drc' : 'street',
      role: k === 0 ? 'lead' : 'co-handler',
      status: done ? 'completed' : r() < 0.5 ? 'accepted' : 'pending',
      assignedAt: iso(assignedAt),
      dueAt: iso(assignedAt + 3 * 86_400_000),
      escalated: r() < 0.05,
      ...(done ? { acceptedAt: iso(assignedAt + 600_000), completedAt: iso(lastEventAt) } : {}),
    };
  });
  const open = assignments.filter((a) => a.status === 'pending' || a.status === 'accepted');
  return {
    _id: caseId,
    caseId,
    status,
    origin: pick(r, ['street-report', 'drc-warning', 'manual']),
    category: pick(r, CATEGORIES),
    severity: pick(r, ['low', 'medium', 'high']),
    riskLevel: pick(r, ['blue', 'blue', 'blue', 'yellow', 'yellow', 'orange', 'red']),
    mode: r() < 0.05 ? 'emergency' : 'routine',
    location: { street, community, grid },
    leadAgency: lead,
    coHandlers: assignments.length > 1 ? [assignments[1].agency] : [],
    agencies: ['swc', ...new Set(assignments.map((a) => a.agency))],
    assignments,
    nextDueAt: open.length ? open.map((a) => a.dueAt).sort()[0] : null,
    reportedAt: iso(reportedAt),
    openedAt: iso(openedAt),
    openSince: iso(openedAt),
    firstResponseAt: iso(openedAt + 1_800_000),
    ...(status === 'closed'
      ? { verifiedAt: iso(lastEventAt), closedAt: iso(lastEventAt), satisfaction: 1 + (i % 5) }
      : { closedAt: null }),
    reopenCount: r() < 0.03 ? 1 : 0,
    lastEventAt: iso(lastEventAt),
    streams: {
      [`swc-case-${caseId}`]: 3 + Math.floor(r() * 6),
      [`${lead}-case-${caseId}`]: 2 + Math.floor(r() * 4),
    },
  };
}

function makeCases(n) {
  const r = rng(17);
  return Array.from({ length: n }, (_, i) => caseDoc(i, r));
}

// -------------------------------------------------- design (c): bucket keys

const GRAIN = { month: 7, day: 10, hour: 13 }; // characters of the ISO time kept
const grains = Object.fromEntries(values['c-buckets'].split(',').map((kv) => kv.split('=')));
const cut = (kind) => (t) => t.slice(0, GRAIN[grains[kind]]);
/** The filters the board offers, and each one's bucket key of a case (c). */
const BUCKETS = {
  all: { field: 'bAll', time: cut('all'), key: (d) => cut('all')(d.lastEventAt) },
  status: {
    field: 'bStatus',
    time: cut('status'),
    key: (d) => `${d.status}|${cut('status')(d.lastEventAt)}`,
  },
  street: {
    field: 'bStreet',
    time: cut('street'),
    key: (d) => `${d.location.street}|${cut('street')(d.lastEventAt)}`,
  },
};
function withBuckets(d) {
  return {
    ...d,
    bAll: BUCKETS.all.key(d),
    bStatus: BUCKETS.status.key(d),
    bStreet: BUCKETS.street.key(d),
  };
}
/** Directory documents: per filter value, each bucket's count, and the total. */
function directories(docs) {
  const dirs = new Map();
  const add = (id, bucket) => {
    const dir = dirs.get(id) ?? { _id: id, total: 0, buckets: {} };
    dir.total++;
    dir.buckets[bucket] = (dir.buckets[bucket] ?? 0) + 1;
    dirs.set(id, dir);
  };
  for (const d of docs) {
    add('all', BUCKETS.all.key(d));
    add(`status:${d.status}`, BUCKETS.status.key(d));
    add(`street:${d.location.street}`, BUCKETS.street.key(d));
  }
  return [...dirs.values()];
}

const newestFirst = (x, y) =>
  x.lastEventAt < y.lastEventAt
    ? 1
    : x.lastEventAt > y.lastEventAt
      ? -1
      : x._id < y._id
        ? 1
        : x._id > y._id
          ? -1
          : 0;

/**
 * A page from buckets: the directory by _id, then the newest buckets (at or
 * before the cursor's) one equality find each, until the page is full.
 */
async function bucketPage(coll, dirs, dirId, filterKind, limit, before) {
  const dir = await dirs.findOne({ _id: dirId });
  if (!dir) return [];
  const field = BUCKETS[filterKind].field;
  let keys = Object.keys(dir.buckets).sort().reverse();
  if (before) {
    const prefix = dirId === 'all' ? '' : `${dirId.split(':')[1]}|`;
    const last = prefix + BUCKETS[filterKind].time(before);
    keys = keys.filter((k) => k <= last);
  }
  const out = [];
  for (const k of keys) {
    const docs = await coll.find({ [field]: k }).toArray();
    out.push(...docs.filter((d) => !before || d.lastEventAt < before));
    if (out.length >= limit) break;
  }
  return out.sort(newestFirst).slice(0, limit);
}

// ---------------------------------------------------------- measuring

const q = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
async function time(fn) {
  await fn(); // warm-up, unmeasured
  const ms = [];
  const started = performance.now();
  while (ms.length < RUNS && (ms.length < MIN_RUNS || performance.now() - started < BUDGET_MS)) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { n: ms.length, p50: q(ms, 0.5), p95: q(ms, 0.95) };
}

const results = [];
function record(design, size, query, r, note = '') {
  design += values.label;
  results.push({ design, size, query, ...r, note });
  console.log(
    `${design} ${String(size).padStart(6)} ${query.padEnd(8)} n=${String(r.n).padStart(2)} ` +
      `p50 ${r.p50.toFixed(1).padStart(8)} ms  p95 ${r.p95.toFixed(1).padStart(8)} ms ${note}`,
  );
  // Written as it goes, so an interrupted run keeps what it measured.
  if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
}

async function loadMongo(db, name, docs, withIndexes) {
  const coll = db.collection(name);
  await coll.drop().catch(() => undefined);
  await db.createCollection(name);
  if (withIndexes) {
    // ensureReadModelIndexes' cases indexes (collections.ts).
    await coll.createIndex({ lastEventAt: -1, _id: -1 });
    await coll.createIndex({ status: 1, lastEventAt: -1 });
    await coll.createIndex({ 'location.street': 1, lastEventAt: -1 });
    await coll.createIndex({ agencies: 1, lastEventAt: -1 });
    await coll.createIndex({ nextDueAt: 1 });
  }
  for (let i = 0; i < docs.length; i += 1_000) await coll.insertMany(docs.slice(i, i + 1_000));
  return coll;
}

async function ferretExplain(db, name, filter) {
  const e = await db.command({
    explain: { find: name, filter, sort: { lastEventAt: -1, _id: -1 }, limit: PAGE },
  });
  const plan = JSON.stringify(e.queryPlanner ?? e);
  const scan = /Index Scan|Bitmap Index Scan/.test(plan)
    ? 'index'
    : /Seq Scan/.test(plan)
      ? 'seq scan'
      : '?';
  return `pushdown filter=${e.filterPushdown} sort=${e.sortPushdown} limit=${e.limitPushdown}; PostgreSQL: ${scan}`;
}

/** Designs a and b: the board's queries as listCases makes them. */
async function measureFerret(design, db, coll, docs, streetPick, deepAt) {
  const sort = { lastEventAt: -1, _id: -1 };
  const page = (filter) => () => coll.find(filter).sort(sort).limit(PAGE).toArray();
  const ids = docs.slice(0, PAGE).map((d) => d._id);
  const run = {
    first: page({}),
    status: page({ status: 'open' }),
    street: page({ 'location.street': streetPick }),
    gateway: page({ $and: [{ status: 'open' }] }),
    deep: page({ lastEventAt: { $lt: deepAt } }),
    count: () => coll.countDocuments({}),
    floorIn: () => coll.find({ _id: { $in: ids } }).toArray(),
    floor1: () => Promise.all(ids.map((_id) => coll.findOne({ _id }))),
  };
  const explains = {
    first: {},
    status: { status: 'open' },
    street: { 'location.street': streetPick },
    deep: { lastEventAt: { $lt: deepAt } },
  };
  for (const query of QUERIES) {
    const note = explains[query]
      ? await ferretExplain(db, coll.collectionName, explains[query])
      : '';
    record(design, docs.length, query, await time(run[query]), note);
  }
}

async function measureBuckets(db, coll, dirs, docs, streetPick, deepAt) {
  const ids = docs.slice(0, PAGE).map((d) => d._id);
  const run = {
    first: () => bucketPage(coll, dirs, 'all', 'all', PAGE),
    status: () => bucketPage(coll, dirs, 'status:open', 'status', PAGE),
    street: () => bucketPage(coll, dirs, `street:${streetPick}`, 'street', PAGE),
    gateway: () => bucketPage(coll, dirs, 'status:open', 'status', PAGE),
    deep: () => bucketPage(coll, dirs, 'all', 'all', PAGE, deepAt),
    count: () => dirs.findOne({ _id: 'all' }).then((d) => d.total),
    floorIn: () => coll.find({ _id: { $in: ids } }).toArray(),
    floor1: () => Promise.all(ids.map((_id) => coll.findOne({ _id }))),
  };
  // Right answers: the same pages as the sorted queries.
  const want = [...docs].sort(newestFirst);
  const got = await run.first();
  const ok = got.every((d, i) => d._id === want[i]._id);
  const wantDeep = want.filter((d) => d.lastEventAt < deepAt).slice(0, PAGE);
  const gotDeep = await run.deep();
  const okDeep = gotDeep.every((d, i) => d._id === wantDeep[i]._id);
  const plan = JSON.stringify(
    (
      await db.command({
        explain: { find: coll.collectionName, filter: { bAll: BUCKETS.all.key(want[0]) } },
      })
    ).queryPlanner,
  );
  const scan = /Index Scan/.test(plan) ? 'index' : 'seq scan';
  for (const query of QUERIES)
    record(
      'c',
      docs.length,
      query,
      await time(run[query]),
      query === 'first'
        ? `pages right: ${ok && okDeep}; bucket find: ${scan}; newest bucket ` +
            `${docs.filter((d) => BUCKETS.all.key(d) === BUCKETS.all.key(want[0])).length} cases`
        : query === 'count'
          ? 'directory document by _id'
          : '',
    );
}

const PG_COLUMNS = `case_id text PRIMARY KEY, last_event_at timestamptz NOT NULL, status text NOT NULL,
  street text, community text, grid text, risk_level text, agencies text[] NOT NULL,
  next_due_at timestamptz, doc jsonb NOT NULL`;
async function measurePostgres(client, docs, streetPick, deepAt) {
  const t = `spike_cases_${docs.length}`;
  await client.query(`DROP TABLE IF EXISTS ${t}`);
  await client.query(`CREATE TABLE ${t} (${PG_COLUMNS})`);
  for (const idx of [
    '(last_event_at DESC, case_id DESC)',
    '(status, last_event_at DESC, case_id DESC)',
    '(street, last_event_at DESC, case_id DESC)',
    'USING gin (agencies)',
    '(next_due_at)',
  ])
    await client.query(`CREATE INDEX ON ${t} ${idx.startsWith('USING') ? idx : idx}`);
  for (let i = 0; i < docs.length; i += 1_000) {
    const chunk = docs.slice(i, i + 1_000);
    await client.query(
      `INSERT INTO ${t} SELECT d->>'_id', (d->>'lastEventAt')::timestamptz, d->>'status',
         d->'location'->>'street', d->'location'->>'community', d->'location'->>'grid',
         d->>'riskLevel', ARRAY(SELECT jsonb_array_elements_text(d->'agencies')),
         (d->>'nextDueAt')::timestamptz, d
       FROM jsonb_array_elements($1::jsonb) d`,
      [JSON.stringify(chunk)],
    );
  }
  await client.query(`ANALYZE ${t}`);
  const sel = `SELECT doc FROM ${t}`;
  const order = `ORDER BY last_event_at DESC, case_id DESC LIMIT ${PAGE}`;
  const ids = docs.slice(0, PAGE).map((d) => d._id);
  const sql = {
    first: [`${sel} ${order}`, []],
    status: [`${sel} WHERE status = $1 ${order}`, ['open']],
    street: [`${sel} WHERE street = $1 ${order}`, [streetPick]],
    gateway: [`${sel} WHERE status = $1 ${order}`, ['open']],
    deep: [`${sel} WHERE (last_event_at, case_id) < ($1, '') ${order}`, [deepAt]],
    count: [`SELECT count(*) FROM ${t}`, []],
    floorIn: [`${sel} WHERE case_id = ANY($1)`, [ids]],
  };
  for (const query of QUERIES) {
    if (query === 'floor1') {
      record(
        'd',
        docs.length,
        query,
        await time(() =>
          (async () => {
            for (const id of ids) await client.query(`${sel} WHERE case_id = $1`, [id]);
          })(),
        ),
        'one after another, one connection',
      );
      continue;
    }
    const [text, params] = sql[query];
    const plan = (await client.query(`EXPLAIN ${text}`, params)).rows.map((r) => r['QUERY PLAN']);
    const note = ['first', 'street', 'deep', 'count'].includes(query)
      ? (plan
          .find((l) => /Scan/.test(l))
          ?.trim()
          .replace(/\s+\(cost.*$/, '') ?? '')
      : '';
    record('d', docs.length, query, await time(() => client.query(text, params)), note);
  }
  if (!values['keep-data']) await client.query(`DROP TABLE ${t}`);
}

/** Design b's server has no event trigger: its twins, and one for location.street, by SQL. */
async function twinsForB(client, mongoDbName) {
  const tables = await client.query(
    `SELECT c.oid::regclass AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname LIKE 'cases%'`,
    [mongoDbName],
  );
  for (const { t } of tables.rows) {
    const idx = await client.query(
      `SELECT indexrelid, pg_get_indexdef(indexrelid, 1, false) AS e FROM pg_index i
         JOIN pg_class ix ON ix.oid = i.indexrelid JOIN pg_am am ON am.oid = ix.relam
        WHERE i.indrelid = $1::regclass AND am.amname = 'btree'`,
      [t],
    );
    const gin = await client.query(
      `SELECT 1 FROM pg_index i JOIN pg_class ix ON ix.oid = i.indexrelid JOIN pg_am am ON am.oid = ix.relam
        WHERE i.indrelid = $1::regclass AND am.amname = 'gin'`,
      [t],
    );
    if (gin.rows.length > 0) continue; // twins made already
    for (const { e } of idx.rows)
      if (/^\(\(_jsonb -> '[^']+'::text\)\)$/.test(e))
        await client.query(
          `CREATE INDEX ON ${t} USING gin (${e} jsonb_path_ops) WITH (fastupdate = off)`,
        );
    await client.query(
      `CREATE INDEX ON ${t} USING gin ((_jsonb #> '{location,street}') jsonb_path_ops) WITH (fastupdate = off)`,
    );
    await client.query(`ANALYZE ${t}`);
  }
}

// ------------------------------------------------------------------ main

const clientA = new MongoClient(values['mongo-url']);
const clientB = DESIGNS.includes('b') ? new MongoClient(values['mongo-b-url']) : undefined;
const pgClient = new pg.Client({ connectionString: values['pg-url'] });
await clientA.connect();
await clientB?.connect();
await pgClient.connect();
const dbA = clientA.db();
const dbB = clientB?.db();
console.log(
  `${new Date().toISOString()} sizes ${SIZES} designs ${DESIGNS} runs ≤${RUNS} budget ${BUDGET_MS} ms/query`,
);
try {
  for (const size of SIZES) {
    const docs = makeCases(size).sort(newestFirst);
    const perStreet = Object.fromEntries(STREETS.map((s) => [s, 0]));
    for (const d of docs) perStreet[d.location.street]++;
    const streetPick = STREETS[6]; // mid-sized: weight 7 of 78
    const deepAt = docs[Math.floor(size / 2)].lastEventAt;
    console.log(
      `size ${size}: open ${docs.filter((d) => d.status === 'open').length}, ` +
        `${streetPick} ${perStreet[streetPick]}, deep cursor ${deepAt}`,
    );
    if (DESIGNS.includes('a')) {
      const coll = await loadMongo(dbA, `cases_${size}`, docs, true);
      await measureFerret('a', dbA, coll, docs, streetPick, deepAt);
      if (!values['keep-data']) await coll.drop();
    }
    if (DESIGNS.includes('b')) {
      const coll = await loadMongo(dbB, `cases_${size}`, docs, true);
      await twinsForB(pgClient, dbB.databaseName);
      await measureFerret('b', dbB, coll, docs, streetPick, deepAt);
      if (!values['keep-data']) await coll.drop();
    }
    if (DESIGNS.includes('c')) {
      const coll = await loadMongo(dbA, `cases_c_${size}`, docs.map(withBuckets), true);
      for (const f of Object.values(BUCKETS)) await coll.createIndex({ [f.field]: 1 });
      const dirs = dbA.collection(`case_dirs_${size}`);
      await dirs.drop().catch(() => undefined);
      await dirs.insertMany(directories(docs));
      await measureBuckets(dbA, coll, dirs, docs, streetPick, deepAt);
      if (!values['keep-data']) await Promise.all([coll.drop(), dirs.drop()]);
    }
    if (DESIGNS.includes('d')) await measurePostgres(pgClient, docs, streetPick, deepAt);
  }
  if (values.drop) {
    await dbA.dropDatabase();
    await dbB?.dropDatabase();
  }
} finally {
  await clientA.close();
  await clientB?.close();
  await pgClient.end();
}
