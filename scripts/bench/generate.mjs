// Loads a generated history (libs/history generated-history.ts) into an event store
// through its API: deterministic from the seed, cases appended 8 at a time, each
// case's events in order. For measure 4 (rebuild) and for trying the console on a
// large store.
//
//   node scripts/bench/generate.mjs --database-url <url> [--seed 1] [--events 1000000]
import { parseArgs } from 'node:util';
import { lib } from './common.mjs';

export async function loadGeneratedHistory(store, { seed, events, concurrency = 8, onProgress }) {
  const { generatedHistory } = await lib('history');
  const cases = generatedHistory({ seed, events });
  let appended = 0;
  const worker = async () => {
    for (let next = cases.next(); !next.done; next = cases.next()) {
      for (const { streamId, event } of next.value.events) {
        await store.appendToStream(streamId, [event]);
        appended++;
      }
      onProgress?.(appended);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return appended;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string' },
      seed: { type: 'string', default: '1' },
      events: { type: 'string', default: '1000000' },
    },
  });
  if (!values['database-url']) throw new Error('--database-url is required');
  const { openPostgresStore } = await lib('store-postgres');
  const handle = await openPostgresStore(values['database-url'], { poolSize: 10 });
  const started = performance.now();
  let last = 0;
  const total = await loadGeneratedHistory(handle.store, {
    seed: Number(values.seed),
    events: Number(values.events),
    onProgress: (n) => {
      if (n - last >= 10_000) {
        last = n;
        const rate = n / ((performance.now() - started) / 1000);
        process.stderr.write(`\r${n} events, ${Math.round(rate)}/s`);
      }
    },
  });
  process.stderr.write(
    `\n${total} events in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  await handle.close();
}
