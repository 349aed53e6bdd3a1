// `npm run bench`: measures the event store on the local PostgreSQL, side by side in
// one run (the machine is noisy: compare the ratios, not the absolute numbers), and
// writes docs/benchmarks.md. Uses a throw-away database created for the run.
//
//   npm run bench -- [--appends 1500] [--stories 80] [--write]
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { localStack, root, run } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    appends: { type: 'string', default: '1500' },
    stories: { type: 'string', default: '80' },
    write: { type: 'boolean', default: false },
  },
});
const perConfig = Number(args.appends);
run('npm', ['run', '--silent', 'build']);
const stack = process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : localStack();
const lib = (name) => pathToFileURL(path.join(root, 'dist', 'libs', name, 'src', 'index.js')).href;
if (!existsSync(new URL(lib('store-postgres')))) throw new Error('build first');
const { openPostgresStore } = await import(lib('store-postgres'));
const { InMemoryEventStore, subscribeToAll } = await import(lib('eventsourcing'));

// A database of its own for this run, dropped at the end.
const admin = new pg.Client({ connectionString: stack.DATABASE_URL });
await admin.connect();
const dbName = `gridline_bench_${Date.now()}`;
await admin.query(`CREATE DATABASE ${dbName}`);
const url = new URL(stack.DATABASE_URL);
url.pathname = `/${dbName}`;
const handle = await openPostgresStore(url.toString(), { poolSize: 40, applicationName: 'bench' });

