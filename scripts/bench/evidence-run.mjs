// One side of measure 6 in a process of its own, so that its peak RSS (VmHWM) is its
// own: uploads `count` files of `mib` MiB, `inFlight` at a time, then downloads them,
// and prints what it measured as one JSON line. Run by scripts/bench/evidence.mjs:
//   node scripts/bench/evidence-run.mjs gridline|bare <count> <mib> <inFlight> <bucket>
// The bucket's address and credentials come from EVIDENCE_S3_* (the street service's).
import { createCipheriv, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { lib } from './common.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const [side, countArg, mibArg, inFlightArg, bucket] = process.argv.slice(2);
const count = Number(countArg);
const size = Number(mibArg) * 2 ** 20;
const inFlight = Number(inFlightArg);
const MiB = 2 ** 20;
/** What an HTTP request body arrives in (Node's socket reads). */
const CHUNK = 64 * 1024;
/** EvidenceObjects' multipart settings, which the bare upload uses too. */
const PART = 8 * MiB;
const QUEUE = 2;

const { EvidenceObjects, newDataKey, readSecretFile } = await lib('evidence-store');

/** 4 MiB of AES-CTR keystream from a fixed key: the same incompressible bytes every run. */
const block = (() => {
  const cipher = createCipheriv('aes-256-ctr', Buffer.alloc(32, 7), Buffer.alloc(16, 1));
  return Buffer.concat([cipher.update(Buffer.alloc(4 * MiB)), cipher.final()]);
})();
/** An MP4 (ftyp box) for a video, a JPEG (SOI, APP0) for a photo: sniffed as such. */
const header = (kind) =>
  kind === 'video'
    ? Buffer.from([0, 0, 0, 0x20, ...Buffer.from('ftypisom')])
    : Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
const kind = size > 25 * MiB ? 'video' : 'photo';

/** File `index`: `size` bytes from the block (its own offset), in 64 KiB chunks, never held whole. */
function file(index) {
  let sent = 0;
  let offset = (index * 997 * CHUNK) % block.length;
  return new Readable({
    read() {
      if (sent >= size) return this.push(null);
      const n = Math.min(CHUNK, size - sent, block.length - offset);
      let chunk = block.subarray(offset, offset + n);
      if (sent === 0) {
        chunk = Buffer.from(chunk);
        header(kind).copy(chunk);
      }
      offset = (offset + n) % block.length;
      sent += n;
      this.push(chunk);
    },
  });
}

async function drain(stream) {
  let bytes = 0;
  for await (const chunk of stream) bytes += chunk.length;
  return bytes;
}

/** Runs `task(i)` for i < count, `inFlight` at a time; seconds taken. */
async function timed(task) {
  const started = process.hrtime.bigint();
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** CPU seconds (user + system) of the S3 server's processes (`weed`), when they can be seen. */
function serverCpu() {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'weed') continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks / 100;
}

const status = () => readFileSync('/proc/self/status', 'utf8');
const mb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status())?.[1]) / 1024;

const objects = EvidenceObjects.connect({
  endpoint: process.env.EVIDENCE_S3_ENDPOINT,
  region: process.env.EVIDENCE_S3_REGION || 'us-east-1',
  bucket,
  accessKeyId: process.env.EVIDENCE_S3_ACCESS_KEY_ID,
  secretAccessKey: readSecretFile(process.env.EVIDENCE_S3_SECRET_KEY_FILE),
});
await objects.ensureBucket();
const { client } = objects;
const run = randomUUID();
const keys = [];
const stored = [];
const keysOf = [];
const rssBefore = mb('VmRSS');
const cpu0 = { self: process.cpuUsage(), server: serverCpu() };

let uploadSeconds;
let downloadSeconds;
let copySeconds;
let read = 0;
if (side === 'gridline') {
  // Inspect (type, size), hash, seal, hash the sealed bytes, multipart upload to the
  // staging key, copy to the content address, delete the staging object.
  uploadSeconds = await timed(async (i) => {
    const dataKey = newDataKey();
    const result = await objects.store(`bench-${run}-${i}`, file(i), { kind, dataKey });
    stored[i] = { file: result, dataKey };
    keys.push(result.key);
  });
  // Read, hash the sealed bytes, authenticate and decrypt each chunk, hash the file.
  downloadSeconds = await timed(async (i) => {
    const bytes = await drain(await objects.open(stored[i].file, stored[i].dataKey));
    read += bytes;
  });
} else {
  uploadSeconds = await timed(async (i) => {
    const key = `bench/${run}/${i}`;
    await new Upload({
      client,
      params: { Bucket: bucket, Key: key, Body: file(i), ContentType: 'application/octet-stream' },
      partSize: PART,
      queueSize: QUEUE,
      leavePartsOnError: false,
    }).done();
    keys.push(key);
    keysOf[i] = key;
  });
  downloadSeconds = await timed(async (i) => {
    const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keysOf[i] }));
    const bytes = await drain(answer.Body);
    read += bytes;
  });
}
const cpu = process.cpuUsage(cpu0.self);
const server = serverCpu() - cpu0.server;
const peak = mb('VmHWM');
if (side === 'bare') {
  // For the notes: what the server-side copy costs that Gridline's upload ends with.
  copySeconds = await timed(async (i) => {
    const key = `${keysOf[i]}-copy`;
    await client.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: key,
        CopySource: `${bucket}/${keysOf[i]}`,
        ContentType: 'application/octet-stream',
        MetadataDirective: 'REPLACE',
      }),
    );
    keys.push(key);
  });
}
for (const key of keys)
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
objects.close();
if (read !== count * size) throw new Error(`read ${read} bytes, expected ${count * size}`);
console.log(
  JSON.stringify({
    side,
    bytes: count * size,
    uploadSeconds,
    downloadSeconds,
    copySeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    serverCpuSeconds: server,
    rssBeforeMB: rssBefore,
    peakRssMB: peak,
  }),
);
