// Measure 7: reads at city scale (issue 17, ADR 0007). The generated histories of
// measure 4 (1M events and a tenth of it) are each rebuilt once into a read-model
// set of their own (MongoDB database `gridline_bench_reads`, the case index in the
// history database), and the gateway's query classes are asked what the board, "my
// work" and the statistics ask, each sample interleaved with the same query's floor
// on the same server: a primary-key lookup of the same documents.
import { generatedHistoryDatabase } from './rebuild.mjs';
import { lib, percentile, rate } from './common.mjs';

/** The board's page size (apps/console/src/pages/Board.tsx, PAGE_SIZE). */
export const BOARD_PAGE_SIZE = 25;
const MONGO_DATABASE = 'gridline_bench_reads';
const SAMPLES = 200;
/** WorkQueries' MY_WORK_LIMIT: the items my work answers with. */
const MY_WORK_LIMIT = 200;
const WARMUP = 20;
/** A query's time budget per run and size: a slow query warms up less and stops early (at least MIN_SAMPLES). */
const BUDGET_MS = 20_000;
const MIN_SAMPLES = 5;
/** The reference row (the board's first page from the FerretDB collection): seconds per query. */
const REFERENCE = { samples: 5, warmup: 1, budgetMs: 30_000, minSamples: 2 };

const time = async (fn) => {
  const started = performance.now();
  await fn();
  return performance.now() - started;
};

/** A pool that records the SQL it is asked to run instead of running it (for EXPLAIN). */
function recordingPool() {
  const recorded = [];
  return {
    recorded,
    query: async (text, values) => {
      recorded.push({ text, values });
      return { rows: [] };
    },
  };
}

/** The plan of a statement, as one line: node types and indexes, outermost first. */
function planLine(plan, out = []) {
  const what = [plan['Node Type'], plan['Index Name'] ? `using ${plan['Index Name']}` : '']
    .filter(Boolean)
    .join(' ');
  out.push(
    `${what}${plan['Actual Rows'] !== undefined ? ` (${rate(plan['Actual Rows'] * (plan['Actual Loops'] ?? 1))} rows${plan['Rows Removed by Filter'] ? `, ${rate(plan['Rows Removed by Filter'])} filtered out` : ''})` : ''}`,
  );
  for (const child of plan.Plans ?? []) planLine(child, out);
  return out;
}

