import type { Document } from 'mongodb';
import { freshReadModelSet } from '@gridline/testing';

// The projection looks documents up by `_id` for every event, and the case page
// reads a case's timeline by `caseId`: both must come from an index, or each
// costs a scan of the whole collection. On FerretDB 1.24 that takes the index
// twins of deploy/local/lib/ferretdb-indexes.sql; MongoDB has them natively.

const set = freshReadModelSet('lookups');

beforeAll(async () => {
  await set.collections.timeline.insertMany(
    Array.from({ length: 2_000 }, (_, i) => ({
      _id: `event-${i}`,
      caseId: `case-${i % 400}`,
      position: { commit: i, prepare: i },
    })) as never,
  );
});

/** The plan the server chose for a find, as text (FerretDB: PostgreSQL's; MongoDB: its own). */
async function plan(collection: string, filter: Document): Promise<string> {
  const explained = await set.mongo.db.command({ explain: { find: collection, filter } });
  return JSON.stringify(explained['queryPlanner']);
}

const INDEX_READ = /Index Scan|IXSCAN|IDHACK|EXPRESS_IXSCAN/;

describe('lookups the projection and the case page make', () => {
  it('finds a document by _id through an index', async () => {
    const chosen = await plan(set.collections.timeline.collectionName, { _id: 'event-1234' });
    expect(chosen).toMatch(INDEX_READ);
    expect(await set.collections.timeline.findOne({ _id: 'event-1234' })).toMatchObject({
      caseId: 'case-34',
    });
  });

  it("finds a case's timeline entries by caseId through an index", async () => {
    const chosen = await plan(set.collections.timeline.collectionName, { caseId: 'case-7' });
    expect(chosen).toMatch(INDEX_READ);
    expect(await set.collections.timeline.countDocuments({ caseId: 'case-7' })).toBe(5);
  });

  it('finds cases by _id through an index in a collection made by its first write', async () => {
    // No createIndex here: the `_id` index FerretDB makes with the table gets its twin too.
    const made = set.mongo.db.collection<{ _id: string }>(`made_by_insert${set.suffix}`);
    try {
      await made.insertMany(Array.from({ length: 500 }, (_, i) => ({ _id: `x-${i}` })));
      expect(await plan(made.collectionName, { _id: 'x-42' })).toMatch(INDEX_READ);
    } finally {
      await made.drop();
    }
  });
});
