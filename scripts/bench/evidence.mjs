// Measure 6: evidence files through Gridline's path (EvidenceObjects.store, then
// EvidenceObjects.open) against the S3 server's own ceiling (a bare lib-storage Upload
// of the same bytes, a bare GetObject), on the same bucket, in the same run. Each side
// of each run is a process of its own (scripts/bench/evidence-run.mjs), so that its
// peak RSS is its own.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { root } from '../lib.mjs';
import { interleaved, median } from './common.mjs';

export const EVIDENCE_BUCKET = 'gridline-bench-evidence';
export const EVIDENCE_CLASSES = [
  { name: '10 MiB files', count: 20, mib: 10, inFlight: 4 },
  { name: '200 MiB files', count: 2, mib: 200, inFlight: 2 },
];
const VARIABLES = [
  'EVIDENCE_S3_ENDPOINT',
  'EVIDENCE_S3_REGION',
  'EVIDENCE_S3_ACCESS_KEY_ID',
  'EVIDENCE_S3_SECRET_KEY_FILE',
];

/** The S3 server's settings, as the street service takes them (the environment, else the stack's). */
export function evidenceEnv(stack) {
  const env = Object.fromEntries(
    VARIABLES.map((name) => [name, process.env[name] ?? stack[name]]).filter(([, v]) => v),
  );
  const missing = VARIABLES.filter((name) => name !== 'EVIDENCE_S3_REGION' && !env[name]);
  if (missing.length > 0)
    throw new Error(`measure 6 needs the S3 evidence store: ${missing.join(', ')} not set`);
  return env;
}

function side(which, shape, env) {
  const out = spawnSync(
    process.execPath,
    [
      path.join(root, 'scripts', 'bench', 'evidence-run.mjs'),
      which,
      String(shape.count),
      String(shape.mib),
      String(shape.inFlight),
      EVIDENCE_BUCKET,
    ],
    { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30 * 60_000 },
  );
  if (out.status !== 0)
    throw new Error(`evidence-run ${which} ${shape.name} failed: ${out.stderr || out.error}`);
  return JSON.parse(out.stdout.trim().split('\n').at(-1));
}

const busy = (r) => (r.cpuSeconds + r.serverCpuSeconds) / (r.uploadSeconds + r.downloadSeconds);

/** MB/s (10^6 bytes of the files per second). */
const mbps = (bytes, seconds) => bytes / 1e6 / seconds;

/**
 * Per class of files: upload and download MB/s of each side in each run, the
 * sides' peak RSS, CPU seconds of the process and of the S3 server, and how long
 * the server took to copy the bare side's objects (what Gridline's upload ends with).
 */
export async function evidenceMeasure({ runs, log, stack }) {
  const env = evidenceEnv(stack);
  const results = [];
  for (const shape of EVIDENCE_CLASSES) {
    const sides = { ours: [], baseline: [] };
    const once = (which, key) => () => {
      const r = side(which, shape, env);
      sides[key].push(r);
      log(
        `    ${which}: upload ${mbps(r.bytes, r.uploadSeconds).toFixed(0)} MB/s, download ${mbps(r.bytes, r.downloadSeconds).toFixed(0)} MB/s, peak RSS ${r.peakRssMB.toFixed(0)} MB`,
      );
      return Promise.resolve(mbps(r.bytes, r.uploadSeconds));
    };
    await interleaved(
      runs,
      [
        {
          name: `${shape.count} × ${shape.name}, upload MB`,
          ours: once('gridline', 'ours'),
          baseline: once('bare', 'baseline'),
        },
      ],
      log,
    );
    // The warm-up run of each side is the first: not counted.
    const counted = (list) => list.slice(1);
    const ours = counted(sides.ours);
    const bare = counted(sides.baseline);
    const of = (list, f) => list.map(f);
    results.push({
      ...shape,
      bytes: ours[0].bytes,
      upload: {
        ours: of(ours, (r) => mbps(r.bytes, r.uploadSeconds)),
        baseline: of(bare, (r) => mbps(r.bytes, r.uploadSeconds)),
      },
      download: {
        ours: of(ours, (r) => mbps(r.bytes, r.downloadSeconds)),
        baseline: of(bare, (r) => mbps(r.bytes, r.downloadSeconds)),
      },
      peakRss: {
        ours: median(of(ours, (r) => r.peakRssMB)),
        baseline: median(of(bare, (r) => r.peakRssMB)),
        loaded: median(of([...ours, ...bare], (r) => r.rssBeforeMB)),
      },
      cpuPerGB: {
        ours: median(of(ours, (r) => r.cpuSeconds / (r.bytes / 1e9))),
        baseline: median(of(bare, (r) => r.cpuSeconds / (r.bytes / 1e9))),
        serverOurs: median(of(ours, (r) => r.serverCpuSeconds / (r.bytes / 1e9))),
        serverBaseline: median(of(bare, (r) => r.serverCpuSeconds / (r.bytes / 1e9))),
      },
      /** Cores busy (this process and the S3 server's) over the upload and download. */
      cores: {
        ours: median(of(ours, busy)),
        baseline: median(of(bare, busy)),
      },
      seconds: {
        oursUpload: median(of(ours, (r) => r.uploadSeconds)),
        bareUpload: median(of(bare, (r) => r.uploadSeconds)),
        bareCopy: median(of(bare, (r) => r.copySeconds)),
      },
    });
  }
  return results;
}
