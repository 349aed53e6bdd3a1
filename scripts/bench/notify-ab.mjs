// A probe kept for docs/performance.md: the cost of a NOTIFY inside the append's
// transaction. Runs the store's append function as it is and a copy that also
// sends NOTIFY before committing, 16 concurrent writers, interleaved rounds.
//
//   node scripts/bench/notify-ab.mjs        (after `npm run build` and `npm run infra:up`)
import { randomUUID } from 'node:crypto';
import { lib, noteEvent, scratchDatabase } from './common.mjs';

const base = process.env.DATABASE_URL ?? 'postgres://gridline:gridline@127.0.0.1:5433/gridline';
const { openPostgresStore } = await lib('store-postgres');
const { contentDigest } = await lib('eventsourcing');
const db = await scratchDatabase(base, 'gridline_notify_ab');
const handle = await openPostgresStore(db.url, { poolSize: 20 });
try {
  const { rows } = await handle.pool.query(
    "SELECT pg_get_functiondef('gridline_append'::regproc) AS source",
  );
  const withNotify = rows[0].source
    .replace('FUNCTION public.gridline_append(', 'FUNCTION public.gridline_append_notify(')
    .replace(/\nEND\n(\$function\$\s*)$/, "\n  PERFORM pg_notify('gridline_events', '');\nEND\n$1");
  if (!withNotify.includes('pg_notify')) throw new Error('could not derive the NOTIFY variant');
  await handle.pool.query(withNotify);

  const round = async (fn, writers = 16, perWriter = 150) => {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        const stream = `street-ab-${randomUUID()}`;
        for (let i = 0; i < perWriter; i++) {
          const e = noteEvent();
          await handle.pool.query(
            `SELECT * FROM ${fn}($1, -1, $2::uuid[], $3::text[], $4::jsonb[], $5::jsonb[],
                                 $6::timestamptz[], $7::text[], NULL, NULL, NULL, NULL)`,
            [
              stream,
              [e.id],
              [e.type],
              [JSON.stringify(e.data)],
              [JSON.stringify(e.metadata)],
              [e.occurredAt],
              [contentDigest({ ...e, streamId: stream })],
            ],
          );
        }
      }),
    );
    return Math.round((writers * perWriter) / ((performance.now() - started) / 1000));
  };
  await round('gridline_append', 16, 30);
  await round('gridline_append_notify', 16, 30);
  for (let r = 1; r <= 4; r++) {
    const quiet = await round('gridline_append');
    const notify = await round('gridline_append_notify');
    console.log(
      `round ${r}: appends/s, 16 writers: without NOTIFY in the transaction (as shipped) ${quiet}, with NOTIFY inside ${notify}`,
    );
  }
} finally {
  await handle.close();
  await db.drop();
}