/** One read-model set rebuilt from the history of `events` events, and its queries. */
async function readSet({ readModels, openPostgresStore, stack, mongo, events, log, values, sets }) {
  const history = await generatedHistoryDatabase(stack.DATABASE_URL, { seed: 1, events }, log);
  const handle = await openPostgresStore(history.url, {
    poolSize: 4,
    applicationName: 'bench-reads',
  });
  const suffix = `_bench_reads_${events}`;
  const indexes = new readModels.ReadModelIndexes(handle.pool, mongo.db.databaseName);
  const set = { events: history.events, handle, suffix, indexes };
  sets.push(set); // dropped at the end, whatever happens from here
  log(`  rebuilding ${rate(history.events)} events into ${MONGO_DATABASE}, suffix ${suffix}`);
  const started = performance.now();
  await readModels.rebuildReadModels({ db: mongo.db, store: handle.store, suffix, indexes });
  set.rebuildSeconds = (performance.now() - started) / 1000;
  const index = indexes.cases(suffix);
  const stats = indexes.stats(suffix);
  // What autovacuum does after a bulk load, done now rather than at its leisure.
  await handle.pool.query(
    `ANALYZE ${index.table}, ${indexes.work(suffix).table}, ${stats.table}, ${stats.markers}`,
  );
  const collections = readModels.readModelCollections(mongo.db, suffix);
  set.documents = {};
  for (const [key, name] of Object.entries(readModels.readModelCollectionNames(suffix)))
    set.documents[key] = await mongo.db.collection(name).countDocuments({});
  const { rows: tableRows } = await handle.pool.query(
    `SELECT count(*)::int AS n FROM ${index.table}`,
  );
  set.documents.caseIndex = tableRows[0].n;
  const { rows: statRows } = await handle.pool.query(
    `SELECT (SELECT count(*) FROM ${stats.table})::int AS buckets,
            (SELECT count(*) FROM ${stats.markers})::int AS markers`,
  );
  set.documents.statBuckets = statRows[0].buckets;
  set.documents.statMarkers = statRows[0].markers;
  log(`  rebuilt in ${set.rebuildSeconds.toFixed(0)} s: ${JSON.stringify(set.documents)}`);

  // Filter values: chosen on the first (largest) set, the same at every size.
  if (!values.chosen)
    Object.assign(values, await chooseValues(handle.pool, index.table, collections, stats), {
      chosen: true,
    });

  const cases = new readModels.CaseQueries(collections, () => indexes.cases(suffix));
  const fromCollection = new readModels.CaseQueries(collections);
  const work = new readModels.WorkQueries(collections, () => indexes.work(suffix));
  const statistics = new readModels.StatisticsQueries(collections, () => stats);

  const { rows: middle } = await handle.pool.query(
    `SELECT last_event_at, case_id FROM ${index.table}
      ORDER BY last_event_at DESC, case_id DESC OFFSET $1 LIMIT 1`,
    [Math.floor(set.documents.caseIndex / 2)],
  );
  // The board asked as the history ends (it runs past today's date): what is overdue then.
  const { rows: end } = await handle.pool.query(
    `SELECT max(last_event_at) AS at FROM ${index.table}`,
  );
  const now = new Date(end[0].at);
  set.now = now.toISOString();
  // How many cases each filter matches (a filter that matches few walks further).
  const matching = async (where, params) =>
    (
      await handle.pool.query(
        `SELECT count(*)::int AS n FROM ${index.table} WHERE ${where}`,
        params,
      )
    ).rows[0].n;
  const v0 = values;
  set.matching = {
    status: await matching('status = $1', [v0.status]),
    street: await matching('street = $1', [v0.street]),
    grid: await matching('grid = $1', [v0.grid]),
    riskLevel: await matching('risk_level = $1', [v0.riskLevel]),
    mode: await matching('mode = $1', [v0.mode]),
    agency: await matching(`doc->'agencies' @> $1::jsonb`, [JSON.stringify([v0.agency])]),
    category: await matching('category = $1', [v0.category]),
    overdue: await matching('next_due_at < $1', [set.now]),
    visibility: await matching(`doc->'agencies' @> $1::jsonb`, [JSON.stringify([v0.visibility])]),
  };
  const cursor = readModels.encodeCursor(middle[0].last_event_at, middle[0].case_id);
  const limit = String(BOARD_PAGE_SIZE);
  const ids = (page) => page.items.map((c) => c.caseId);
  const byKey = async (ids) =>
    handle.pool.query(`SELECT doc FROM ${index.table} WHERE case_id = ANY($1::text[])`, [ids]);
  // FerretDB 1.24 answers \`_id: {$in}\` by scanning the collection and comparing each
  // document with each id (minutes for a few thousand ids in a collection of 166k):
  // on the big collections the floor is one \`findOne\` by \`_id\` per document.
  const byIdEach = (collection) => async (ids) => {
    const docs = [];
    for (const id of ids) docs.push(await collection.findOne({ _id: id }));
    return docs;
  };

  // The statistics' buckets of the year asked, and the same by primary key.
  const bucketIds = async (kind) =>
    (
      await handle.pool.query(
        `SELECT id FROM ${stats.table} WHERE kind = $1 AND month BETWEEN $2 AND $3`,
        [kind, values.from, values.to],
      )
    ).rows.map((r) => r.id);
  const bucketsByKey = (kind) => async (ids) =>
    handle.pool.query(`SELECT doc FROM ${stats.table} WHERE kind = $1 AND id = ANY($2::text[])`, [
      kind,
      ids,
    ]);
  const list = (key, label, query, visibility) => ({
    key,
    label,
    kind: 'list',
    query: () => cases.listCases(query, visibility, now),
    floorOf: async () => ids(await cases.listCases(query, visibility, now)),
    floor: byKey,
    explain: { query, visibility },
  });
  const v = values;
  set.queries = [
    list('first', 'first page, no filter', { limit }),
    list('status', `status=${v.status}`, { limit, status: v.status }),
    list('street', `street=${v.street}`, { limit, street: v.street }),
    list('grid', `grid=${v.grid}`, { limit, grid: v.grid }),
    list('riskLevel', `riskLevel=${v.riskLevel}`, { limit, riskLevel: v.riskLevel }),
    list('mode', `mode=${v.mode}`, { limit, mode: v.mode }),
    list('agency', `agency=${v.agency}`, { limit, agency: v.agency }),
    list('category', `category=${v.category}`, { limit, category: v.category }),
    list('overdue', 'overdue=true', { limit, overdue: 'true' }),
    list(
      'visibility',
      `visibility of a ${v.visibility} user (not a coordinator of SWC)`,
      { limit },
      {
        all: false,
        agency: v.visibility,
      },
    ),
    list('deep', 'a page deep in the list (cursor at the median case)', { limit, cursor }),
    {
      key: 'work',
      label: `my work of a busy coordinator (${v.principal.agency}, queue ${v.principal.agency}:coordinator)`,
      kind: 'work',
      query: () => work.forPrincipal(v.principal, now),
      // The documents it answers with (at most MY_WORK_LIMIT), by primary key from
      // the work index it reads them from.
      floorOf: async () => {
        const r = await work.forPrincipal(v.principal, now);
        set.workTotal = r.total;
        return r.items.map((i) => i.id);
      },
      floor: async (ids) =>
        handle.pool.query(
          `SELECT doc FROM ${indexes.work(suffix).table} WHERE id = ANY($1::text[])`,
          [ids],
        ),
    },
    {
      key: 'ratio721',
      label: `statistics: ratio721 over 12 months (${v.from} to ${v.to})`,
      kind: 'stats',
      query: () => statistics.ratio721({ from: v.from, to: v.to }),
      floorOf: () => bucketIds('street'),
      floor: bucketsByKey('street'),
    },
    {
      key: 'sla',
      label: `statistics: agency SLA over 12 months (${v.from} to ${v.to})`,
      kind: 'stats',
      query: () => statistics.sla({ from: v.from, to: v.to }),
      floorOf: () => bucketIds('agency'),
      floor: bucketsByKey('agency'),
    },
    {
      key: 'reference',
      label:
        'reference: first page, no filter, from the FerretDB collection (CaseQueries without the index)',
      kind: 'reference',
      query: () => fromCollection.listCases({ limit }, undefined, now),
      floorOf: async () => ids(await fromCollection.listCases({ limit }, undefined, now)),
      floor: byIdEach(collections.cases),
      ...REFERENCE,
    },
  ];
  for (const q of set.queries) q.ids = await q.floorOf();

  // The plan of each list's statement, as CaseQueries sends it.
  for (const q of set.queries.filter((x) => x.explain)) {
    const recorder = recordingPool();
    const recording = new readModels.CaseQueries(collections, () =>
      new readModels.ReadModelIndexes(recorder, mongo.db.databaseName).cases(suffix),
    );
    await recording.listCases(q.explain.query, q.explain.visibility, now);
    const { text, values: params } = recorder.recorded[0];
    const { rows } = await handle.pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, params);
    const plan = rows[0]['QUERY PLAN'][0];
    q.plan = `${planLine(plan.Plan).join(' → ')}; ${plan['Execution Time'].toFixed(1)} ms`;
  }
  return set;
}

