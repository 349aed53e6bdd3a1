// `npm run bench`: Gridline side by side with the raw capability of the same servers,
// in one run (the machine is noisy: the ratios count, not the absolute figures).
// Each measure and its baseline run back to back, `--runs` times, alternating which
// goes first; the report gives the median and the spread (min–max) of each, and the
// median of the per-run ratios. Writes docs/benchmarks.md with --write.
//
//   npm run bench -- [--runs 5] [--only 1,2,3,4,5,6,7] [--history-events 1000000] [--write]
//
// With --only, --write keeps the other measures' last results (docs/benchmarks.json)
// and says for each measure when it was run.
import { cpus, loadavg, totalmem } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { localStack, root, run } from './lib.mjs';
import {
  interleaved,
  lib,
  rate,
  median,
  pct,
  ratioOf,
  scratchDatabase,
  spread,
} from './bench/common.mjs';
import {
  batchedAppends,
  openRawPool,
  pgbenchAppendFunction,
  pgbenchInserts,
  rawBatchedInserts,
  rawSingleInserts,
  rawTable,
  singleAppends,
} from './bench/appends.mjs';
import {
  finalDocuments,
  generatedHistoryDatabase,
  gridlineRebuild,
  rawBulkWrite,
  rawKeysetRead,
} from './bench/rebuild.mjs';
import { APP_NAMES, latencyCell, latencyMeasure, metTargets, ms } from './bench/latency.mjs';
import { EVIDENCE_BUCKET, evidenceEnv, evidenceMeasure } from './bench/evidence.mjs';
import { readsMeasure, readsReport } from './bench/reads.mjs';
import {
  bareKafkajs,
  preload,
  producerPerformance,
  recordSize,
  relayMessages,
  relayRun,
  RELAY_BATCH,
} from './bench/relay.mjs';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    only: { type: 'string', default: '1,2,3,4,5,6,7' },
    'history-events': { type: 'string', default: '1000000' },
    write: { type: 'boolean', default: false },
  },
});
const runs = Number(args.runs);
const only = new Set(args.only.split(',').map(Number));
const log = (line) => console.log(line);

run('npm', ['run', '--silent', 'build']);
const stack = process.env.DATABASE_URL
  ? {
      DATABASE_URL: process.env.DATABASE_URL,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      MONGO_URL: process.env.MONGO_URL,
      ...Object.fromEntries(
        Object.entries(process.env).filter(([k]) => /^KAFKA_(TLS|SASL|CREDENTIALS)/.test(k)),
      ),
    }
  : localStack();
const brokers = stack.KAFKA_BROKERS ?? '127.0.0.1:9092';
// Measure 6 needs the S3 server: said before anything else is done.
if (only.has(6)) evidenceEnv(stack);
const { openPostgresStore, PostgresCheckpointStore } = await lib('store-postgres');
const eventsourcing = await lib('eventsourcing');
const messaging = await lib('messaging');
const contracts = await lib('contracts');

// The appends' database (1 and 2); the other measures make their own, and 6 needs none.
const appends = only.has(1) || only.has(2);
const db = appends ? await scratchDatabase(stack.DATABASE_URL) : undefined;
const handle = db
  ? await openPostgresStore(db.url, { poolSize: 20, applicationName: 'bench' })
  : undefined;
const raw = db ? await openRawPool(db.url) : undefined;
const sections = [];
const table = [];
const row = (n, measure, ours, baseline, ratio, target, met) =>
  table.push(
    `| ${n} | ${measure} | ${ours} | ${baseline} | ${ratio} | ${target} | ${met ? 'met' : '**not met**'} |`,
  );

