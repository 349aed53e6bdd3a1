// What a write costs on the MongoDB-wire server (ADR 0002, docs/performance.md 4):
// 2,000 inserts in one insertMany against 2,000 replacements by `_id`, sent 32 to
// a command (more than about 50 update statements in one command hang FerretDB
// 1.24 for good, so that is not probed here), and 500 lookups by `_id`, on a
// collection of 60,000 documents. Whether the lookup reads an index is printed:
// on FerretDB it does only with deploy/local/lib/ferretdb-indexes.sql installed.
// Then three behaviours ADR 0002 names: a find by `$in` of 50 ids, 20 overlapping
// updates of one document, and `$ne` on a path into an array of documents.
//
//   node scripts/bench/ferretdb-probe.mjs [--mongo-url mongodb://127.0.0.1:27017/gridline_bench]
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';

const { values } = parseArgs({
  options: { 'mongo-url': { type: 'string', default: 'mongodb://127.0.0.1:27017/gridline_bench' } },
});
const client = new MongoClient(values['mongo-url']);
await client.connect();
const probe = client.db().collection(`probe_${Date.now()}`);
const doc = (i, n) => ({
  _id: `case-${String(i).padStart(8, '0')}`,
  n,
  status: 'open',
  streams: { a: 1, b: 2 },
  agencies: ['swc', 'street'],
  assignments: [{ id: 'x', dueAt: '2026-01-01T00:00:00Z' }],
});
try {
  for (let k = 0; k < 60; k++)
    await probe.insertMany(Array.from({ length: 1_000 }, (_, i) => doc(k * 1_000 + i, 0)));
  let started = performance.now();
  await probe.insertMany(Array.from({ length: 2_000 }, (_, i) => doc(100_000 + i, 0)));
  const insertMs = (performance.now() - started) / 2_000;
  started = performance.now();
  for (let i = 0; i < 2_000; i += 32)
    await probe.bulkWrite(
      Array.from({ length: Math.min(32, 2_000 - i) }, (_, j) => ({
        replaceOne: {
          filter: { _id: doc((i + j) * 29, 0)._id },
          replacement: doc((i + j) * 29, 1),
        },
      })),
    );
  const replaceMs = (performance.now() - started) / 2_000;
  started = performance.now();
  for (let i = 0; i < 500; i++) await probe.findOne({ _id: doc(i * 97, 0)._id });
  const lookupMs = (performance.now() - started) / 500;
  const plan = JSON.stringify(
    (await client.db().command({ explain: { find: probe.collectionName, filter: { _id: 'x' } } }))
      .queryPlanner,
  );
  const indexed = /Index Scan|IXSCAN|IDHACK/.test(plan) ? 'from an index' : 'by a scan';
  console.log(
    `insert ${insertMs.toFixed(2)} ms/document, replace by _id ${replaceMs.toFixed(2)} ms/document, ` +
      `lookup by _id ${lookupMs.toFixed(2)} ms (${indexed})`,
  );
  // $in on _id is not pushed down: 50 ids looked up at once.
  started = performance.now();
  await probe
    .find({ _id: { $in: Array.from({ length: 50 }, (_, i) => doc(i * 997, 0)._id) } })
    .toArray();
  console.log(`find of 50 ids by $in ${(performance.now() - started).toFixed(0)} ms`);
  // Overlapping updates of one document: how many of 20 survive (MongoDB: all).
  await probe.insertOne({ _id: 'overlap', steps: [], n: 0 });
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      probe.updateOne({ _id: 'overlap' }, { $push: { steps: i }, $inc: { n: 1 } }),
    ),
  );
  const overlap = await probe.findOne({ _id: 'overlap' });
  console.log(`20 overlapping updates of one document: ${overlap.n} applied`);
  // $ne on a path into an array of documents (MongoDB: 0, none is equal) against $nor.
  await probe.insertOne({ _id: 'steps', steps: [{ e: 'a' }, { e: 'b' }] });
  const ne = await probe.countDocuments({ _id: 'steps', 'steps.e': { $ne: 'a' } });
  const nor = await probe.countDocuments({ _id: 'steps', $nor: [{ 'steps.e': 'a' }] });
  console.log(`'steps.e': {$ne: 'a'} matches ${ne}, $nor matches ${nor} (MongoDB: 0 and 0)`);
} finally {
  await probe.drop();
  await client.close();
}
