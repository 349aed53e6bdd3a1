// Measure 5: command → timeline entry visible through the gateway's live feed, open
// loop (each command sent at its scheduled time, whether or not the earlier ones are
// done), against the raw chain the platform stands on — a PostgreSQL commit, a Kafka
// produce → consume and one MongoDB upsert — measured the same way. Latency runs from
// the command's *scheduled* send time, so a stall delays every command behind it and
// is counted (coordinated omission); HDR histograms in microseconds.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import kafkajs from 'kafkajs';
import pg from 'pg';
import * as hdr from 'hdr-histogram-js';
import { DEV_AUDIENCE, DEV_ISSUER, devKeys } from '../dev-keys.mjs';
import { kafkaEnvOf, root } from '../lib.mjs';
import { lib, median, rate, scratchDatabase } from './common.mjs';

export const TARGETS = { p50: 25, p99: 150, 'p99.9': 500 };
const BASE_PORT = 15_000;
export const APP_NAMES = ['gateway', 'swc-service', 'drc-service', 'street-service', 'projector'];
const APPS = APP_NAMES;
/** Grid workers the load is spread over: the write rate limit is per principal (20/s). */
const WORKERS = 64;
/** A command whose entry is not visible this long after the last send is lost. */
const TIMEOUT_MS = 30_000;
const PHASE = { seconds: 15, saturationSeconds: 10, loops: 16, window: 500 };

const { AssignerProtocol } = kafkajs;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** An HDR histogram of latencies in microseconds, 1 µs to 60 s, 3 significant digits. */
export const histogram = () =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });

/** Records a latency in milliseconds as whole microseconds, within the histogram's range. */
const record = (h, milliseconds) =>
  h.recordValue(Math.min(60_000_000, Math.max(1, Math.round(milliseconds * 1000))));

/** p50 / p99 / p99.9 / max of a histogram, in milliseconds. */
export function percentiles(h) {
  const at = (p) => h.getValueAtPercentile(p) / 1000;
  return {
    p50: at(50),
    p99: at(99),
    'p99.9': at(99.9),
    max: h.maxValue / 1000,
    count: h.totalCount,
  };
}

export const ms = (x) =>
  x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en', { maximumFractionDigits: 0 });

/** Who is waiting for which entry, and entries that arrived before anyone waited. */
class Visibility {
  arrived = new Map();
  waiting = new Map();
  expired = false;

  /** A phase begins: waiting is possible again. */
  begin() {
    this.expired = false;
  }

  lastArrival = 0;

  arrive(key, at) {
    this.lastArrival = at;
    const waiter = this.waiting.get(key);
    if (waiter) {
      this.waiting.delete(key);
      waiter(at);
    } else if (!this.expired) this.arrived.set(key, at);
  }

  /** Resolves with the arrival time (performance.now()), or undefined once `expire`d. */
  until(key) {
    const at = this.arrived.get(key);
    if (at !== undefined) {
      this.arrived.delete(key);
      return Promise.resolve(at);
    }
    if (this.expired) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.set(key, resolve));
  }

  /** The phase's time is up: whoever still waits gets undefined, and so does anyone later. */
  expire() {
    this.expired = true;
    for (const resolve of this.waiting.values()) resolve(undefined);
    this.waiting.clear();
    this.arrived.clear();
  }
}

/** Waits for `promises` at most `timeoutMs`, then gives up on the rest (they resolve undefined). */
async function settle(visibility, promises, timeoutMs) {
  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([Promise.all(promises), timeout]);
  clearTimeout(timer);
  visibility.expire();
}

/**
 * Waits until nothing has become visible for `quietMs` and `backlog()` (messages
 * not yet consumed) was 0 at two checks a second apart — a backlog left by a phase
 * that outran the pipeline drains before the next phase — at most `maxMs`; the
 * seconds waited.
 */
async function drained(visibility, backlog, { quietMs = 2_000, maxMs = 180_000 } = {}) {
  const start = performance.now();
  let empty = 0;
  for (;;) {
    await sleep(1_000);
    const waiting = await backlog();
    empty = waiting === 0 ? empty + 1 : 0;
    if (performance.now() - visibility.lastArrival >= quietMs && empty >= 2) break;
    if (performance.now() - start > maxMs) {
      console.warn(`  still ${waiting} messages to consume after ${maxMs / 1000} s; going on`);
      break;
    }
  }
  return (performance.now() - start) / 1000;
}

