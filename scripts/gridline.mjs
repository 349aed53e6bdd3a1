#!/usr/bin/env node
// The analysts' command line, over the event store named by DATABASE_URL.
//   npm run gridline -- export --case <id> | --agency <a> | --from <t> --to <t> [--out file]
//   npm run gridline -- import <file> [--force]
//   npm run gridline -- as-of <caseId> <time>
//   npm run gridline -- replay --from <time> --to <time> [--case <id>] [--agency <a>]
//   npm run gridline -- rebuild [--gateway <url>] [--no-wait]   (GRIDLINE_TOKEN: an admin token)
//   npm run gridline -- verify [--stream <id> | --file <export.ndjson>] [--anchor <no>:<digest>] [--json]
//   npm run gridline -- seal [--json]
//   npm run gridline -- migrate
//   npm run gridline -- kafka-acls [--namespace <ns>]
// Exit codes: 0 done, 1 failure, 2 usage, 3 verify found a broken hash chain or seal, or a missing or
// changed evidence object. Progress goes to stderr; data to stdout or --out.
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { root } from './lib.mjs';

const DEFAULT_DATABASE_URL = 'postgres://gridline:gridline@127.0.0.1:5433/gridline';
const DEFAULT_GATEWAY = 'http://127.0.0.1:3000';
const USAGE = `usage: gridline <command> [options]   (npm run gridline -- <command> …)

  export   --case <caseId> | --agency swc|drc|street | --from <time> --to <time>  [--out <file>]
           NDJSON CloudEvents (structured mode), one event per line, in log order
  import   <file> [--force]       append an export into the store (refused unless the store is empty, or --force)
  as-of    <caseId> <time>        the case folded from the store as it stood at <time> (JSON)
  replay   --from <time> --to <time> [--case <caseId>] [--agency <a>]
           the events in between, one line each with its summary
  rebuild  [--gateway <url>] [--no-wait]
           blue/green rebuild of the read models through the gateway: asks for one (or
           follows the one running) and shows its progress until the readers switch over
  verify   [--stream <streamId> | --file <export.ndjson>] [--anchor <sealNo>:<digest>] [--json]
           checks the hash chains of the whole store, one stream, or an export file and
           names the first broken link; against the whole store, also the seals over the
           log (LOG_SEAL_PUBLIC_KEY_FILES), and with --anchor that the seal you kept
           outside is still there with its digest; and that every evidence file its
           events record has its object in the evidence bucket (EVIDENCE_S3_*) with the
           recorded SHA-256 (exit 3 when any of it is broken)
  seal     [--json]                seals the log now with LOG_SEAL_KEY_FILE and prints the
           seal (its number and digest are what you anchor outside, docs/security.md)
  migrate  creates or upgrades the store's schema and grants the services' database
           roles their rights; run with the owner's DATABASE_URL (the services' roles may not)
  kafka-acls [--namespace <ns>]
           creates the Kafka topics and grants each app's Kafka user its rights (ACLs);
           run as Kafka's owner (KAFKA_SASL_USERNAME, a super user: gridline-admin locally)

The seal keys default to this clone's (.data/keys/log-seal-key.pem and .pub.pem).
The store is DATABASE_URL (default ${DEFAULT_DATABASE_URL}); with EVENT_STORE=eventstoredb
the events are in EventStoreDB/KurrentDB at EVENTSTORE_URL (PostgreSQL keeps the audit log and keys). Times are ISO-8601.
The evidence bucket is EVIDENCE_S3_ENDPOINT, EVIDENCE_S3_BUCKET (default gridline-evidence),
EVIDENCE_S3_REGION, EVIDENCE_S3_ACCESS_KEY_ID and EVIDENCE_S3_SECRET_KEY_FILE, as the street
service takes them; without them verify says the evidence objects were not checked.
rebuild talks to the gateway (GRIDLINE_GATEWAY, default ${DEFAULT_GATEWAY}) with the
admin bearer token in GRIDLINE_TOKEN (\`npm run token -- --sub you --agency swc --roles admin\`).`;

class UsageError extends Error {}

function usage(message) {
  throw new UsageError(message);
}

