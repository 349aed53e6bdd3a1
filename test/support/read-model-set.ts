import {
  dropReadModelCollections,
  ensureReadModelIndexes,
  openMongo,
  readModelCollections,
  type MongoHandle,
  type ReadModelCollections,
} from '@gridline/read-models';
import { randomUUID } from 'node:crypto';
import { testInfra } from './infra.js';

export interface ReadModelSet {
  readonly mongo: MongoHandle;
  readonly collections: ReadModelCollections;
  readonly suffix: string;
}

/**
 * A read-model collection set of its own for one spec file: connected and
 * indexed before its tests (read the fields inside them), dropped after.
 */
export function freshReadModelSet(name: string): ReadModelSet {
  const suffix = `_${name}_${randomUUID().slice(0, 8)}`;
  let mongo: MongoHandle | undefined;
  let collections: ReadModelCollections | undefined;
  beforeAll(async () => {
    mongo = await openMongo(testInfra().mongoUrl);
    collections = readModelCollections(mongo.db, suffix);
    await ensureReadModelIndexes(collections);
  });
  afterAll(async () => {
    if (!mongo) return;
    await dropReadModelCollections(mongo.db, suffix);
    await mongo.close();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the read-model set is ready only inside tests');
    return value;
  };
  return {
    suffix,
    get mongo() {
      return ready(mongo);
    },
    get collections() {
      return ready(collections);
    },
  };
}
