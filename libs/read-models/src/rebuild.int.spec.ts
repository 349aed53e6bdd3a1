import { randomUUID } from 'node:crypto';
import { InMemoryEventStore, toEnvelope, type RecordedEvent } from '@gridline/eventsourcing';
import { appendScripted, vendorStory } from '@gridline/history';
import { liveArrival, readModelContents, testInfra } from '@gridline/testing';
import { CaseTimelineProjection } from './case-timeline.projection.js';
import {
  dropReadModelCollections,
  ensureReadModelIndexes,
  readModelCollections,
} from './collections.js';
import { openMongo, type MongoHandle } from './mongo.js';
import { rebuildReadModels, ReadModelVersions, type RebuildProgress } from './rebuild.js';

let mongo: MongoHandle;
const run = randomUUID().slice(0, 8);
const live = `_live_${run}`;
const rebuilt = `_rebuilt_${run}`;

beforeAll(async () => {
  mongo = await openMongo(testInfra().mongoUrl);
});
afterAll(async () => {
  await dropReadModelCollections(mongo.db, live);
  await dropReadModelCollections(mongo.db, rebuilt);
  await mongo.close();
});

const contents = (suffix: string) => readModelContents(mongo.db, suffix);

describe('rebuilding the read models from the event store', () => {
  it('gives exactly the live read models after a realistic scenario, whatever order the live side saw', async () => {
    const store = new InMemoryEventStore();
    for (let i = 0; i < 4; i++) await appendScripted(store, vendorStory());
    const log: RecordedEvent[] = [...(await store.readAll({ maxCount: 10_000 }))];
    expect(log.length).toBeGreaterThan(60);

    const arrival = liveArrival(log);
    const liveCollections = readModelCollections(mongo.db, live);
    await ensureReadModelIndexes(liveCollections);
    const projection = new CaseTimelineProjection(liveCollections, store);
    for (const e of arrival) await projection.apply(toEnvelope(e));

    const progress: RebuildProgress[] = [];
    const done = await rebuildReadModels({
      db: mongo.db,
      store,
      suffix: rebuilt,
      total: log.length,
      batchSize: 25,
      onProgress: (p) => {
        progress.push(p);
      },
    });
    expect(done.processed).toBe(log.length);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toMatchObject({
      processed: log.length,
      total: log.length,
      etaSeconds: 0,
    });

    const [a, b] = [await contents(live), await contents(rebuilt)];
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const key of Object.keys(a)) expect({ [key]: b[key] }).toEqual({ [key]: a[key] });
    expect((a['cases'] as unknown[]).length).toBe(4);
  });

  it('switches readers to another set in one write', async () => {
    const versions = new ReadModelVersions(mongo.db);
    const before = await versions.live();
    const previous = await versions.switchTo(rebuilt);
    expect(previous).toBe(before);
    expect(await versions.live()).toBe(rebuilt);
    await versions.switchTo(before);
  });
});