async function load(lib) {
  const file = path.join(root, 'dist', 'libs', lib, 'src', 'index.js');
  if (!existsSync(file)) usage('dist/ is missing: run `npm run build` (or `npm start`) first.');
  return import(pathToFileURL(file).href);
}

function time(name, value) {
  if (value === undefined) return undefined;
  const parsed = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(parsed.getTime()))
    usage(`--${name} ${value} is not an ISO-8601 time`);
  return parsed;
}

/** events done / total, events/s, ETA on stderr; redrawn in place on a terminal. */
function progress(label, total) {
  const started = Date.now();
  const tty = process.stderr.isTTY;
  let last = 0;
  let done = 0;
  const draw = (final = false) => {
    const now = Date.now();
    if (!final && now - last < (tty ? 100 : 2_000)) return;
    last = now;
    const seconds = Math.max((now - started) / 1000, 0.001);
    const rate = done / seconds;
    const width = 24;
    const fraction = total ? Math.min(done / total, 1) : 0;
    const bar = total ? `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '-')}] ` : '';
    const eta = total && rate > 0 ? ` ETA ${Math.ceil((total - done) / rate)}s` : '';
    const line = `${label} ${bar}${done}${total ? `/${total}` : ''} events, ${rate.toFixed(0)} ev/s${final ? `, ${seconds.toFixed(1)}s` : eta}`;
    process.stderr.write(tty ? `\r${line}\x1b[K${final ? '\n' : ''}` : `${line}\n`);
  };
  return {
    tick(count) {
      done = count;
      draw();
    },
    end() {
      draw(true);
    },
  };
}

/** EVENT_STORE=eventstoredb: events in EventStoreDB/KurrentDB at EVENTSTORE_URL. */
const onEventStoreDb = () => process.env.EVENT_STORE === 'eventstoredb';

async function openStore() {
  const { openPostgresStore } = await load('store-postgres');
  const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  let eventStore;
  if (onEventStoreDb()) {
    const { openEventStoreDbStore } = await load('store-eventstoredb');
    if (!process.env.EVENTSTORE_URL) usage('EVENT_STORE=eventstoredb needs EVENTSTORE_URL');
    try {
      eventStore = await openEventStoreDbStore(process.env.EVENTSTORE_URL);
    } catch (error) {
      throw new Error(`cannot open EventStoreDB at EVENTSTORE_URL: ${error.message}`);
    }
  }
  try {
    return await openPostgresStore(url, {
      applicationName: 'gridline-cli',
      poolSize: 2,
      eventStore,
    });
  } catch (error) {
    await eventStore?.close();
    throw new Error(
      `cannot open the event store at ${url.replace(/\/\/[^@]*@/, '//…@')}: ${error.message}`,
    );
  }
}

/** How many events a selection holds, for the progress bar; EventStoreDB cannot tell cheaply. */
async function countSelected(pg, selection) {
  if (onEventStoreDb()) return undefined;
  const { countEvents } = await load('store-postgres');
  return countEvents(pg.pool, selection);
}

async function isStoreEmpty(pg) {
  if (onEventStoreDb()) return (await pg.store.readAll({ maxCount: 1 })).length === 0;
  const { isEventStoreEmpty } = await load('store-postgres');
  return isEventStoreEmpty(pg.pool);
}

