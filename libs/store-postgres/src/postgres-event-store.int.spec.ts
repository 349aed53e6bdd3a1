import { randomBytes, randomUUID } from 'node:crypto';
import { subscribeToAll, type RecordedEvent } from '@gridline/eventsourcing';
import {
  eventStoreContract,
  newEvent,
  readWholeLog,
  testInfra,
  untilInLog,
} from '@gridline/testing';
import { openPostgresStore, type PostgresStoreHandle } from './connection.js';
import { PostgresPersonalDataVault } from './postgres-personal-data-vault.js';

let handle: PostgresStoreHandle;

beforeAll(async () => {
  handle = await openPostgresStore(testInfra().databaseUrl, { poolSize: 20 });
});
afterAll(async () => {
  await handle.close();
});

eventStoreContract('PostgreSQL', () =>
  Promise.resolve({ store: handle.store, streetWriter: handle.store.forWriter('street') }),
);

describe('PostgreSQL global log and late commits', () => {
  it('holds back events committed after a still-open earlier transaction', async () => {
    const prefix = `street-late-${randomUUID()}-`;
    // A raw transaction that takes its transaction id and sequence number first,
    // then stays open while a later append commits.
    const slow = await handle.pool.connect();
    try {
      await slow.query('BEGIN');
      const early = newEvent();
      await slow.query(
        `INSERT INTO gridline_events
           (event_id, stream_id, stream_revision, event_type, data, metadata, occurred_at)
         VALUES ($1, $2, 0, $3, $4, $5, $6)`,
        [
          early.id,
          `${prefix}slow`,
          early.type,
          JSON.stringify(early.data),
          JSON.stringify(early.metadata),
          early.occurredAt,
        ],
      );
      const late = newEvent();
      await handle.store.appendToStream(`${prefix}fast`, [late]);

      // The later commit is not readable yet: reading it now would let a reader's
      // checkpoint pass the open transaction's event.
      expect(await readWholeLog(handle.store, prefix)).toEqual([]);

      await slow.query('COMMIT');
      // Other test files' transactions also hold the horizon back for a moment.
      await untilInLog(handle.store, prefix, late.id);
      const log = await readWholeLog(handle.store, prefix);
      expect(log.map((e) => e.id)).toEqual([early.id, late.id]);
    } finally {
      slow.release();
    }
  });

  it('a live subscriber sees every event of many concurrent writers exactly once', async () => {
    const prefix = `street-concurrent-${randomUUID()}-`;
    const writers = 12;
    const appendsPerWriter = 25;
    const seen: RecordedEvent[] = [];
    const controller = new AbortController();
    const subscription = subscribeToAll(handle.store, {
      streamPrefixes: [prefix],
      batchSize: 17,
      idleWaitMs: 50,
      signal: controller.signal,
      onBatch: (batch) => {
        seen.push(...batch);
        return Promise.resolve();
      },
    });
    const written: string[] = [];
    const writing = Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < appendsPerWriter; i++) {
          // Mixed batch sizes and streams make transactions of different lengths.
          const events = Array.from({ length: 1 + ((w + i) % 3) }, () => newEvent());
          await handle.store.appendToStream(`${prefix}${(w * 7 + i) % 5}`, events);
          written.push(...events.map((e) => e.id));
        }
      }),
    );
    try {
      await writing;
      const deadline = Date.now() + 20_000;
      while (seen.length < written.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
    } finally {
      controller.abort();
      await subscription;
    }

    const ids = seen.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...written].sort());
    // Each stream's events arrive in revision order.
    const lastRevision = new Map<string, number>();
    for (const event of seen) {
      expect(event.revision).toBe((lastRevision.get(event.streamId) ?? -1) + 1);
      lastRevision.set(event.streamId, event.revision);
    }
  });
});

describe('PostgresCheckpointStore', () => {
  it('remembers the last position per subscriber and overwrites it', async () => {
    const name = `relay:test-${randomUUID()}`;
    expect(await handle.checkpoints.load(name)).toBeUndefined();
    await handle.checkpoints.store(name, { commit: 812n, prepare: 40n });
    await handle.checkpoints.store(name, { commit: 9_007_199_254_740_993n, prepare: 41n });
    expect(await handle.checkpoints.load(name)).toEqual({
      commit: 9_007_199_254_740_993n,
      prepare: 41n,
    });
  });
});

describe('PostgresPersonalDataVault', () => {
  it('seals per subject under a wrapped key, and erasure shreds only that subject', async () => {
    const vault = new PostgresPersonalDataVault(handle.pool, randomBytes(32));
    const subject = `subject-${randomUUID()}`;
    const other = `subject-${randomUUID()}`;
    const [a, b] = await Promise.all([
      vault.seal(subject, 'Zhang San, +86 138 0000 0000'),
      vault.seal(subject, 'another detail'),
    ]);
    const c = await vault.seal(other, 'Li Si');
    expect(a.keyId).toBe(b.keyId);
    const { rows } = await handle.pool.query<{ wrapped_key: Buffer }>(
      'SELECT wrapped_key FROM gridline_subject_keys WHERE subject_id = $1',
      [subject],
    );
    expect(rows[0]?.wrapped_key.length).toBe(12 + 16 + 32);
    expect(await vault.open(a)).toBe('Zhang San, +86 138 0000 0000');

    await vault.erase(subject);
    expect(await vault.open(a)).toBeUndefined();
    expect(await vault.open(b)).toBeUndefined();
    expect(await vault.open(c)).toBe('Li Si');
    await expect(vault.seal(subject, 'x')).rejects.toThrow('erased');
  });

  it('cannot open with another master key', async () => {
    const subject = `subject-${randomUUID()}`;
    const sealed = await new PostgresPersonalDataVault(handle.pool, randomBytes(32)).seal(
      subject,
      'secret',
    );
    await expect(
      new PostgresPersonalDataVault(handle.pool, randomBytes(32)).open(sealed),
    ).rejects.toThrow();
  });
});