/**
 * Messages not yet consumed by the consumer groups of a namespace (the apps'
 * reactions and projector, the raw chain's consumer): for each group, the
 * partitions assigned to its members, from the committed offset to the end.
 */
async function kafkaBacklog(admin, namespace) {
  const { groups } = await admin.listGroups();
  // Not the gateways' feed consumers: they keep no offsets (TimelineFeed), and
  // what they deliver is what `visibility` measures.
  const ids = groups
    .map((g) => g.groupId)
    .filter((id) => id.startsWith(`${namespace}.`) && !id.startsWith(`${namespace}.gateway.feed.`));
  if (ids.length === 0) return 0;
  const ends = new Map();
  let waiting = 0;
  for (const group of (await admin.describeGroups(ids)).groups) {
    const topics = new Set();
    for (const member of group.members) {
      const assigned = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
      for (const topic of Object.keys(assigned?.assignment ?? {})) topics.add(topic);
    }
    if (topics.size === 0) continue;
    for (const { topic, partitions } of await admin.fetchOffsets({
      groupId: group.groupId,
      topics: [...topics],
    })) {
      if (!ends.has(topic)) ends.set(topic, await admin.fetchTopicOffsets(topic));
      for (const { partition, offset } of partitions) {
        const end = ends.get(topic).find((p) => p.partition === partition);
        if (!end) continue;
        const committed = Number(offset) < 0 ? Number(end.low) : Number(offset);
        waiting += Math.max(0, Number(end.high) - committed);
      }
    }
  }
  return waiting;
}

/**
 * Open loop: `rate` commands a second for `seconds`, command i sent at t0 + i/rate
 * whatever happened to the earlier ones; latency = visible − scheduled.
 */
export async function openLoop(side, { rate: perSecond, seconds }) {
  side.visibility.begin();
  const h = histogram();
  const acceptance = histogram();
  const total = Math.round(perSecond * seconds);
  const interval = 1000 / perSecond;
  const failures = new Map();
  let lost = 0;
  const one = async (scheduled) => {
    let key;
    try {
      key = await side.fire();
    } catch (error) {
      failures.set(error.message, (failures.get(error.message) ?? 0) + 1);
      return;
    }
    record(acceptance, performance.now() - scheduled);
    const at = await side.visibility.until(key);
    if (at === undefined) lost++;
    else {
      record(h, at - scheduled);
      seen.push({ key, scheduled, at });
    }
  };
  const seen = [];
  const pending = [];
  const t0 = performance.now() + 20;
  let lag = 0;
  for (let i = 0; i < total; i++) {
    const scheduled = t0 + i * interval;
    const wait = scheduled - performance.now();
    if (wait >= 1) await sleep(wait);
    lag = Math.max(lag, performance.now() - scheduled);
    pending.push(one(scheduled));
  }
  await settle(side.visibility, pending, TIMEOUT_MS);
  await Promise.all(pending);
  // Where the time went: until the entry was in the read model, then until the feed showed it.
  const stages = { toReadModel: histogram(), feed: histogram() };
  if (side.projectedAt) {
    const projected = await side.projectedAt(seen.map((c) => c.key));
    for (const { key, scheduled, at } of seen) {
      const written = projected.get(key);
      if (written === undefined) continue;
      const writtenAt = written - performance.timeOrigin;
      record(stages.toReadModel, writtenAt - scheduled);
      record(stages.feed, at - writtenAt);
    }
  }
  return { histogram: h, acceptance, stages, sent: total, lost, failures, lagMs: lag };
}

/**
 * Closed loop to find the maximum sustainable rate: `loops` senders, each sending
 * its next command as soon as the last one was accepted, for `seconds`, while
 * fewer than `window` accepted commands wait to become visible (so the senders
 * outrun the pipeline by that much at most). The rate: commands made visible ÷
 * the time from the first send until the last of them was visible (a pipeline
 * slower than the senders shows its own pace while its backlog drains).
 */
