import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { InMemoryEventStore, type RecordedEvent } from '@gridline/eventsourcing';
import { openPostgresStore, type PostgresStoreHandle } from '@gridline/store-postgres';
import { testInfra, untilInLog } from '@gridline/testing';
import pg from 'pg';
import { foldCaseHistory } from './case-history.js';
import { exportEvents, importEvents, linesOf, toNdjson, verifyExport } from './export-import.js';
import { appendScripted, vendorStory } from './vendor-story.fixture.js';

/** A fresh, empty database on the test server, dropped afterwards. */
async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = new URL(testInfra().databaseUrl);
  const name = `gridline_import_${randomBytes(6).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin.toString());
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const placeless = ({ position: _, ...rest }: RecordedEvent) => rest;

describe('export → import into an empty PostgreSQL store', () => {
  let db: { url: string; drop: () => Promise<void> };
  let target: PostgresStoreHandle;

  beforeAll(async () => {
    db = await freshDatabase();
    target = await openPostgresStore(db.url);
  });
  afterAll(async () => {
    await target?.close();
    await db?.drop();
  });

  it('gives the same events (ids, streams, revisions, data, metadata, times) and the same as-of fold', async () => {
    const source = new InMemoryEventStore();
    const story = vendorStory();
    const other = vendorStory();
    await appendScripted(source, story);
    await appendScripted(source, other);

    const ndjson = (await collect(toNdjson(exportEvents(source, {})))).join('');
    const result = await importEvents(target.store, linesOf(Readable.from(ndjson)));
    expect(result.events).toBe(story.events.length + other.events.length);
    // Readers of the log wait for older transactions anywhere on the server (ADR 0004).
    await untilInLog(target.store, '', other.events.at(-1)!.event.id);

    for (const { caseId } of [story, other]) {
      const before = await source.readCase(caseId);
      const after = await target.store.readCase(caseId);
      expect(after.map(placeless)).toEqual(before.map(placeless));
      for (const at of [
        '2026-03-09T09:30:00.000Z',
        '2026-03-21T12:00:00.000Z',
        '2026-05-01T00:00:00.000Z',
      ]) {
        const until = { until: new Date(at) };
        expect(foldCaseHistory(caseId, await target.store.readCase(caseId, until))).toEqual(
          foldCaseHistory(caseId, await source.readCase(caseId, until)),
        );
      }
    }
    // The whole log, in the same order.
    const all = await collect(exportEvents(target.store, {}, { batchSize: 7 }));
    expect(all.map((e) => e.id)).toEqual(
      (await collect(exportEvents(source, {}))).map((e) => e.id),
    );

    // Importing the same file again adds nothing (resumable).
    const again = await importEvents(target.store, linesOf(Readable.from(ndjson)));
    expect(again.events).toBe(result.events);
    expect(await collect(exportEvents(target.store, {}))).toHaveLength(all.length);
  });

  it('an export file verifies; an edited line is named, and importing it stops there', async () => {
    const source = new InMemoryEventStore();
    const story = vendorStory();
    await appendScripted(source, story);
    const lines = await collect(toNdjson(exportEvents(source, {})));
    const ndjson = lines.join('');
    expect(await verifyExport(linesOf(Readable.from(ndjson)))).toMatchObject({
      intact: true,
      events: story.events.length,
      uncheckedLinks: 0,
    });
    // An excerpt (one agency's events, from a case export) still verifies.
    const excerpt = lines.filter((l) => l.includes('"source":"/gridline/street"')).join('');
    expect((await verifyExport(linesOf(Readable.from(excerpt)))).intact).toBe(true);

    // Someone edits a verification note in the file (still schema-valid).
    const edited = [...lines];
    const at = edited.findIndex((l) => l.includes('Gate clear at pick-up on two visits'));
    expect(at).toBeGreaterThan(0);
    edited[at] = edited[at]!.replace('Gate clear', 'Gate busy');
    const report = await verifyExport(linesOf(Readable.from(edited.join(''))));
    expect(report).toMatchObject({ intact: false, firstBrokenLine: at + 1 });
    expect(report.firstBroken?.reason).toBe('content-changed');

    const db2 = await freshDatabase();
    const empty = await openPostgresStore(db2.url);
    try {
      await expect(
        importEvents(empty.store, linesOf(Readable.from(edited.join('')))),
      ).rejects.toMatchObject({
        line: at + 1,
        problems: [expect.stringMatching(/hash chain broken \(content-changed\)/)],
      });
      // Straight from the table: the log's readers hold back events while any
      // transaction in the cluster is older (ADR 0004), and other tests run too.
      const stored = await empty.pool.query<{ event_id: string }>(
        'SELECT event_id FROM gridline_events ORDER BY global_position',
      );
      expect(stored.rows.map((r) => r.event_id)).toEqual(
        (await collect(exportEvents(source, {}))).slice(0, at).map((e) => e.id),
      );
    } finally {
      await empty.close();
      await db2.drop();
    }
  });
});