/**
 * Values of the filters: the most common street, grid, risk level and category of
 * the cases, the rarer mode, and for the agency filter and a non-coordinator's
 * visibility the two agencies other than SWC (which takes part in every case).
 * The busy coordinator: the agency whose coordinator queue holds the most open
 * work, and of its people the one with the most personal work.
 */
async function chooseValues(pool, table, collections, stats) {
  const common = async (column, order = 'DESC') =>
    (
      await pool.query(
        `SELECT ${column} AS v, count(*) AS n FROM ${table} WHERE ${column} IS NOT NULL
          GROUP BY 1 ORDER BY 2 ${order}, 1 LIMIT 1`,
      )
    ).rows[0]?.v;
  const { rows: agencies } = await pool.query(
    `SELECT a AS agency, count(*)::int AS n FROM ${table}, jsonb_array_elements_text(doc->'agencies') a
      GROUP BY 1 ORDER BY 2 DESC`,
  );
  const others = agencies.map((a) => a.agency).filter((a) => a !== 'swc');
  let busiest = { agency: 'swc', n: -1 };
  for (const agency of ['swc', 'street', 'drc']) {
    const n = await collections.workItems.countDocuments({ queue: `${agency}:coordinator` });
    if (n > busiest.n) busiest = { agency, n };
  }
  const personal = await collections.workItems
    .find({ agency: busiest.agency, principal: { $ne: null } }, { projection: { principal: 1 } })
    .toArray();
  const counts = new Map();
  for (const d of personal) counts.set(d.principal, (counts.get(d.principal) ?? 0) + 1);
  const id =
    [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ??
    `${busiest.agency}-coordinator-1`;
  const months = (await pool.query(`SELECT DISTINCT month FROM ${stats.table}`)).rows.map(
    (d) => d.month,
  );
  const last = months.sort().at(-1);
  const [y, m] = last.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 12, 1)).toISOString().slice(0, 7);
  return {
    status: 'open',
    street: await common('street'),
    grid: await common('grid'),
    riskLevel: await common('risk_level'),
    mode: await common('mode'),
    category: await common('category'),
    agency: others[0] ?? 'street',
    visibility: others[1] ?? others[0] ?? 'drc',
    agencies,
    principal: { id, agency: busiest.agency, roles: ['coordinator'] },
    from: first,
    to: last,
  };
}