const metadata = {
  caseId: randomUUID(),
  correlationId: randomUUID(),
  causationId: randomUUID(),
  actor: { id: 'bench', agency: 'street', kind: 'service' },
};
const event = () => ({
  id: randomUUID(),
  type: 'street.issue.noted.v1',
  data: { note: 'Visited the site; vendor informed of the rules', n: Math.random() },
  metadata,
  occurredAt: new Date().toISOString(),
});
const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function appends(store, writers, total, sameStream = false) {
  const latencies = [];
  let conflicts = 0;
  const started = performance.now();
  const shared = `street-bench-${randomUUID()}`;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      const stream = sameStream ? shared : `street-bench-${randomUUID()}`;
      for (let i = 0; i < total / writers; i++) {
        const t = performance.now();
        for (;;) {
          try {
            // Expected revision as a command handler would: read, then append at it.
            const last = sameStream
              ? (await store.readStream(stream, { direction: 'backwards', maxCount: 1 }))[0]
              : undefined;
            await store.appendToStream(
              stream,
              [event()],
              sameStream ? { expectedRevision: last?.revision ?? 'no_stream' } : {},
            );
            break;
          } catch (error) {
            if (error.name !== 'WrongExpectedVersionError') throw error;
            conflicts++;
          }
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    rate: total / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    conflicts,
  };
}

async function catchUp(store, prefix) {
  const controller = new AbortController();
  let count = 0;
  const started = performance.now();
  let lastBatch = performance.now();
  const reading = subscribeToAll(store, {
    streamPrefixes: [prefix],
    batchSize: 500,
    idleWaitMs: 200,
    signal: controller.signal,
    onBatch: (batch) => {
      count += batch.length;
      lastBatch = performance.now();
      return Promise.resolve();
    },
  });
  while (performance.now() - lastBatch < 500) await new Promise((r) => setTimeout(r, 100));
  controller.abort();
  await reading;
  return { count, rate: count / ((lastBatch - started) / 1000) };
}

const rows = [];
const fmt = (r) =>
  `${Math.round(r.rate).toLocaleString('en')} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.p99.toFixed(2)}`;
console.log(`appends per configuration: ${perConfig}`);
for (const writers of [1, 4, 16]) {
  const memory = await appends(new InMemoryEventStore(), writers, perConfig);
  const postgres = await appends(handle.store, writers, perConfig);
  rows.push(`| ${writers} writers, own streams | in-memory | ${fmt(memory)} | |`);
  rows.push(`| ${writers} writers, own streams | PostgreSQL | ${fmt(postgres)} | |`);
  console.log(
    `${writers} writers: in-memory ${Math.round(memory.rate)}/s, PostgreSQL ${Math.round(postgres.rate)}/s (p95 ${postgres.p95.toFixed(2)} ms)`,
  );
}
const contended = await appends(handle.store, 8, Math.min(400, perConfig), true);
rows.push(
  `| 8 writers, one stream (read, append, retry on conflict) | PostgreSQL | ${fmt(contended)} | ${contended.conflicts} conflicts |`,
);
console.log(
  `8 writers on one stream: ${Math.round(contended.rate)}/s, ${contended.conflicts} conflicts retried`,
);
const read = await catchUp(handle.store, 'street-bench-');
rows.push(
  `| catch-up subscription, batches of 500 | PostgreSQL | ${Math.round(read.rate).toLocaleString('en')} | | | | ${read.count} events |`,
);
console.log(`catch-up read: ${read.count} events at ${Math.round(read.rate)}/s`);

// Projection: a rebuild of the read models from vendor-story cases (about 24 events
// each) held in memory, into the MongoDB-wire server, timed per window of 250 events:
// the rate must not fall as the collections grow.
const { openMongo, rebuildReadModels } = await import(lib('read-models'));
const { appendScripted, vendorStory } = await import(lib('history'));
const stories = new InMemoryEventStore();
for (let i = 0; i < Number(args.stories); i++) await appendScripted(stories, vendorStory());
const mongoUrl = new URL(stack.MONGO_URL ?? process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/');
mongoUrl.pathname = `/${dbName}`;
const mongo = await openMongo(mongoUrl.toString(), 'bench');
const windows = [];
let windowStart = performance.now();
const projected = await rebuildReadModels({
  db: mongo.db,
  store: stories,
  suffix: '',
  batchSize: 250,
  onProgress: () => {
    const now = performance.now();
    windows.push(250 / ((now - windowStart) / 1000));
    windowStart = now;
  },
});
await mongo.db.dropDatabase();
await mongo.close();
const steady = windows.slice(0, -1); // the last window may be short
rows.push(
  `| read-model rebuild (projection), first 250 events | MongoDB wire (FerretDB on PostgreSQL) | ${Math.round(steady[0] ?? 0)} | | | | ${projected.processed} events, one at a time |`,
  `| read-model rebuild (projection), last full 250 events | MongoDB wire (FerretDB on PostgreSQL) | ${Math.round(steady.at(-1) ?? 0)} | | | | overall ${projected.eventsPerSecond}/s |`,
);
console.log(
  `projection: ${projected.processed} events, ${Math.round(steady[0] ?? 0)}/s first window, ${Math.round(steady.at(-1) ?? 0)}/s last`,
);

await handle.close();
await admin.query(`DROP DATABASE ${dbName}`);
await admin.end();

const report = `# Benchmarks

Measured by \`npm run bench -- --write\` (scripts/bench.mjs) on ${new Date().toISOString().slice(0, 10)},
on this project's development machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}),
Node.js ${process.version}, PostgreSQL 15 from deploy/local (synchronous_commit on), a fresh
database per run. ${perConfig} single-event appends per configuration. The machine is shared
and noisy: read the ratios within one run, not the absolute figures across runs.

| configuration | store | events/s | p50 ms | p95 ms | p99 ms | note |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

What the figures say:
- Appends to different streams scale with concurrent writers (per-stream advisory locks
  only serialise writers of the same stream; ADR 0004). Each append is its own
  transaction with a synchronous commit, so a single writer is bound by commit latency.
- Writers of one stream serialise: the conflicts column counts appends that had to
  re-read and retry, as a command handler does.
- Catch-up reads (what the relays and rebuilds do) run far faster than appends.
- The projection applies events one at a time (a handful of single-document writes
  each); its rate holds as the collections grow. On FerretDB's SQLite backend it did
  not: any filter beyond a bare \`_id\` was evaluated by scanning the collection, and
  the same rebuild fell from 75 to 15 events/s within 1,400 events (a one-off probe while
  investigating, no longer in the repo: the bench runs only the stack as it is) — which is why the
  local stack runs FerretDB on PostgreSQL (deploy/local/README.md).
`;
if (args.write) {
  writeFileSync(path.join(root, 'docs', 'benchmarks.md'), report);
  console.log('docs/benchmarks.md written');
} else console.log(report);
