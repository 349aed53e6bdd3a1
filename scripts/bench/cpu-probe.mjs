// A probe for docs/performance.md: Node.js CPU per event of what an append and the
// relay do besides I/O — the content digest (canonical JSON + SHA-256), plain
// JSON.stringify for comparison, and the event → CloudEvent mapping. 20,000 events,
// three rounds (the first warms the JIT).
//
//   node scripts/bench/cpu-probe.mjs        (after `npm run build`)
import { lib, noteEvent } from './common.mjs';

const { canonicalJson, contentDigest, toEnvelope } = await lib('eventsourcing');
const { toBinaryCloudEvent } = await lib('contracts');
const N = 20_000;
const events = Array.from({ length: N }, (_, i) => ({
  ...noteEvent(),
  streamId: 'street-probe',
  revision: i,
  position: { commit: 5n, prepare: BigInt(i) },
  integrity: { previousHash: 'a'.repeat(64), hash: 'b'.repeat(64) },
}));
const perEvent = (work) => {
  const started = performance.now();
  for (const e of events) work(e);
  return `${(((performance.now() - started) * 1000) / N).toFixed(1)} µs`;
};
for (let round = 1; round <= 3; round++)
  console.log(
    `round ${round}, per event: digest ${perEvent(contentDigest)}, canonical JSON ${perEvent((e) => canonicalJson({ data: e.data, metadata: e.metadata }))}, ` +
      `JSON.stringify data+metadata ${perEvent((e) => JSON.stringify(e.data) + JSON.stringify(e.metadata))}, ` +
      `CloudEvent mapping ${perEvent((e) => toBinaryCloudEvent(toEnvelope(e)))}`,
  );