/** Interleaved samples of a query and its floor, alternating which goes first. */
async function sample(q, { samples, warmup, budgetMs, minSamples }) {
  const floor = () => q.floor(q.ids);
  // A slow query warms up for at most a quarter of its budget (at least once).
  const warm = performance.now() + budgetMs / 4;
  for (let i = 0; i < warmup; i++) {
    if (i >= 1 && performance.now() > warm) break;
    await q.query();
    await floor();
  }
  const ours = [];
  const base = [];
  const started = performance.now();
  for (let i = 0; i < samples; i++) {
    if (i >= minSamples && performance.now() - started > budgetMs) break;
    if (i % 2 === 0) {
      ours.push(await time(q.query));
      base.push(await time(floor));
    } else {
      base.push(await time(floor));
      ours.push(await time(q.query));
    }
  }
  return { ours, floor: base };
}

const figures = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
};

/**
 * Both sets rebuilt once, then `runs` runs; in each, every query of both sets
 * (the sizes alternating which goes first). Samples are merged over the runs.
 */
export async function readsMeasure({ stack, runs, log, events }) {
  const readModels = await lib('read-models');
  const { openPostgresStore } = await lib('store-postgres');
  const mongoUrl = new URL(stack.MONGO_URL ?? 'mongodb://127.0.0.1:27017/gridline');
  mongoUrl.pathname = `/${MONGO_DATABASE}`;
  const mongo = await readModels.openMongo(mongoUrl.toString(), 'bench-reads');
  const sets = [];
  const values = {};
  try {
    for (const size of [events, Math.round(events / 10)])
      await readSet({
        readModels,
        openPostgresStore,
        stack,
        mongo,
        events: size,
        log,
        values,
        sets,
      });
    const samples = sets.map((set) => set.queries.map(() => ({ ours: [], floor: [], runs: [] })));
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? [0, 1] : [1, 0];
      for (const s of order)
        for (const [i, q] of sets[s].queries.entries()) {
          const r = await sample(q, {
            samples: q.samples ?? SAMPLES,
            warmup: q.warmup ?? WARMUP,
            budgetMs: q.budgetMs ?? BUDGET_MS,
            minSamples: q.minSamples ?? MIN_SAMPLES,
          });
          const into = samples[s][i];
          into.ours.push(...r.ours);
          into.floor.push(...r.floor);
          into.runs.push({ ours: figures(r.ours), floor: figures(r.floor), n: r.ours.length });
          log(
            `  run ${run + 1}/${runs} ${rate(sets[s].events)} events, ${q.key}: p95 ${figures(r.ours).p95.toFixed(1)} ms, floor ${figures(r.floor).p95.toFixed(1)} ms (${r.ours.length} samples)`,
          );
        }
    }
    return {
      values,
      sets: sets.map((set, s) => ({
        events: set.events,
        documents: set.documents,
        rebuildSeconds: set.rebuildSeconds,
        now: set.now,
        matching: set.matching,
        workTotal: set.workTotal,
        queries: set.queries.map((q, i) => ({
          key: q.key,
          label: q.label,
          kind: q.kind,
          plan: q.plan,
          documentsRead: q.ids.length,
          samples: samples[s][i].ours.length,
          ours: figures(samples[s][i].ours),
          floor: figures(samples[s][i].floor),
          runs: samples[s][i].runs,
        })),
      })),
    };
  } finally {
    for (const set of sets) {
      await readModels.dropReadModelSet(mongo.db, set.suffix, set.indexes);
      await set.handle.close();
    }
    await mongo.close();
  }
}

