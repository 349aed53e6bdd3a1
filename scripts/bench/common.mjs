// Shared pieces of `npm run bench`: statistics, a throw-away database, event shapes.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { root } from '../lib.mjs';

export const lib = (name) =>
  import(pathToFileURL(path.join(root, 'dist', 'libs', name, 'src', 'index.js')).href);

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export const rate = (n) => Math.round(n).toLocaleString('en');

/** `median (min–max)` of a list of rates. */
export function spread(values) {
  return `${rate(median(values))} (${rate(Math.min(...values))}–${rate(Math.max(...values))})`;
}

/** A database of its own for a bench run, dropped by `drop()`. */
export async function scratchDatabase(baseUrl, prefix = 'gridline_bench') {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const name = `${prefix}_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    /** Drops it; retried, since a background worker (autovacuum) may still be in it. */
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            return;
          } catch (error) {
            if (attempt >= 5) {
              console.warn(`could not drop ${name}: ${error.message}`);
              return;
            }
            await new Promise((r) => setTimeout(r, 1_000 * attempt));
          }
        }
      } finally {
        await c.end();
      }
    },
  };
}

const metadataFor = (caseId) => ({
  caseId,
  correlationId: caseId,
  causationId: randomUUID(),
  actor: { id: 'officer-5', agency: 'street', kind: 'user' },
});

/** An event of a realistic size (a handling note on an issue, about 400 bytes of JSON). */
export function noteEvent(caseId = randomUUID()) {
  return {
    id: randomUUID(),
    type: 'street.issue.note-added.v1',
    data: {
      issueId: randomUUID(),
      caseId,
      noteId: randomUUID(),
      note: 'Visited the site with the community grid worker; the vendor was told where the licensed zone is.',
      addedBy: 'officer-5',
      addedAt: new Date().toISOString(),
    },
    metadata: metadataFor(caseId),
    occurredAt: new Date().toISOString(),
  };
}

/**
 * Runs `pairs` of (ours, baseline) `runs` times, alternating which goes first,
 * after one uncounted warm-up of each (connections, JIT, caches) unless told not to.
 */
export async function interleaved(runs, pairs, log, { warmup = true } = {}) {
  if (warmup)
    for (const pair of pairs) {
      await pair.ours();
      await pair.baseline();
    }
  const results = pairs.map(() => ({ ours: [], baseline: [] }));
  for (let run = 0; run < runs; run++) {
    for (const [i, pair] of pairs.entries()) {
      const order = run % 2 === 0 ? ['ours', 'baseline'] : ['baseline', 'ours'];
      for (const side of order) {
        const value = await pair[side]();
        results[i][side].push(value);
        log(`  run ${run + 1}/${runs} ${pair.name} ${side}: ${rate(value)}/s`);
      }
    }
  }
  return results;
}

/** The median of per-run ratios (each pair ran back to back: the fairest comparison). */
export function ratioOf({ ours, baseline }) {
  return median(ours.map((v, i) => v / baseline[i]));
}

export const pct = (x) => `${Math.round(x * 100)}%`;
