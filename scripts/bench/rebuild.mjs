// Measure 4: rebuilding the read models from a large stored history, against the
// raw capability of the same servers: a keyset read of the same events through
// `pg`, and unordered bulk inserts of the identical final documents through the
// MongoDB driver into an empty, identically indexed set.
import pg from 'pg';
import { lib } from './common.mjs';
import { loadGeneratedHistory } from './generate.mjs';

const READ_BATCH = 2_000;

/**
 * The generated history (seed, events) in a database of its own, made once and
 * kept between bench runs (about 8 minutes for 1M events here): its name says
 * what it holds, and a marker table says it was loaded to the end.
 */
export async function generatedHistoryDatabase(baseUrl, { seed, events }, log) {
  const name = `gridline_bench_history_s${seed}_${events}`;
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 1) {
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      const done = await c
        .query('SELECT events FROM bench_history_complete')
        .then((r) => r.rows[0]?.events)
        .catch(() => undefined);
      await c.end();
      if (done !== undefined) return { url: url.toString(), events: Number(done) };
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const { openPostgresStore } = await lib('store-postgres');
  const handle = await openPostgresStore(url.toString(), { poolSize: 10 });
  let total;
  try {
    const started = performance.now();
    let reported = 0;
    total = await loadGeneratedHistory(handle.store, {
      seed,
      events,
      onProgress: (n) => {
        if (n - reported >= 100_000) {
          reported = n;
          log(
            `  generated ${n} events (${Math.round(n / ((performance.now() - started) / 1000))}/s)`,
          );
        }
      },
    });
    await handle.pool.query('CREATE TABLE bench_history_complete (events bigint NOT NULL)');
    await handle.pool.query('INSERT INTO bench_history_complete VALUES ($1)', [total]);
    await handle.pool.query('VACUUM ANALYZE gridline_events');
  } finally {
    await handle.close();
  }
  return { url: url.toString(), events: total };
}

/** Ours: `rebuildReadModels` into a fresh set (and its case index); events/s. */
export async function gridlineRebuild({ readModels, store, db, suffix, indexes }) {
  const started = performance.now();
  const done = await readModels.rebuildReadModels({ db, store, suffix, indexes });
  const seconds = (performance.now() - started) / 1000;
  return { seconds, events: done.processed, rate: done.processed / seconds };
}

/** Baseline, part one: every event read in log order by keyset pages, rows parsed. */
export async function rawKeysetRead(pool) {
  const started = performance.now();
  let events = 0;
  let after = { commit: '0', prepare: '-1' };
  for (;;) {
    const { rows } = await pool.query(
      `SELECT event_id, stream_id, stream_revision, event_type, data, metadata, occurred_at,
              transaction_id::text AS commit_position, global_position, previous_hash, hash
         FROM gridline_events
        WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
        ORDER BY transaction_id, global_position
        LIMIT ${READ_BATCH}`,
      [after.commit, after.prepare],
    );
    const last = rows.at(-1);
    if (!last) break;
    events += rows.length;
    after = { commit: last.commit_position, prepare: String(last.global_position) };
  }
  return { seconds: (performance.now() - started) / 1000, events };
}

/** The final documents of a rebuilt set, held in memory for the raw write. */
export async function finalDocuments(readModels, db, suffix) {
  const documents = {};
  for (const [key, name] of Object.entries(readModels.readModelCollectionNames(suffix)))
    documents[key] = await db.collection(name).find({}).toArray();
  return documents;
}

/**
 * Baseline, part two: the identical final documents inserted into an empty,
 * identically indexed set: one unordered insertMany per collection (the driver
 * cuts it into commands of at most 100,000 documents or 48 MB), one collection
 * after the other.
 */
export async function rawBulkWrite({ readModels, db, suffix, documents }) {
  await readModels.prepareReadModelSet(db, suffix);
  const names = readModels.readModelCollectionNames(suffix);
  const started = performance.now();
  for (const [key, docs] of Object.entries(documents))
    if (docs.length > 0) await db.collection(names[key]).insertMany(docs, { ordered: false });
  return { seconds: (performance.now() - started) / 1000 };
}