export async function saturation(side, { loops, window, seconds }) {
  side.visibility.begin();
  const start = performance.now();
  const end = start + seconds * 1000;
  let visible = 0;
  let lastVisible = start;
  let sent = 0;
  let lost = 0;
  let outstanding = 0;
  const failures = new Map();
  const pending = [];
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (performance.now() < end) {
        if (outstanding >= window) {
          await sleep(2);
          continue;
        }
        outstanding++;
        try {
          const key = await side.fire();
          sent++;
          pending.push(
            side.visibility.until(key).then((at) => {
              outstanding--;
              if (at === undefined) lost++;
              else {
                visible++;
                lastVisible = Math.max(lastVisible, at);
              }
            }),
          );
        } catch (error) {
          outstanding--;
          failures.set(error.message, (failures.get(error.message) ?? 0) + 1);
          await sleep(10);
        }
      }
    }),
  );
  const accepted = sent / ((performance.now() - start) / 1000);
  await settle(side.visibility, pending, 120_000);
  await Promise.all(pending);
  return { rate: visible / ((lastVisible - start) / 1000), accepted, sent, lost, failures };
}

/** The body of a street report (as the e2e tests send), numbered. */
const report = (n) => ({
  category: 'littering',
  severity: 'low',
  location: {
    street: 'Desheng',
    community: 'Liupukang',
    grid: 'G-0603',
    description: `bin ${n}`,
  },
  description: `Overflowing bin number ${n} next to the market entrance`,
});