async function exportCommand(args) {
  const { values } = parseArgs({
    args,
    options: {
      case: { type: 'string' },
      agency: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const from = time('from', values.from);
  const to = time('to', values.to);
  if (!values.case && !values.agency && !from && !to)
    usage('export needs --case, --agency, or a time range (--from, --to)');
  if (values.agency && !['swc', 'drc', 'street'].includes(values.agency))
    usage(`--agency ${values.agency} is not one of swc, drc, street`);
  const { exportEvents, toExportLine } = await load('history');
  const { erasedKeyIds, PostgresExportAudit } = await load('store-postgres');
  const pg = await openStore();
  try {
    const selection = {
      ...(values.case ? { caseId: values.case } : {}),
      ...(values.agency ? { agency: values.agency } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    };
    const total = await countSelected(pg, {
      ...(values.case ? { caseId: values.case } : {}),
      ...(values.agency ? { streamPrefix: `${values.agency}-` } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    });
    const audit = new PostgresExportAudit(pg.pool);
    const exportId = await audit.start(
      { principalId: `cli:${os.userInfo().username}`, roles: [] },
      {
        ...selection,
        ...(from ? { from: from.toISOString() } : {}),
        ...(to ? { to: to.toISOString() } : {}),
        via: 'cli',
      },
    );
    const out = values.out ? createWriteStream(values.out) : process.stdout;
    const bar = progress('export', total);
    let count = 0;
    try {
      const erased = await erasedKeyIds(pg.pool);
      for await (const event of exportEvents(pg.store, selection)) {
        if (!out.write(toExportLine(event, erased))) await once(out, 'drain');
        bar.tick(++count);
      }
      if (values.out) {
        out.end();
        await once(out, 'finish');
      }
      bar.end();
      await audit.finish(exportId, 'completed', count);
    } catch (error) {
      await audit.finish(exportId, 'failed', count).catch(() => undefined);
      throw error;
    }
    if (values.out) process.stderr.write(`exported ${count} events to ${values.out}\n`);
  } finally {
    await pg.close();
  }
}

async function countLines(file) {
  let lines = 0;
  for await (const chunk of createReadStream(file))
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
  return lines;
}

async function importCommand(args) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { force: { type: 'boolean', default: false } },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) usage('import needs exactly one file');
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  const { importEvents, linesOf, ImportLineError } = await load('history');
  const pg = await openStore();
  try {
    if (!values.force && !(await isStoreEmpty(pg)))
      throw new Error(
        'the target store is not empty: import into an empty store, or pass --force to append (events already there are skipped)',
      );
    const bar = progress('import', await countLines(file));
    try {
      const result = await importEvents(pg.store, linesOf(createReadStream(file)), {
        onEvent: (n) => bar.tick(n),
      });
      bar.end();
      process.stderr.write(`imported ${result.events} events from ${file}\n`);
    } catch (error) {
      bar.end();
      if (error instanceof ImportLineError)
        throw new Error(
          `${file}:${error.line}: ${error.problems.join('; ')} (events before this line are imported; fix it and run again to resume)`,
        );
      throw error;
    }
  } finally {
    await pg.close();
  }
}

async function asOfCommand(args) {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const [caseId, at] = positionals;
  if (!caseId || !at || positionals.length > 2) usage('as-of needs <caseId> <time>');
  const until = time('time', at);
  const { foldCaseHistory } = await load('history');
  const pg = await openStore();
  try {
    const view = foldCaseHistory(caseId, await pg.store.readCase(caseId, { until }));
    if (!view) throw new Error(`case ${caseId} did not exist at ${until.toISOString()}`);
    console.log(JSON.stringify({ caseId, at: until.toISOString(), case: view }, null, 2));
  } finally {
    await pg.close();
  }
}

async function replayCommand(args) {
  const { values } = parseArgs({
    args,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      case: { type: 'string' },
      agency: { type: 'string' },
    },
  });
  const from = time('from', values.from);
  const to = time('to', values.to);
  if (!from || !to) usage('replay needs --from and --to');
  if (from > to) usage('--from must not be after --to');
  const { exportEvents } = await load('history');
  const { toEnvelope } = await load('eventsourcing');
  const { summarize } = await load('read-models');
  const pg = await openStore();
  try {
    const total = await countSelected(pg, {
      ...(values.case ? { caseId: values.case } : {}),
      ...(values.agency ? { streamPrefix: `${values.agency}-` } : {}),
      from,
      to,
    });
    const bar = progress('replay', total);
    let count = 0;
    const selection = {
      from,
      to,
      ...(values.case ? { caseId: values.case } : {}),
      ...(values.agency ? { agency: values.agency } : {}),
    };
    for await (const event of exportEvents(pg.store, selection)) {
      const envelope = toEnvelope(event);
      const line = `${event.occurredAt}  ${envelope.agency.padEnd(6)} ${event.metadata.caseId}  ${event.type}  ${summarize(envelope)}\n`;
      if (!process.stdout.write(line)) await once(process.stdout, 'drain');
      bar.tick(++count);
    }
    bar.end();
  } finally {
    await pg.close();
  }
}

async function gatewayCall(gateway, token, method, pathname) {
  let response;
  try {
    response = await fetch(new URL(pathname, gateway), {
      method,
      headers: { authorization: `Bearer ${token}` },
    });
  } catch (error) {
    throw new Error(
      `cannot reach the gateway at ${gateway}: ${error.cause?.message ?? error.message}`,
    );
  }
  const body = await response.json().catch(() => ({}));
  if (response.status === 401)
    throw new Error('the gateway refused the token (401): is GRIDLINE_TOKEN valid?');
  if (response.status === 403) throw new Error('rebuilding needs the admin role (403)');
  return { status: response.status, body };
}

async function rebuildCommand(args) {
  const { values } = parseArgs({
    args,
    options: {
      gateway: { type: 'string' },
      'no-wait': { type: 'boolean', default: false },
      'poll-ms': { type: 'string', default: '500' },
    },
  });
  const gateway = values.gateway ?? process.env.GRIDLINE_GATEWAY ?? DEFAULT_GATEWAY;
  const token = process.env.GRIDLINE_TOKEN;
  if (!token) usage('rebuild needs an admin token in GRIDLINE_TOKEN');
  const pollMs = Number(values['poll-ms']);
  const asked = await gatewayCall(gateway, token, 'POST', '/api/admin/rebuilds');
  if (asked.status === 409) process.stderr.write('a rebuild is already running: following it\n');
  else if (asked.status !== 202)
    throw new Error(`the gateway answered ${asked.status}: ${JSON.stringify(asked.body)}`);
  const requestedAt = asked.status === 202 ? asked.body.requestedAt : undefined;
  if (values['no-wait']) {
    console.log(JSON.stringify(asked.body, null, 2));
    return;
  }
  let bar;
  for (;;) {
    const { status, body } = await gatewayCall(gateway, token, 'GET', '/api/admin/rebuilds');
    if (status !== 200) throw new Error(`the gateway answered ${status}: ${JSON.stringify(body)}`);
    const rebuild = body.rebuild;
    if (!rebuild) throw new Error('the gateway reports no rebuild');
    if (requestedAt && rebuild.requestedAt !== requestedAt)
      throw new Error('another rebuild replaced this one');
    if (rebuild.state === 'running' && rebuild.total !== undefined) {
      bar ??= progress(`rebuild ${rebuild.suffix ?? ''}`.trim(), rebuild.total);
      bar.tick(rebuild.processed ?? 0);
    }
    if (rebuild.state === 'failed') {
      bar?.end();
      throw new Error(`the rebuild failed: ${rebuild.error ?? 'no reason given'}`);
    }
    if (rebuild.state === 'completed') {
      if (bar) {
        bar.tick(rebuild.processed ?? 0);
        bar.end();
      }
      process.stderr.write(
        `rebuilt ${rebuild.processed ?? 0} events into read-model set ${rebuild.suffix}; readers now use ${body.live}` +
          `${rebuild.previous ? ` (set ${rebuild.previous} dropped)` : ''}\n`,
      );
      console.log(JSON.stringify(body, null, 2));
      return;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

function describeLink(link) {
  const at = `${link.streamId} revision ${link.revision}${link.eventId ? ` (event ${link.eventId})` : ''}`;
  return `${at}: ${link.reason}: ${link.detail}`;
}

/** What `verify` needs to find the evidence objects: the street service's own settings. */
const EVIDENCE_VARIABLES = [
  'EVIDENCE_S3_ENDPOINT',
  'EVIDENCE_S3_ACCESS_KEY_ID',
  'EVIDENCE_S3_SECRET_KEY_FILE',
];

/** The evidence bucket from EVIDENCE_S3_* (as the street service takes them), or what is not set. */
async function openEvidenceObjects() {
  const missing = EVIDENCE_VARIABLES.filter((name) => !process.env[name]);
  if (missing.length > 0) return { missing };
  // The SDK's notice that its later releases need Node.js 22: known, the version is pinned
  // for it (package.json); not something to print on every verify.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { EvidenceObjects, readSecretFile } = await load('evidence-store');
  let secretAccessKey;
  try {
    secretAccessKey = readSecretFile(process.env.EVIDENCE_S3_SECRET_KEY_FILE);
  } catch (error) {
    throw new Error(`EVIDENCE_S3_SECRET_KEY_FILE: ${error.message}`);
  }
  const endpoint = process.env.EVIDENCE_S3_ENDPOINT;
  const bucket = process.env.EVIDENCE_S3_BUCKET || 'gridline-evidence';
  const objects = EvidenceObjects.connect({
    endpoint,
    region: process.env.EVIDENCE_S3_REGION || 'us-east-1',
    bucket,
    accessKeyId: process.env.EVIDENCE_S3_ACCESS_KEY_ID,
    secretAccessKey,
  });
  return { objects, bucket, endpoint };
}

/** A stream's events in pages, or the whole store's in log order. */
async function* eventsToCheck(store, streamId) {
  const page = 500;
  if (streamId) {
    for (let fromRevision = 0; ;) {
      const batch = await store.readStream(streamId, { fromRevision, maxCount: page });
      yield* batch;
      if (batch.length < page) return;
      fromRevision = batch.at(-1).revision + 1;
    }
  }
  const { exportEvents } = await load('history');
  yield* exportEvents(store, {}, { batchSize: page });
}

/**
 * Every evidence file the events record: its object is in the bucket and hashes
 * to the recorded storedSha256 (no key needed). Not checked, and said so, when
 * the bucket is not configured.
 */
async function verifyEvidence(store, streamId, events) {
  const opened = await openEvidenceObjects();
  if (!opened.objects) return { checked: false, reason: `${opened.missing.join(', ')} not set` };
  const { verifyEvidenceObjects } = await load('evidence-store');
  const bar = progress('evidence', events);
  try {
    const report = await verifyEvidenceObjects(eventsToCheck(store, streamId), opened.objects, {
      concurrency: 4,
      onEvents: (n) => bar.tick(n),
    });
    bar.end();
    return { checked: true, bucket: opened.bucket, ...report };
  } catch (error) {
    throw new Error(
      `cannot check the evidence objects in bucket ${opened.bucket} at ${opened.endpoint}: ${error.message}`,
    );
  } finally {
    opened.objects.close();
  }
}

function describeEvidenceProblem(p) {
  return `evidence ${p.evidenceId} (event ${p.eventId}, ${p.eventType}, stream ${p.streamId}): object ${p.storedSha256}: ${p.detail}`;
}

/** The evidence part of verify's report, on stderr; true when a file's object is missing or changed. */
function reportEvidence(what, evidence) {
  if (!evidence.checked) {
    process.stderr.write(`${what}: evidence objects NOT CHECKED (${evidence.reason})\n`);
    return false;
  }
  const mb = (evidence.bytes / 1e6).toFixed(1);
  const counts = `${evidence.files} evidence files, ${evidence.objects} objects (${mb} MB) in bucket ${evidence.bucket}`;
  if (evidence.intact) {
    process.stderr.write(`${what}: evidence objects intact, ${counts}\n`);
    return false;
  }
  process.stderr.write(
    `${what}: evidence objects BROKEN, ${evidence.missing.length} missing, ${evidence.mismatched.length} mismatched (${counts})\n`,
  );
  const shown = 20;
  for (const [label, problems] of [
    ['missing', evidence.missing],
    ['mismatched', evidence.mismatched],
  ]) {
    for (const p of problems.slice(0, shown))
      process.stderr.write(`${label}: ${describeEvidenceProblem(p)}\n`);
    if (problems.length > shown)
      process.stderr.write(`… and ${problems.length - shown} more ${label} (--json lists all)\n`);
  }
  return true;
}

/** This clone's seal key files (scripts/dev-keys.mjs), when the environment names none. */
const LOCAL_SEAL_KEY = path.join(root, '.data', 'keys', 'log-seal-key.pem');
const LOCAL_SEAL_PUBLIC_KEY = path.join(root, '.data', 'keys', 'log-seal-key.pub.pem');

function sealPublicKeyFiles() {
  const named = (process.env.LOG_SEAL_PUBLIC_KEY_FILES ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  if (named.length > 0) return named;
  return existsSync(LOCAL_SEAL_PUBLIC_KEY) ? [LOCAL_SEAL_PUBLIC_KEY] : [];
}

function parseAnchor(text) {
  if (text === undefined) return undefined;
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text);
  if (!match) usage('--anchor is <sealNo>:<digest>, e.g. 12:3f…(64 hex digits)');
  return { sealNo: Number(match[1]), digest: match[2] };
}

/** The seals over the log, checked against the log and against an outside anchor. */
async function verifyLogSeals(pg, anchor) {
  const { verifySeals, sealPublicKeys } = await load('eventsourcing');
  const { PostgresLogSeals } = await load('store-postgres');
  const files = sealPublicKeyFiles();
  const seals = await new PostgresLogSeals(pg.pool).list();
  if (files.length === 0) {
    process.stderr.write(
      `the log's ${seals.length} seals were not checked: no public key (LOG_SEAL_PUBLIC_KEY_FILES)\n`,
    );
    return undefined;
  }
  const keys = sealPublicKeys(files.map((f) => readFileSync(f, 'utf8')));
  const report = await verifySeals(pg.store, seals, keys);
  const findings = [...report.findings];
  if (anchor) {
    const kept = seals.find((s) => s.sealNo === anchor.sealNo);
    if (!kept || kept.digest !== anchor.digest)
      findings.push({
        sealNo: anchor.sealNo,
        upTo: kept?.upTo ?? '?',
        reason: kept ? 'anchor-mismatch' : 'anchor-missing',
        detail: kept
          ? `seal ${anchor.sealNo} now has digest ${kept.digest}; the anchor kept ${anchor.digest}`
          : `seal ${anchor.sealNo}, which was anchored outside, is not in the store (seals removed)`,
      });
  }
  return { ...report, findings, intact: findings.length === 0 };
}

function reportSeals(seals) {
  if (!seals) return false;
  const last = seals.lastSeal
    ? `last seal ${seals.lastSeal.sealNo} (${seals.lastSeal.sealedAt}, ${seals.lastSeal.events} events, digest ${seals.lastSeal.digest})`
    : 'no seal yet';
  if (seals.intact) {
    process.stderr.write(
      `seals over the log: intact, ${seals.seals} checked, ${last}; ${seals.unsealedEvents} events since\n`,
    );
    return false;
  }
  process.stderr.write(`seals over the log: BROKEN, ${seals.findings.length} findings (${last})\n`);
  for (const f of seals.findings.slice(0, 20))
    process.stderr.write(`  seal ${f.sealNo} (up to ${f.upTo}): ${f.reason}: ${f.detail}\n`);
  return true;
}

async function sealCommand(args) {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  const keyFile = process.env.LOG_SEAL_KEY_FILE || LOCAL_SEAL_KEY;
  if (!existsSync(keyFile)) usage(`no seal key: set LOG_SEAL_KEY_FILE (${keyFile} does not exist)`);
  const { LogSealer, SealKey, sealPublicKeys } = await load('eventsourcing');
  const { PostgresLogSeals } = await load('store-postgres');
  const key = SealKey.fromPem(readFileSync(keyFile, 'utf8'));
  const trusted = new Map([
    ...sealPublicKeys(sealPublicKeyFiles().map((f) => readFileSync(f, 'utf8'))),
    [key.keyId, key.publicKey],
  ]);
  const pg = await openStore();
  try {
    const seals = new PostgresLogSeals(pg.pool);
    const seal = await new LogSealer(pg.store, seals, key, trusted).seal();
    const shown = seal ?? (await seals.last());
    if (values.json) console.log(JSON.stringify(shown ?? null, null, 2));
    process.stderr.write(
      seal
        ? `sealed: seal ${seal.sealNo}, ${seal.events} events up to ${seal.upTo}, digest ${seal.digest}\n`
        : `nothing appended since ${shown ? `seal ${shown.sealNo}` : 'the start'}: no new seal\n`,
    );
  } finally {
    await pg.close();
  }
}

async function migrateCommand(args) {
  parseArgs({ args, options: {} });
  const { migrateEventStore } = await load('store-postgres');
  const { version, granted } = await migrateEventStore(
    process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
  );
  process.stderr.write(
    `the store's schema is at version ${version}; rights granted to ${
      granted.join(' and ') || 'no app role (deploy/postgres/roles.sql made none in this cluster)'
    }\n`,
  );
}

async function kafkaAclsCommand(args) {
  const { values } = parseArgs({ args, options: { namespace: { type: 'string', default: '' } } });
  const messaging = await load('messaging');
  const names = new messaging.KafkaNames(values.namespace || process.env.KAFKA_NAMESPACE || '');
  const kafka = messaging.createKafka(
    {
      brokers: (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(','),
      clientId: 'gridline-kafka-acls',
      security: messaging.kafkaSecurityFromEnv(process.env),
    },
    messaging.silentLogger,
  );
  const plan = messaging.kafkaAccessPlan(names);
  const { topics, acls } = await messaging.applyKafkaAccess(kafka, plan);
  process.stderr.write(
    `kafka${names.namespace ? ` (namespace ${names.namespace})` : ''}: ${topics} topics present, ` +
      `${acls} rights granted to ${messaging.KAFKA_USERS.map(messaging.kafkaUserName).join(', ')}\n`,
  );
}

async function verifyCommand(args) {
  const { values } = parseArgs({
    args,
    options: {
      stream: { type: 'string' },
      file: { type: 'string' },
      anchor: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.stream && values.file) usage('verify takes --stream or --file, not both');
  const anchor = parseAnchor(values.anchor);
  if (anchor && (values.stream || values.file)) usage('--anchor checks the whole store only');
  let report;
  let what;
  let evidence;
  let seals;
  if (values.file) {
    if (!existsSync(values.file)) throw new Error(`${values.file} does not exist`);
    const { verifyExport, linesOf } = await load('history');
    what = values.file;
    report = await verifyExport(linesOf(createReadStream(values.file)));
  } else {
    const pg = await openStore();
    try {
      what = values.stream ? `stream ${values.stream}` : 'the event store';
      report = await pg.store.verifyIntegrity(values.stream ? { streamId: values.stream } : {});
      if (values.stream && report.streams === 0) throw new Error(`no stream ${values.stream}`);
      if (!values.stream) seals = await verifyLogSeals(pg, anchor);
      evidence = await verifyEvidence(pg.store, values.stream, report.events);
    } finally {
      await pg.close();
    }
  }
  if (values.json)
    console.log(
      JSON.stringify(
        { ...report, ...(seals ? { seals } : {}), ...(evidence ? { evidence } : {}) },
        null,
        2,
      ),
    );
  const counts = `${report.events} events in ${report.streams} streams`;
  if (report.malformed)
    process.stderr.write(
      `${what}:${report.malformed.line}: not an export line: ${report.malformed.problems.join('; ')}\n`,
    );
  if (report.intact) {
    const unchecked = report.uncheckedLinks
      ? ` (${report.uncheckedLinks} links lead to events not in the file and were not checked)`
      : '';
    process.stderr.write(`${what}: intact, ${counts}${unchecked}\n`);
  } else if (report.firstBroken) {
    const line = report.firstBrokenLine ? `${what}:${report.firstBrokenLine}: ` : '';
    process.stderr.write(
      `${what}: BROKEN, ${report.brokenStreams} of ${report.streams} streams (${counts})\n` +
        `first broken link: ${line}${describeLink(report.firstBroken)}\n`,
    );
  }
  const sealsBroken = reportSeals(seals);
  const evidenceBroken = evidence ? reportEvidence(what, evidence) : false;
  if (!report.intact || sealsBroken || evidenceBroken) process.exitCode = 3;
}

const commands = {
  export: exportCommand,
  import: importCommand,
  'as-of': asOfCommand,
  replay: replayCommand,
  rebuild: rebuildCommand,
  verify: verifyCommand,
  seal: sealCommand,
  migrate: migrateCommand,
  'kafka-acls': kafkaAclsCommand,
};

const [command, ...rest] = process.argv.slice(2);
try {
  if (!command || command === '--help' || command === 'help') {
    console.log(USAGE);
    process.exit(command ? 0 : 2);
  }
  const run = commands[command];
  if (!run) usage(`unknown command ${command}`);
  await run(rest);
} catch (error) {
  if (error instanceof UsageError || error?.code?.startsWith?.('ERR_PARSE_ARGS')) {
    console.error(`gridline: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(`gridline: ${error.message}`);
  process.exit(1);
}