try {
  // The relay first: it commits a checkpoint per batch, and right after the heavy
  // appends of 1 and 2 it pays for the I/O they leave behind (docs/performance.md).
  if (only.has(3)) {
    const count = 20_000;
    log(`3: relay of ${count} events vs bare kafkajs and ProducerPerformance`);
    const relayDb = await scratchDatabase(stack.DATABASE_URL, 'gridline_bench_relay');
    const relayHandle = await openPostgresStore(relayDb.url, {
      poolSize: 4,
      applicationName: 'bench-relay',
    });
    try {
      await preload(relayHandle.store, relayHandle.pool, count);
      const kafka = messaging.createKafka(
        {
          brokers: brokers.split(','),
          clientId: 'bench',
          security: messaging.kafkaSecurityFromEnv(stack),
        },
        { info() {}, warn() {}, error() {} },
      );
      const checkpoints = new PostgresCheckpointStore(relayHandle.pool);
      const messages = await relayMessages({
        messaging,
        eventsourcing,
        contracts,
        store: relayHandle.store,
        count,
      });
      const size = recordSize(messages);
      const context = {
        messaging,
        eventsourcing,
        kafka,
        store: relayHandle.store,
        checkpoints,
        count,
        messages,
      };
      const [bare, perf] = await interleaved(
        runs,
        [
          {
            name: 'relay vs kafkajs',
            ours: () => relayRun(context),
            baseline: () => bareKafkajs(context),
          },
          {
            name: 'relay vs ProducerPerformance',
            ours: () => relayRun(context),
            baseline: () => Promise.resolve(producerPerformance({ brokers, count, size, stack })),
          },
        ],
        log,
      );
      const oursAll = [...bare.ours, ...perf.ours];
      const toBare = ratioOf(bare);
      const toPerf = ratioOf(perf);
      row(
        3,
        `relay publish, events/s (batches of ${RELAY_BATCH}, acks=all, idempotent, ${size} B records)`,
        spread(oursAll),
        `${spread(bare.baseline)} bare kafkajs`,
        pct(toBare),
        '≥ 80%',
        toBare >= 0.8,
      );
      row(
        '3b',
        'relay publish, against Kafka’s own producer',
        spread(perf.ours),
        `${spread(perf.baseline)} ProducerPerformance`,
        pct(toPerf),
        '≥ 25%',
        toPerf >= 0.25,
      );
    } finally {
      await relayHandle.close();
      await relayDb.drop();
    }
  }
  if (only.has(1)) {
    log('1: batched appends (100 events per append, 8 writers) vs raw multi-row INSERT');
    await rawTable(raw, 'bench_raw_batched');
    const shape = { writers: 8, appends: 10, size: 100 };
    const [r] = await interleaved(
      runs,
      [
        {
          name: 'batched',
          ours: () => batchedAppends(handle.store, shape),
          baseline: () => rawBatchedInserts(raw, 'bench_raw_batched', shape),
        },
      ],
      log,
    );
    const ratio = ratioOf(r);
    row(
      1,
      'batched append, events/s (100 per append, 8 writers, own streams)',
      spread(r.ours),
      `${spread(r.baseline)} raw multi-row INSERT`,
      pct(ratio),
      '≥ 70%',
      ratio >= 0.7,
    );
  }

  if (only.has(2)) {
    log('2: single-event appends (16 writers; 1 writer) vs pgbench one-row INSERTs');
    await rawTable(raw, 'bench_raw_single');
    const [sixteen, one, server, client] = await interleaved(
      runs,
      [
        {
          name: '16 writers',
          ours: () => singleAppends(handle.store, { writers: 16, perWriter: 200 }),
          baseline: () =>
            pgbenchInserts(db.url, 'bench_raw_single', { clients: 16, perClient: 200 }),
        },
        {
          name: '1 writer',
          ours: () => singleAppends(handle.store, { writers: 1, perWriter: 500 }),
          baseline: () =>
            pgbenchInserts(db.url, 'bench_raw_single', { clients: 1, perClient: 500 }),
        },
        {
          name: 'gridline_append through pgbench, 16 clients',
          ours: () => pgbenchAppendFunction(db.url, { clients: 16, perClient: 200 }),
          baseline: () =>
            pgbenchInserts(db.url, 'bench_raw_single', { clients: 16, perClient: 200 }),
        },
        {
          name: 'node-pg raw INSERT, 16 connections',
          ours: () => rawSingleInserts(raw, 'bench_raw_single', { writers: 16, perWriter: 200 }),
          baseline: () =>
            pgbenchInserts(db.url, 'bench_raw_single', { clients: 16, perClient: 200 }),
        },
      ],
      log,
    );
    const ratio = ratioOf(sixteen);
    const scaling = median(sixteen.ours) / median(one.ours);
    const pgbenchScaling = median(sixteen.baseline) / median(one.baseline);
    row(
      2,
      'single-event appends, events/s, 16 writers',
      spread(sixteen.ours),
      `${spread(sixteen.baseline)} pgbench, 16 clients`,
      pct(ratio),
      '≥ 60%',
      ratio >= 0.6,
    );
    row(
      '2b',
      'single-event appends, 1 writer; ratio: 16 writers ÷ 1 writer',
      spread(one.ours),
      `${spread(one.baseline)} pgbench, 1 client (pgbench scales ${pgbenchScaling.toFixed(1)}×)`,
      `${scaling.toFixed(1)}×`,
      '≥ 4×',
      scaling >= 4,
    );
    const serverRatio = ratioOf(server);
    table.push(
      `| 2c | reference: the store's append function alone, called by pgbench (no Node.js) | ${spread(server.ours)} | ${spread(server.baseline)} pgbench one-row INSERT, 16 clients | ${pct(serverRatio)} | — | what an append costs the server |`,
    );
    const clientRatio = ratioOf(client);
    table.push(
      `| 2d | reference: the same one-row INSERT through node-pg, 16 connections (no Gridline code) | ${spread(client.ours)} | ${spread(client.baseline)} pgbench, 16 clients | ${pct(clientRatio)} | — | the client library's own ceiling |`,
    );
  }

  if (only.has(4)) {
    const events = Number(args['history-events']);
    log(`4: rebuild of the read models from ${events} stored events vs raw read + raw bulk insert`);
    const history = await generatedHistoryDatabase(stack.DATABASE_URL, { seed: 1, events }, log);
    const readModels = await lib('read-models');
    const mongoUrl = new URL(stack.MONGO_URL ?? 'mongodb://127.0.0.1:27017/gridline');
    mongoUrl.pathname = '/gridline_bench';
    const mongo = await readModels.openMongo(mongoUrl.toString(), 'bench');
    const historyStore = await openPostgresStore(history.url, {
      poolSize: 4,
      applicationName: 'bench-rebuild',
    });
    // The production rebuild also writes each set's case index (ADR 0007), here in
    // the history's database.
    const indexes = new readModels.ReadModelIndexes(historyStore.pool, mongo.db.databaseName);
    const seconds = { ours: [], read: [], write: [] };
    try {
      let documents;
      const ours = async () => {
        const r = await gridlineRebuild({
          readModels,
          store: historyStore.store,
          db: mongo.db,
          suffix: '_bench_ours',
          indexes,
        });
        seconds.ours.push(r.seconds);
        documents ??= await finalDocuments(readModels, mongo.db, '_bench_ours');
        return r.rate;
      };
      const baseline = async () => {
        // The identical final documents, from our first (uncounted) rebuild.
        const read = await rawKeysetRead(historyStore.pool);
        const write = await rawBulkWrite({
          readModels,
          db: mongo.db,
          suffix: '_bench_raw',
          documents,
        });
        seconds.read.push(read.seconds);
        seconds.write.push(write.seconds);
        return read.events / (read.seconds + write.seconds);
      };
      // A run is minutes long: no separate warm-up (the first rebuild supplies the
      // baseline's documents before any run is counted).
      await ours();
      seconds.ours.length = 0;
      const [r] = await interleaved(runs, [{ name: 'rebuild', ours, baseline }], log, {
        warmup: false,
      });
      const ratio = ratioOf(r);
      const medianSeconds = median(seconds.ours);
      row(
        4,
        `rebuild of the timeline and case read models, events/s (${rate(history.events)} events)`,
        spread(r.ours),
        `${spread(r.baseline)} raw keyset read + raw unordered insert of the same final documents`,
        pct(ratio),
        '≥ 60%',
        ratio >= 0.6,
      );
      row(
        '4b',
        `rebuild of ${rate(history.events)} events, seconds`,
        `${medianSeconds.toFixed(0)} s (${Math.min(...seconds.ours).toFixed(0)}–${Math.max(...seconds.ours).toFixed(0)})`,
        `raw read ${median(seconds.read).toFixed(0)} s + raw insert ${median(seconds.write).toFixed(0)} s`,
        '—',
        '≤ 120 s',
        medianSeconds <= 120,
      );
      const counts = Object.entries(documents)
        .map(([k, v]) => `${k} ${rate(v.length)}`)
        .join(', ');
      sections.push(`### 4. Documents the rebuild wrote\n\n${counts}.\n`);
    } finally {
      for (const suffix of ['_bench_ours', '_bench_raw'])
        await readModels.dropReadModelSet(mongo.db, suffix, indexes);
      await historyStore.close();
      await mongo.close();
    }
  }

  if (only.has(5)) {
    log('5: command → timeline visible through the gateway, open loop, vs the raw chain');
    const r = await latencyMeasure({ stack, runs, log, messaging });
    const how = `open loop ${r.seconds} s per run, latency from each command's scheduled send (coordinated omission corrected), HDR histograms merged over the runs`;
    const target = 'p50 ≤ 25, p99 ≤ 150, p99.9 ≤ 500';
    const rawChain = 'raw chain (PostgreSQL commit → Kafka produce → consume → one MongoDB insert)';
    const p50Ratio = (s) => `${(s.ours.p50 / s.raw.p50).toFixed(0)}× at p50`;
    row(
      5,
      `command → timeline entry visible through the gateway's live feed, 100 commands/s, p50 / p99 / p99.9 ms (${how})`,
      latencyCell(r.at100.ours),
      `${latencyCell(r.at100.raw)} ${rawChain}`,
      p50Ratio(r.at100),
      target,
      metTargets(r.at100.ours),
    );
    row(
      '5b',
      `the same at half the maximum sustainable rate (Gridline ${r.halfRates.ours}/s, raw chain ${r.halfRates.raw}/s; medians of the runs)`,
      latencyCell(r.half.ours),
      `${latencyCell(r.half.raw)} raw chain`,
      p50Ratio(r.half),
      target,
      metTargets(r.half.ours),
    );
    const saturationRatio = median(r.saturation.ours.map((v, i) => v / r.saturation.raw[i]));
    table.push(
      `| 5c | reference: maximum sustainable rate, commands/s made visible (closed loop: ${r.loops} senders for ${r.saturationSeconds} s, at most ${r.window} commands awaiting visibility; visible ÷ time until the last was visible) | ${spread(r.saturation.ours)} (commands accepted: ${spread(r.saturation.oursAccepted)}/s) | ${spread(r.saturation.raw)} raw chain | ${pct(saturationRatio)} | — | sets the rate of 5b |`,
    );
    const mb = (x) => `${Math.round(x)} MB`;
    table.push(
      `| 5d | reference: peak RSS (VmHWM) of each app after the load of 5 | ${Object.entries(
        r.memory,
      )
        .map(([app, m]) => `${app} ${mb(m.peak)}`)
        .join(', ')} | — | — | — | — |`,
    );
    const stage = (p) => `${ms(p.p50)} / ${ms(p.p99)} / ${ms(p['p99.9'])} ms`;
    const accepted = (s) =>
      `${ms(s.accepted.p50)} / ${ms(s.accepted.p99)} / ${ms(s.accepted['p99.9'])} ms`;
    sections.push(
      `### 5. Where the latency goes, and memory under the load\n\n` +
        `The command's own answer (HTTP 201 from the street service; for the raw chain the INSERT's commit), ` +
        `from the scheduled send, p50 / p99 / p99.9: at 100/s ${accepted(r.at100.ours)} (raw ${accepted(r.at100.raw)}); ` +
        `at half the maximum ${accepted(r.half.ours)} (raw ${accepted(r.half.raw)}). ` +
        `Gridline's way on, split at the moment the projector wrote the timeline entry (its projectedAt): ` +
        `from the scheduled send until then (relay, Kafka, projector) ${stage(r.at100.ours.toReadModel)} at 100/s, ${stage(r.half.ours.toReadModel)} at half the maximum; ` +
        `from then until the gateway's live feed delivered it (the projector announces each entry on a Kafka topic once written; the gateway pushes it to the feed) ` +
        `${stage(r.at100.ours.feed)} at 100/s, ${stage(r.half.ours.feed)} at half the maximum. ` +
        `Worst lag of the open-loop sender behind its schedule: ${ms(Math.max(r.at100.ours.maxLagMs, r.half.ours.maxLagMs))} ms (Gridline), ` +
        `${ms(Math.max(r.at100.raw.maxLagMs, r.half.raw.maxLagMs))} ms (raw chain).\n\n` +
        `Peak resident set (VmHWM) and resident set at the end (VmRSS) of each app, after ${runs} run(s) of the saturation, 100/s and half-maximum loads: ` +
        `${Object.entries(r.memory)
          .map(([app, m]) => `${app} ${mb(m.peak)} peak, ${mb(m.now)} at the end`)
          .join('; ')}. ` +
        `CPU during the phases at 100/s (cores busy over the phase, median of the runs; PostgreSQL's backends that ended during a phase counted through the postmaster), Gridline: ` +
        `${[...APP_NAMES, 'ferretdb', 'postgres', 'kafka', 'bench']
          .map((what) => `${what} ${r.cpu100.ours[what].toFixed(2)}`)
          .join(
            ', ',
          )}; the whole machine ${r.cpu100.ours.machine.toFixed(2)} of ${cpus().length}. ` +
        `Raw chain: ${['ferretdb', 'postgres', 'kafka', 'bench']
          .map((what) => `${what} ${r.cpu100.raw[what].toFixed(2)}`)
          .join(', ')}; the whole machine ${r.cpu100.raw.machine.toFixed(2)}. ` +
        `The read models held ${rate(r.readModels.cases)} cases and ${rate(r.readModels.timeline)} timeline entries at the end ` +
        `(${rate(r.commands)} reports sent; each is a case of its own and leaves ${(r.readModels.timeline / r.commands).toFixed(1)} timeline entries).\n`,
    );
  }

  if (only.has(6)) {
    log(
      `6: evidence files through EvidenceObjects (store, open) vs bare lib-storage Upload and GetObject, bucket ${EVIDENCE_BUCKET}`,
    );
    const loadBefore = loadavg()[0];
    const classes = await evidenceMeasure({ runs, log, stack });
    const loadAfter = loadavg()[0];
    const others = [1, 2, 3, 4, 5].filter((m) => !only.has(m));
    const alone = others.length
      ? `This measure ran on ${new Date().toISOString().slice(0, 10)} without ${others.join(', ')} (\`--only ${[...only].join(',')}\`): their rows are from their own last runs (dates above). `
      : '';
    const mb = (x) => `${Math.round(x)} MB`;
    const [small, large] = classes;
    const what = (c) => `${c.count} files of ${c.mib} MiB, ${c.inFlight} at a time`;
    const ids = [
      ['6', '6b'],
      ['6c', '6d'],
    ];
    for (const [i, c] of classes.entries()) {
      const kind = c.mib > 25 ? 'videos' : 'photos';
      const up = ratioOf(c.upload);
      const down = ratioOf(c.download);
      table.push(
        `| ${ids[i][0]} | evidence upload, MB/s: ${what(c)} (${kind}; inspect, hash, seal, hash, multipart upload, copy to the content address) | ${spread(c.upload.ours)} | ${spread(c.upload.baseline)} bare lib-storage \`Upload\` of the same bytes (same part size and queue) | ${pct(up)} | — | no target set |`,
        `| ${ids[i][1]} | evidence download, MB/s: the same files read back (\`EvidenceObjects.open\`: hash, authenticate and decrypt each chunk, hash) | ${spread(c.download.ours)} | ${spread(c.download.baseline)} bare \`GetObject\` of the same bytes | ${pct(down)} | — | no target set |`,
      );
    }
    table.push(
      `| 6e | reference: peak RSS (VmHWM) of the process that moved the files, ${what(small)} / ${what(large)} | ${mb(small.peakRss.ours)} / ${mb(large.peakRss.ours)} | ${mb(small.peakRss.baseline)} / ${mb(large.peakRss.baseline)} bare SDK | — | — | the process held ${mb(small.peakRss.loaded)} before the first file |`,
    );
    const cpu = (c) =>
      `${c.cpuPerGB.ours.toFixed(1)} s per GB in Gridline's process against ${c.cpuPerGB.baseline.toFixed(1)} s bare, and ${c.cpuPerGB.serverOurs.toFixed(1)} s against ${c.cpuPerGB.serverBaseline.toFixed(1)} s in the S3 server`;
    const copy = (c) =>
      `a bare upload took ${c.seconds.bareUpload.toFixed(1)} s and the server's copy of the same objects ${c.seconds.bareCopy.toFixed(1)} s, against ${c.seconds.oursUpload.toFixed(1)} s for Gridline's upload`;
    sections.push(
      `### 6. Evidence files: where the time goes\n\n` +
        alone +
        `Each run moved ${rate(small.bytes / 2 ** 20)} MiB of ${small.mib} MiB files and ${rate(large.bytes / 2 ** 20)} MiB of ${large.mib} MiB files each way, per side, through SeaweedFS's S3 API (bucket \`${EVIDENCE_BUCKET}\`, emptied after each run). ` +
        `Gridline's upload ends with a server-side copy from the staging key to the content address (the stored digest is known only at the end) and deletes the staging object: ` +
        `for the ${small.mib} MiB files ${copy(small)}; for the ${large.mib} MiB files ${copy(large)} (medians). ` +
        `CPU, upload and download together (user + system, medians): ${small.mib} MiB files ${cpu(small)}; ${large.mib} MiB files ${cpu(large)}. ` +
        `Cores busy over the upload and download (that CPU ÷ the time): Gridline ${small.cores.ours.toFixed(1)} and bare ${small.cores.baseline.toFixed(1)} for the ${small.mib} MiB files, ${large.cores.ours.toFixed(1)} and ${large.cores.baseline.toFixed(1)} for the ${large.mib} MiB files, of the machine's ${cpus().length}, which the client, the S3 server and everything else on it share (load average over 1 minute: ${loadBefore.toFixed(1)} as the measure began, ${loadAfter.toFixed(1)} as it ended).\n`,
    );
  }

  if (only.has(7)) {
    const events = Number(args['history-events']);
    log(
      `7: reads at city scale (board lists, my work, statistics) at ${events} and ${Math.round(events / 10)} events vs primary-key lookups of the same documents`,
    );
    const { rows: lines, section } = readsReport(await readsMeasure({ stack, runs, log, events }));
    table.push(...lines);
    sections.push(section);
  }
} finally {
  await raw?.end();
  await handle?.close();
  await db?.drop();
}