/** The five built apps as child processes on ports 15000–15004, against `env`. */
async function startApps(env, log, stack) {
  const keys = devKeys();
  const apps = APPS.map((name, i) => {
    const port = BASE_PORT + i;
    const child = spawn(process.execPath, [path.join('dist', 'apps', name, 'src', 'main.js')], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        JWT_PUBLIC_KEY_FILE: keys.publicKeyFile,
        ...(name === 'street-service' ? { PII_MASTER_KEY_FILE: keys.piiMasterKeyFile } : {}),
        JWT_ISSUER: DEV_ISSUER,
        JWT_AUDIENCE: DEV_AUDIENCE,
        ...env,
        ...kafkaEnvOf(stack, name),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = [];
    const keep = (chunk) => {
      output.push(chunk.toString());
      if (output.length > 200) output.shift();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    return { name, port, url: `http://127.0.0.1:${port}`, child, output };
  });
  const stop = () =>
    Promise.all(
      apps.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  try {
    await Promise.all(
      apps.map(async (app) => {
        const deadline = Date.now() + 120_000;
        while (Date.now() < deadline) {
          if (app.child.exitCode !== null) break;
          try {
            if ((await fetch(`${app.url}/health/ready`)).ok) return;
          } catch {
            // not listening yet
          }
          await sleep(250);
        }
        throw new Error(`${app.name} did not become ready:\n${app.output.join('')}`);
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  log(`  apps ready on ports ${BASE_PORT}–${BASE_PORT + APPS.length - 1}`);
  return { apps, stop, url: (name) => apps.find((a) => a.name === name).url };
}

/** CPU seconds the whole machine has been busy so far (all cores, /proc/stat). */
function machineBusySeconds() {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** CPU seconds of the servers (all processes named so: FerretDB, PostgreSQL, Kafka's JVM). */
function serverCpuSeconds() {
  const total = { ferretdb: 0, postgres: 0, kafka: 0 };
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      const server = comm === 'java' ? 'kafka' : comm;
      // With the children it reaped: PostgreSQL's backends that ended meanwhile
      // are counted in the postmaster's (a live one is counted on its own).
      if (server in total) total[server] += cpuSecondsOf(pid, { reaped: true });
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/**
 * CPU seconds (user + system) a process has used so far; with `reaped`, also
 * those of its children that ended and that it waited for.
 */
function cpuSecondsOf(pid, { reaped = false } = {}) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime, stime, cutime and
  // cstime are 14 to 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = Number(fields[11]) + Number(fields[12]);
  const children = reaped ? Number(fields[13]) + Number(fields[14]) : 0;
  return (own + children) / 100;
}

/** VmHWM (peak resident set) and VmRSS of a process, in MB. */
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
}

/**
 * The gateway's live feed (GET /api/stream, server-sent events), one connection:
 * every timeline entry that comes through marks its event visible. Reconnects
 * with Last-Event-ID if the connection drops.
 */
function followFeed(url, token, visibility) {
  const controller = new AbortController();
  let lastId;
  let connected;
  const ready = new Promise((resolve) => (connected = resolve));
  const loop = (async () => {
    while (!controller.signal.aborted) {
      try {
        const response = await fetch(`${url}/api/stream`, {
          headers: {
            authorization: `Bearer ${token}`,
            ...(lastId ? { 'last-event-id': lastId } : {}),
          },
          signal: controller.signal,
        });
        if (response.status !== 200) throw new Error(`stream answered ${response.status}`);
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const now = performance.now();
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (block.startsWith(': connected')) connected();
            const id = /^id: (.+)$/m.exec(block)?.[1];
            const data = /^data: (.+)$/m.exec(block)?.[1];
            if (id) lastId = id;
            if (data && /^event: timeline$/m.test(block))
              visibility.arrive(JSON.parse(data).eventId, now);
          }
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        console.warn(`  live feed dropped (${error.message}); reconnecting`);
        await sleep(500);
      }
    }
  })();
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('the live feed did not open in 30 s')), 30_000);
  });
  return {
    ready: Promise.race([ready, timeout]).finally(() => clearTimeout(timer)),
    async close() {
      controller.abort();
      await loop;
    },
  };
}

/** Our side: POST /api/issues on the street service, visible in the gateway's feed. */
async function gridline({ stack, name, dbUrl, log }) {
  const platform = await lib('platform');
  const messaging = await lib('messaging');
  const mongoUrl = new URL(stack.MONGO_URL ?? 'mongodb://127.0.0.1:27017/gridline');
  mongoUrl.pathname = `/${name}`;
  // The apps sign in to Kafka as their own users: their topics and rights first.
  await messaging.applyKafkaAccess(
    messaging.createKafka(
      {
        brokers: (stack.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
        clientId: 'bench-acls',
        security: messaging.kafkaSecurityFromEnv(stack),
      },
      { info() {}, warn() {}, error() {} },
    ),
    messaging.kafkaAccessPlan(new messaging.KafkaNames(name.replace(/_/g, '-'))),
  );
  const running = await startApps(
    {
      DATABASE_URL: dbUrl,
      KAFKA_BROKERS: stack.KAFKA_BROKERS ?? '127.0.0.1:9092',
      MONGO_URL: mongoUrl.toString(),
      KAFKA_NAMESPACE: name.replace(/_/g, '-'),
    },
    log,
    stack,
  );
  const clients = [];
  try {
    const { privateKeyPem } = devKeys();
    const sign = (claims) =>
      platform.signDevToken(privateKeyPem, claims, {
        issuer: DEV_ISSUER,
        audience: DEV_AUDIENCE,
        expiresIn: '2h',
      });
    const workers = await Promise.all(
      Array.from({ length: WORKERS }, (_, i) =>
        sign({ sub: `bench-worker-${i}`, agency: 'street', roles: ['grid-worker'] }),
      ),
    );
    const coordinator = await sign({ sub: 'bench-coord', agency: 'swc', roles: ['coordinator'] });
    const visibility = new Visibility();
    let feed = followFeed(running.url('gateway'), coordinator, visibility);
    await feed.ready;
    /**
     * The feed is closed while the raw chain is measured, which should have the
     * servers to itself. Reopened, it starts at the current end (a phase starts
     * once the last one has drained).
     */
    const feedOn = async (on) => {
      if (on && !feed) {
        feed = followFeed(running.url('gateway'), coordinator, visibility);
        await feed.ready;
      } else if (!on && feed) {
        await feed.close();
        feed = undefined;
      }
    };
    const issues = `${running.url('street-service')}/api/issues`;
    let n = 0;
    const fire = async () => {
      const i = n++;
      const response = await fetch(issues, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${workers[i % WORKERS]}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(report(i)),
        signal: AbortSignal.timeout(60_000),
      });
      if (response.status !== 201) {
        await response.arrayBuffer();
        throw new Error(`HTTP ${response.status}`);
      }
      return (await response.json()).eventId;
    };
    const readModels = new MongoClient(mongoUrl.toString());
    await readModels.connect();
    clients.push(readModels);
    /** When the projector wrote each event's timeline entry (ms since the epoch). */
    const projectedAt = async (eventIds) => {
      const found = new Map();
      for (let i = 0; i < eventIds.length; i += 500) {
        const entries = await readModels
          .db()
          .collection('timeline')
          .find({ _id: { $in: eventIds.slice(i, i + 500) } }, { projection: { projectedAt: 1 } })
          .toArray();
        for (const e of entries) found.set(e._id, e.projectedAt);
      }
      return found;
    };
    const side = { name: 'Gridline', visibility, fire, count: () => n, projectedAt };
    // The first report goes through once consumer groups have joined: wait for it.
    visibility.begin();
    const first = await fire();
    const arrived = visibility.until(first);
    await settle(visibility, [arrived], 120_000);
    if ((await arrived) === undefined)
      throw new Error('the first report never reached the live feed');
    return {
      side,
      feedOn,
      memory: () =>
        Object.fromEntries(running.apps.map(({ name: app, child }) => [app, memoryOf(child.pid)])),
      cpu: () => ({
        ...Object.fromEntries(
          running.apps.map(({ name: app, child }) => [app, cpuSecondsOf(child.pid)]),
        ),
        ...serverCpuSeconds(),
        bench: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
        machine: machineBusySeconds(),
      }),
      /** Cases and timeline entries in the read models now. */
      async readModelSizes() {
        const db = readModels.db();
        return {
          cases: await db.collection('cases').countDocuments(),
          timeline: await db.collection('timeline').countDocuments(),
        };
      },
      async close() {
        await feed?.close();
        for (const client of clients) await client.close();
        await running.stop();
      },
    };
  } catch (error) {
    for (const client of clients) await client.close();
    await running.stop();
    throw error;
  }
}

/**
 * The raw chain: INSERT of one row (autocommit) → kafkajs produce (acks=all,
 * idempotent; what waits while a send is in flight goes in the next one, as a
 * relay batches) → a kafkajs consumer in this process → one MongoDB insert.
 */
async function rawChain({ stack, name, dbUrl, messaging }) {
  const pool = new pg.Pool({ connectionString: dbUrl, max: 20, application_name: 'bench-raw' });
  await pool.query(
    `CREATE TABLE bench_raw_events (id uuid PRIMARY KEY, case_id uuid NOT NULL,
       type text NOT NULL, data jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())`,
  );
  const mongoUrl = new URL(stack.MONGO_URL ?? 'mongodb://127.0.0.1:27017/gridline');
  mongoUrl.pathname = `/${name}`;
  const mongo = new MongoClient(mongoUrl.toString());
  await mongo.connect();
  const timeline = mongo.db().collection('bench_raw_timeline');
  const kafka = messaging.createKafka(
    {
      brokers: (stack.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      clientId: 'bench-raw',
      security: messaging.kafkaSecurityFromEnv(stack),
    },
    { info() {}, warn() {}, error: (m, f) => console.error(m, f) },
  );
  const topic = `${name.replace(/_/g, '-')}.raw-chain`;
  await messaging.ensureTopics(kafka, [topic]);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const visibility = new Visibility();
  const consumer = kafka.consumer({
    groupId: `${name.replace(/_/g, '-')}.raw-chain`,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
  });
  const joined = new Promise((resolve) => {
    const remove = consumer.on(consumer.events.GROUP_JOIN, () => {
      remove();
      resolve();
    });
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value.toString());
      // An insert, as the projector writes timeline entries: on FerretDB 1.24 an
      // upsert that finds nothing scans the whole collection (~2 µs a document).
      try {
        await timeline.insertOne({ _id: event.id, ...event, projectedAt: Date.now() });
      } catch (error) {
        if (error.code !== 11000) throw error;
      }
      visibility.arrive(event.id, performance.now());
    },
  });
  await joined;

  let queue = [];
  let sending = false;
  const publish = async () => {
    sending = true;
    while (queue.length > 0) {
      const messages = queue;
      queue = [];
      try {
        await producer.send({ topic, acks: -1, messages });
      } catch (error) {
        console.warn(`  raw chain: produce failed: ${error.message}`);
      }
    }
    sending = false;
  };
  let n = 0;
  const fire = async () => {
    const i = n++;
    const caseId = randomUUID();
    const event = {
      id: randomUUID(),
      caseId,
      type: 'street.issue.reported.v1',
      data: { issueId: randomUUID(), caseId, ...report(i), reportedBy: `bench-worker-${i % 64}` },
      metadata: { caseId, correlationId: caseId, causationId: randomUUID() },
      occurredAt: new Date().toISOString(),
    };
    await pool.query(
      'INSERT INTO bench_raw_events (id, case_id, type, data) VALUES ($1, $2, $3, $4)',
      [event.id, caseId, event.type, event.data],
    );
    queue.push({ key: caseId, value: JSON.stringify(event) });
    if (!sending) void publish();
    return event.id;
  };
  const side = { name: 'raw chain', visibility, fire };
  visibility.begin();
  const first = visibility.until(await fire());
  await settle(visibility, [first], 60_000);
  if ((await first) === undefined) throw new Error('the raw chain did not deliver its first row');
  return {
    side,
    async close() {
      await consumer.disconnect();
      await producer.disconnect();
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
      await pool.end();
      await mongo.close();
    },
  };
}

const merge = (histograms) => {
  const all = histogram();
  for (const h of histograms) all.add(h);
  return all;
};

const countOf = (failures) => [...failures.values()].reduce((a, b) => a + b, 0);

/**
 * Measure 5: `runs` runs of (saturation, 100/s, half the saturation rate) for
 * Gridline and the raw chain, alternating which goes first; returns merged
 * histograms per phase and side, the saturation rates and each app's peak RSS.
 */
export async function latencyMeasure({ stack, runs, log, messaging }) {
  const db = await scratchDatabase(stack.DATABASE_URL, 'gridline_bench_latency');
  const mongoUrl = new URL(stack.MONGO_URL ?? 'mongodb://127.0.0.1:27017/gridline');
  mongoUrl.pathname = `/${db.name}`;
  let ours;
  let raw;
  const admin = messaging
    .createKafka(
      {
        brokers: (stack.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
        clientId: 'bench-backlog',
        security: messaging.kafkaSecurityFromEnv(stack),
      },
      { info() {}, warn() {}, error() {} },
    )
    .admin();
  try {
    await admin.connect();
    ours = await gridline({ stack, name: db.name, dbUrl: db.url, log });
    raw = await rawChain({ stack, name: db.name, dbUrl: db.url, messaging });
    const sides = { ours: ours.side, raw: raw.side };
    // What a phase left behind (reactions, projection) drains before the next one starts.
    const between = async (key) => {
      const waited = await drained(sides[key].visibility, () =>
        kafkaBacklog(admin, db.name.replace(/_/g, '-')),
      );
      if (waited > 3) log(`    (${key}: backlog drained in ${waited.toFixed(0)} s)`);
    };
    log('  warm-up: 50 commands/s for 5 s each (uncounted)');
    for (const [key, side] of Object.entries(sides)) {
      await ours.feedOn(key === 'ours');
      await openLoop(side, { rate: 50, seconds: 5 });
      await between(key);
    }

    const result = {
      saturation: { ours: [], raw: [] },
      at100: { ours: [], raw: [] },
      half: { ours: [], raw: [] },
      halfRates: { ours: [], raw: [] },
      /** Per run: each app's and the machine's CPU (cores busy) during the phases at 100/s. */
      cpu100: { ours: [], raw: [] },
    };
    const describe = (r) =>
      `${ms(percentiles(r.histogram).p50)} / ${ms(percentiles(r.histogram).p99)} / ${ms(percentiles(r.histogram)['p99.9'])} ms` +
      `, ${r.lost} lost, ${countOf(r.failures)} failed${r.failures.size ? ` (${[...r.failures.keys()].join(', ')})` : ''}`;
    for (let run = 0; run < runs; run++) {
      const order = run % 2 === 0 ? ['ours', 'raw'] : ['raw', 'ours'];
      for (const key of order) {
        await ours.feedOn(key === 'ours');
        const s = await saturation(sides[key], {
          loops: PHASE.loops,
          window: PHASE.window,
          seconds: PHASE.saturationSeconds,
        });
        result.saturation[key].push(s);
        log(
          `  run ${run + 1}/${runs} saturation ${key}: ${rate(s.rate)} visible/s (${rate(s.accepted)} accepted/s, ${s.lost} lost, ${countOf(s.failures)} failed)`,
        );
        await between(key);
      }
      for (const key of order) {
        await ours.feedOn(key === 'ours');
        const cpuBefore = ours.cpu();
        const wall = performance.now();
        const r = await openLoop(sides[key], { rate: 100, seconds: PHASE.seconds });
        const seconds = (performance.now() - wall) / 1000;
        const cpuAfter = ours.cpu();
        result.cpu100[key].push(
          Object.fromEntries(
            Object.entries(cpuAfter).map(([app, c]) => [app, (c - cpuBefore[app]) / seconds]),
          ),
        );
        result.at100[key].push(r);
        log(`  run ${run + 1}/${runs} 100/s ${key}: ${describe(r)}`);
        await between(key);
      }
      for (const key of order) {
        await ours.feedOn(key === 'ours');
        const half = Math.max(1, Math.round(result.saturation[key].at(-1).rate / 2));
        result.halfRates[key].push(half);
        const r = await openLoop(sides[key], { rate: half, seconds: PHASE.seconds });
        result.half[key].push(r);
        log(`  run ${run + 1}/${runs} half max (${half}/s) ${key}: ${describe(r)}`);
        await between(key);
      }
    }
    const memory = ours.memory();
    const summary = (results) => ({
      ...percentiles(merge(results.map((r) => r.histogram))),
      accepted: percentiles(merge(results.map((r) => r.acceptance))),
      toReadModel: percentiles(merge(results.map((r) => r.stages.toReadModel))),
      feed: percentiles(merge(results.map((r) => r.stages.feed))),
      sent: results.reduce((a, r) => a + r.sent, 0),
      lost: results.reduce((a, r) => a + r.lost, 0),
      failed: results.reduce((a, r) => a + countOf(r.failures), 0),
      maxLagMs: Math.max(...results.map((r) => r.lagMs)),
    });
    return {
      at100: { ours: summary(result.at100.ours), raw: summary(result.at100.raw) },
      half: { ours: summary(result.half.ours), raw: summary(result.half.raw) },
      halfRates: {
        ours: median(result.halfRates.ours),
        raw: median(result.halfRates.raw),
      },
      saturation: {
        ours: result.saturation.ours.map((s) => s.rate),
        raw: result.saturation.raw.map((s) => s.rate),
        oursAccepted: result.saturation.ours.map((s) => s.accepted),
      },
      memory,
      cpu100: Object.fromEntries(
        ['ours', 'raw'].map((key) => [
          key,
          Object.fromEntries(
            Object.keys(result.cpu100[key][0]).map((what) => [
              what,
              median(result.cpu100[key].map((c) => c[what])),
            ]),
          ),
        ]),
      ),
      readModels: await ours.readModelSizes(),
      commands: ours.side.count(),
      seconds: PHASE.seconds,
      loops: PHASE.loops,
      window: PHASE.window,
      saturationSeconds: PHASE.saturationSeconds,
    };
  } finally {
    await admin.disconnect();
    await ours?.close();
    await raw?.close();
    const mongo = new MongoClient(mongoUrl.toString());
    await mongo.connect();
    await mongo.db().dropDatabase();
    await mongo.close();
    await db.drop();
    await deleteNamespaceTopics(stack, messaging, db.name.replace(/_/g, '-'));
  }
}

/** The apps' topics (`<namespace>.*`): nobody else uses them. */
async function deleteNamespaceTopics(stack, messaging, namespace) {
  const kafka = messaging.createKafka(
    {
      brokers: (stack.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      clientId: 'bench-cleanup',
      security: messaging.kafkaSecurityFromEnv(stack),
    },
    { info() {}, warn() {}, error() {} },
  );
  const admin = kafka.admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${namespace}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } catch (error) {
    console.warn(`  could not delete the topics of ${namespace}: ${error.message}`);
  } finally {
    await admin.disconnect();
  }
}

/** A row's cell: `p50 / p99 / p99.9 (max) ms, n = …, lost …`. */
export function latencyCell(s) {
  const lostText = s.lost + s.failed > 0 ? `, **${s.lost} not visible, ${s.failed} failed**` : '';
  return `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s['p99.9'])} ms (max ${ms(s.max)}; ${rate(s.count)} of ${rate(s.sent)}${lostText})`;
}

export const metTargets = (s) =>
  s.p50 <= TARGETS.p50 &&
  s.p99 <= TARGETS.p99 &&
  s['p99.9'] <= TARGETS['p99.9'] &&
  s.lost === 0 &&
  s.failed === 0;
