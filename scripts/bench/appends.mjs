// Measures 1 and 2: appends through the event store API against the same rows
// written raw (a multi-row INSERT through `pg`; pgbench's one-row transactions).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { noteEvent } from './common.mjs';

/** A table shaped exactly like the store's, for the raw baselines. */
export async function rawTable(pool, name) {
  await pool.query(`DROP TABLE IF EXISTS ${name}`);
  await pool.query(`CREATE TABLE ${name} (LIKE gridline_events INCLUDING ALL)`);
}

/** Events made beforehand: `writers` lists of `appends` batches of `size` events. */
function eventBatches({ writers, appends, size }) {
  return Array.from({ length: writers }, () =>
    Array.from({ length: appends }, () => Array.from({ length: size }, () => noteEvent())),
  );
}

/** Runs `work` once per writer (with its share of `batches`), all at once; events/s. */
async function timed(total, batches, work) {
  const started = performance.now();
  await Promise.all(batches.map(work));
  return total / ((performance.now() - started) / 1000);
}

/** 1: `writers` concurrent writers, each appending `appends` batches of `size` events to its own stream. */
export async function batchedAppends(store, { writers, appends, size }) {
  return timed(writers * appends * size, eventBatches({ writers, appends, size }), async (mine) => {
    const stream = `street-bench-${randomUUID()}`;
    let expectedRevision = 'no_stream';
    for (const events of mine) {
      const result = await store.appendToStream(stream, events, { expectedRevision });
      expectedRevision = result.nextExpectedRevision;
    }
  });
}

const HASH = 'ab'.repeat(32);

/** 1, baseline: the same rows as one multi-row INSERT per batch, autocommit. */
export async function rawBatchedInserts(pool, table, { writers, appends, size }) {
  return timed(writers * appends * size, eventBatches({ writers, appends, size }), async (mine) => {
    const stream = `street-raw-${randomUUID()}`;
    let revision = 0;
    for (const events of mine) {
      const values = [];
      const params = [];
      for (const e of events) {
        const n = params.length;
        values.push(
          `($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}, $${n + 7}, $${n + 8}, $${n + 9})`,
        );
        params.push(
          e.id,
          stream,
          revision++,
          e.type,
          JSON.stringify(e.data),
          JSON.stringify(e.metadata),
          e.occurredAt,
          HASH,
          HASH,
        );
      }
      await pool.query(
        `INSERT INTO ${table} (event_id, stream_id, stream_revision, event_type, data, metadata,
                                 occurred_at, previous_hash, hash)
           VALUES ${values.join(', ')}`,
        params,
      );
    }
  });
}

/** 2: single-event appends, each writer on streams of its own. Returns events/s and latencies. */
export async function singleAppends(store, { writers, perWriter }) {
  return timed(writers * perWriter, Array.from({ length: writers }), async () => {
    const stream = `street-bench-${randomUUID()}`;
    let expectedRevision = 'no_stream';
    for (let i = 0; i < perWriter; i++) {
      const result = await store.appendToStream(stream, [noteEvent()], { expectedRevision });
      expectedRevision = result.nextExpectedRevision;
    }
  });
}

/** 2, reference: one-row INSERTs of the same shape through node-pg (the client's own limit). */
export async function rawSingleInserts(pool, table, { writers, perWriter }) {
  return timed(writers * perWriter, Array.from({ length: writers }), async () => {
    const stream = `street-raw-${randomUUID()}`;
    for (let i = 0; i < perWriter; i++) {
      const e = noteEvent();
      await pool.query(
        `INSERT INTO ${table} (event_id, stream_id, stream_revision, event_type, data, metadata,
                                 occurred_at, previous_hash, hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          e.id,
          stream,
          i,
          e.type,
          JSON.stringify(e.data),
          JSON.stringify(e.metadata),
          e.occurredAt,
          HASH,
          HASH,
        ],
      );
    }
  });
}

const literal = (value) => `'${JSON.stringify(value).replace(/'/g, "''")}'`;

/** 2, baseline: pgbench, one-row INSERT transactions of the same shape into `table`. */
export function pgbenchInserts(url, table, { clients, perClient }) {
  const sample = noteEvent();
  return pgbench(
    url,
    `INSERT INTO ${table} (event_id, stream_id, stream_revision, event_type, data, metadata, occurred_at, previous_hash, hash) ` +
      `VALUES (gen_random_uuid(), 'street-pgbench-' || gen_random_uuid(), 0, '${sample.type}', ` +
      `${literal(sample.data)}, ${literal(sample.metadata)}, now(), '${HASH}', '${HASH}');\n`,
    { clients, perClient },
  );
}

/**
 * 2, reference: pgbench calling the store's own append function with one event of
 * the same shape (new streams, a fixed digest): what an append costs the server,
 * without Node.js.
 */
export function pgbenchAppendFunction(url, { clients, perClient }) {
  const sample = noteEvent();
  return pgbench(
    url,
    `SELECT count(*) FROM gridline_append('street-pgbench-' || gen_random_uuid(), -2, ` +
      `ARRAY[gen_random_uuid()], ARRAY['${sample.type}'], ARRAY[${literal(sample.data)}::jsonb], ` +
      `ARRAY[${literal(sample.metadata)}::jsonb], ARRAY[now()], ARRAY['${HASH}'], NULL, NULL, NULL, NULL);\n`,
    { clients, perClient },
  );
}

function pgbench(url, sql, { clients, perClient }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gridline-pgbench-'));
  const script = path.join(dir, 'script.sql');
  writeFileSync(script, sql);
  const out = spawnSync(
    'pgbench',
    ['-n', '-c', String(clients), '-j', '2', '-t', String(perClient), '-f', script, url],
    { encoding: 'utf8' },
  );
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out.stdout)?.[1];
  if (!tps) throw new Error(`pgbench failed: ${out.stderr || out.stdout}`);
  return Number(tps);
}

export async function openRawPool(url) {
  const pool = new pg.Pool({ connectionString: url, max: 20 });
  pool.on('error', () => undefined); // idle clients ended by the database's drop
  return pool;
}
