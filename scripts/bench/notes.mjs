// The fixed part of docs/benchmarks.md: what each measure does. What limits each
// figure, and what was changed, is in docs/performance.md (written from a run).
export function notes() {
  return `
## What each measure does

1. **Batched append.** 8 writers, each on a stream of its own, append 10 batches of
   100 events (a handling note, about 400 bytes of JSON) through
   \`PostgresEventStore.appendToStream\` with the expected revision, as a command
   handler would. Baseline: the same rows as one multi-row \`INSERT … VALUES\` per batch
   through \`pg\`, autocommit, into a table made \`LIKE gridline_events INCLUDING ALL\`
   (the same columns, constraints and indexes).
2. **Single-event appends.** 16 writers (200 appends each) and 1 writer (500), one
   event per append, each writer on a stream of its own. Baseline: \`pgbench -n -c 16
   -j 2 -t 200\` (and \`-c 1 -t 500\`) running a one-row \`INSERT\` of the same shape into
   an equivalent table, one transaction each. Two references in the same runs say
   where the gap is: 2c, the store's own \`gridline_append\` function called by pgbench
   (the server's cost of an append, no Node.js); 2d, the plain one-row \`INSERT\` sent
   through node-pg from 16 concurrent loops (the client library's ceiling).
3. **Relay publish.** 20,000 events preloaded in a database of their own (then \`ANALYZE\`); a fresh
   \`EventRelay\` (batches of 200, idempotent producer, acks=all) publishes them all
   from its first checkpoint into a fresh topic; timed until the last batch is
   acknowledged and checkpointed. Baselines: a bare kafkajs producer sending exactly
   the relay's messages (key, value, headers) in the same batches with the same acks;
   and Kafka's \`ProducerPerformance\` (acks=all, idempotent) with records of the same
   average size (key + value + headers), on the same broker.

Every pair of 1–3 ran once unmeasured first (connections, JIT, caches). The measures ran in
the order 3, 1, 2: the relay commits a checkpoint per batch, and run after the heavy
appends of 1 and 2 it paid for the disk work they leave behind (50% of bare kafkajs
in a run the same day, against 72–85% when it ran first or alone). What limits each
figure, and what was changed to move it: [performance.md](performance.md).

4. **Rebuild.** A history of 1,000,000 events generated from seed 1
   (\`generatedHistory\` in libs/history: vendor stories, the whole workflow of the
   three agencies, moved over six streets and twelve months) is loaded once through
   the store API into a database of its own and kept between runs
   (\`gridline_bench_history_s1_1000000\`, about 8 minutes to make). Ours:
   \`rebuildReadModels\` into a fresh, indexed collection set, timed from the first
   read to the last write. Baseline: the same events read in log order by keyset
   pages of 2,000 through \`pg\`, plus the identical final documents (taken from our
   first, uncounted rebuild) inserted into a fresh, identically indexed set with one
   unordered \`insertMany\` per collection; the two times added. A run takes minutes,
   so measure 4 has no separate warm-up run.

5. **Command → timeline latency.** The five apps are started on a database, a
   read-model database and Kafka topics of their own. \`POST /api/issues\` is sent
   open loop, at 100 commands/s and at half the maximum sustainable rate. That rate
   is found first by a closed loop of 16 senders. The latency of each command runs
   from its *scheduled* send time (this corrects for coordinated omission) to the
   moment its entry arrives on one \`GET /api/stream\` connection. Latencies go into
   HDR histograms merged over the runs. A command never made visible within 30 s is
   counted and fails the target. Baseline: the raw chain, measured the same way.
   Each command is a PostgreSQL commit, a Kafka produce, a consume, and one MongoDB
   insert. Peak RSS (VmHWM) of each app is read after the load.

6. **Evidence files.** 20 files of 10 MiB (photos, 4 at a time) and 2 of 200 MiB
   (videos, both at once), made as they are read from a fixed AES-CTR keystream (the
   same incompressible bytes for both sides, in 64 KiB chunks as a socket delivers
   them, never held whole), to SeaweedFS's S3 API in a bucket of the bench's own.
   Ours: \`EvidenceObjects.store\` (type sniffed, size limited, SHA-256 of the file,
   sealed in AES-256-GCM chunks, SHA-256 of the sealed bytes, multipart upload to a
   staging key in 8 MiB parts, 2 in flight per file, then a server-side copy to
   \`sha256/<2 hex>/<digest>\` and the staging object deleted), then
   \`EvidenceObjects.open\` of each file read to the end (both digests checked, each
   chunk authenticated and decrypted). Baseline: a bare \`@aws-sdk/lib-storage\`
   \`Upload\` of the same bytes to the same bucket with the same part size and queue,
   and a bare \`GetObject\` read to the end. MB/s are 10^6 bytes of the files per
   second, upload and download timed apart. Each side of each run is a process of
   its own, so that its peak RSS (VmHWM) is its own; no HTTP in between (the street
   service's upload route adds the request's parsing on top of \`store\`).

7. **Reads at city scale.** The history of measure 4 (\`--history-events\`, 1,000,000
   by default) and a second one of a tenth of its size (generated and kept the same
   way) are each rebuilt once per invocation by \`rebuildReadModels\` with the index
   tables (ADR 0007): collections in the MongoDB database \`gridline_bench_reads\`,
   the case and work index tables and the statistics tables in the history's
   PostgreSQL database; both dropped at the end. Asked through the gateway's classes
   (\`new CaseQueries(collections, () => indexes.cases(suffix))\`, \`new
   WorkQueries(collections, () => indexes.work(suffix))\`, \`new
   StatisticsQueries(collections, () => indexes.stats(suffix))\`): the board's first page (25, the
   console's page size) with no filter and with each filter, a non-coordinator's
   visibility, a page from a cursor at the median case, "my work" of a busy
   coordinator, and a year of ratio721 and of the agency SLA. Baseline, per query, in
   the same run and on the same server: its floor, a primary-key lookup of the same
   documents (\`SELECT doc … WHERE case_id = ANY($1)\` of the page's ids for the
   lists, \`… WHERE id = ANY($1)\` of my work's items and \`… WHERE kind = $1 AND id =
   ANY($2)\` of the statistics' buckets). Each query and its
   floor alternate, 200 samples each after 20 unmeasured, per run and size; p50 /
   p95 / p99 over the runs' samples. The same page answered from the FerretDB
   collection (\`CaseQueries\` without the index) is a reference row, with 5
   samples. Targets: p95 ≤ 100 ms and ≤ 5× the floor at both sizes, and
   the p95 at the full size ≤ 1.5× that at a tenth.
`;
}