// Results by measure: a run with --only replaces its measures and keeps the others.
const resultsFile = path.join(root, 'docs', 'benchmarks.json');
const measureOf = (line) => String(Number.parseInt(line.slice(2), 10));
const results =
  args.write && existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
const today = new Date().toISOString().slice(0, 10);
for (const measure of only)
  results[measure] = {
    date: today,
    runs,
    rows: table.filter((line) => measureOf(line) === String(measure)),
    sections: sections.filter((text) => text.startsWith(`### ${measure}.`)),
  };
const measures = Object.keys(results).sort((a, b) => Number(a) - Number(b));
const rows = measures.flatMap((m) => results[m].rows);
const when = measures.map((m) => `${m}: ${results[m].date}, ${results[m].runs} runs`).join('; ');

const report = `# Benchmarks

Measured by \`npm run bench -- --write --runs 5\` (scripts/bench.mjs; a measure at a
time with \`--only 4\`), on this project's development machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}),
${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}, PostgreSQL 15, Kafka 4.1 (single
broker, KRaft), FerretDB 1.24 and SeaweedFS 4.53 (its S3 API, for 6) from deploy/local, fresh databases and topics per run.
When each measure last ran: ${when}.

Each measure and its baseline ran back to back in every run, alternating which went
first. Figures are the median and, in brackets, the spread (lowest–highest) of the
runs; the ratio is the median of the per-run ratios (ours ÷ baseline), which is what
to read on a shared, noisy machine.

| # | measure | Gridline | baseline in the same run | ratio | target | |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

${measures.flatMap((m) => results[m].sections).join('\n')}`;

if (args.write) {
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  const file = path.join(root, 'docs', 'benchmarks.md');
  writeFileSync(file, report + (await import('./bench/notes.mjs')).notes());
  console.log(`${file} written`);
} else console.log(report);