const ms = (x) => (x < 10 ? x.toFixed(1) : rate(x));
const cell = (f) => `${ms(f.p50)} / ${ms(f.p95)} / ${ms(f.p99)}`;
const FLOOR = {
  list: 'floor: `SELECT doc … WHERE case_id = ANY($1)` of the page’s ids',
  work: 'floor: `SELECT doc … WHERE id = ANY($1)` of the items it answers with, from the work index',
  stats: 'floor: the buckets it reads, by primary key from the statistics table',
  reference: 'floor: the page’s documents, each by `_id` (`findOne`) from the cases collection',
};

/** The table rows (7, 7b, …) and the section of measure 7. */
export function readsReport(r) {
  const [big, small] = r.sets;
  const size = (set) =>
    set.events >= 950_000
      ? `${Math.round(set.events / 1e6)}M`
      : `${Math.round(set.events / 1000)}k`;
  const rows = [];
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (const [i, q] of big.queries.entries()) {
    const s = small.queries[i];
    const toFloorBig = q.ours.p95 / q.floor.p95;
    const toFloorSmall = s.ours.p95 / s.floor.p95;
    const growth = q.ours.p95 / s.ours.p95;
    const reference = q.kind === 'reference';
    const met =
      q.ours.p95 <= 100 &&
      s.ours.p95 <= 100 &&
      toFloorBig <= 5 &&
      toFloorSmall <= 5 &&
      growth <= 1.5;
    rows.push(
      `| ${i === 0 ? '7' : `7${letters[i]}`} | reads at city scale: ${q.label}, p50 / p95 / p99 ms at ${size(big)} and ${size(small)} events (${q.samples} and ${s.samples} samples; ${q.documentsRead} and ${s.documentsRead} documents) | ${size(big)}: ${cell(q.ours)}; ${size(small)}: ${cell(s.ours)} | ${FLOOR[q.kind]}, ${size(big)}: ${cell(q.floor)}; ${size(small)}: ${cell(s.floor)} | p95 ÷ floor ${toFloorBig.toFixed(1)}× and ${toFloorSmall.toFixed(1)}×; p95 ${size(big)} ÷ ${size(small)} ${growth.toFixed(2)} | ${reference ? '—' : 'p95 ≤ 100 ms, ≤ 5× floor; ÷ ≤ 1.5'} | ${reference ? 'before ADR 0007 (reference)' : met ? 'met' : '**not met**'} |`,
    );
  }
  const docs = (set) =>
    Object.entries(set.documents)
      .map(([k, n]) => `${k} ${rate(n)}`)
      .join(', ');
  const v = r.values;
  const plans = big.queries
    .filter((q) => q.plan)
    .map((q, i) => `${q.label}: ${q.plan} (at ${size(small)}: ${small.queries[i].plan})`)
    .join('; ');
  const section =
    `### 7. Reads at city scale: what was queried\n\n` +
    `The histories of measure 4 (seed 1) at ${rate(big.events)} and ${rate(small.events)} events, each rebuilt once per bench invocation by \`rebuildReadModels\` with the index tables (${big.rebuildSeconds.toFixed(0)} s and ${small.rebuildSeconds.toFixed(0)} s) into the MongoDB database \`${MONGO_DATABASE}\` (suffix \`_bench_reads_<events>\`) and the case and work index tables and the statistics tables in the history's own PostgreSQL database (\`ANALYZE\`d after the load), dropped at the end. ` +
    `Documents per collection at ${size(big)}: ${docs(big)}; at ${size(small)}: ${docs(small)}. ` +
    `Queried through the gateway's classes: \`new CaseQueries(collections, () => indexes.cases(suffix))\` with the board's page size (${BOARD_PAGE_SIZE}, apps/console Board.tsx), \`WorkQueries.forPrincipal\` and \`new StatisticsQueries(collections, () => indexes.stats(suffix))\`. ` +
    `Filter values (the most common of each, chosen at ${size(big)}, the same at ${size(small)}; cases matching at ${size(big)} and ${size(small)} in brackets): ${Object.keys(
      big.matching,
    )
      .map(
        (k) =>
          `${k} ${k === 'overdue' ? 'true' : v[k]} (${rate(big.matching[k])}, ${rate(small.matching[k])})`,
      )
      .join(
        ', ',
      )}; visibility is a non-coordinator's of that agency, and overdue is as of the history's last event (${big.now} and ${small.now}), which is also the \`now\` of every query: the generated histories run past today. ` +
    `Every generated case is the same vendor story moved in place and time, so the status, risk level, mode and category are the same in most cases, and every case has all three agencies: those filters select little. ` +
    `My work: principal ${v.principal.id} of ${v.principal.agency} with the role coordinator (the coordinator queue with the most work, and its person with the most personal work): ${rate(big.workTotal)} and ${rate(small.workTotal)} open items, of which the first ${MY_WORK_LIMIT} are read from the work index's partial indexes in order and the counts from the counts it keeps (the floor fetches the same ${MY_WORK_LIMIT}). ` +
    `Per run and size, each query ${SAMPLES} times after ${WARMUP} uncounted (fewer when its samples took more than ${BUDGET_MS / 1000} s, or its warm-up more than ${BUDGET_MS / 4000} s; the reference ${REFERENCE.samples} after ${REFERENCE.warmup}, within ${REFERENCE.budgetMs / 1000} s), each sample followed or preceded by its floor in turn; percentiles of the samples merged over the runs, the ratio of their p95s. ` +
    `Times are the client's: from the call to the parsed answer, over one local connection pool. ` +
    `Plans of the lists' statements (\`EXPLAIN ANALYZE\`, at ${size(big)}): ${plans}.\n`;
  return { rows, section };
}
