import { randomUUID } from 'node:crypto';
import { hashEvent } from '@gridline/eventsourcing';
import { createIsolatedStores, newEvent, type IsolatedStores } from '@gridline/testing';
import { openPostgresStore, type PostgresStoreHandle } from './connection.js';

// Tamper evidence against the real server: rows are edited with SQL behind the
// store's back, as someone with database access would, and the verifier names
// the first broken link. A database of its own: the whole store is verified.
let isolated: IsolatedStores;
let handle: PostgresStoreHandle;

beforeAll(async () => {
  isolated = await createIsolatedStores('gridline_integrity');
  handle = await openPostgresStore(isolated.databaseUrl, { poolSize: 4 });
});
afterAll(async () => {
  await handle?.close();
  await isolated?.drop();
});

const step = (n: number) =>
  newEvent('street.test.happened.v1', { step: n, place: 'East gate', officer: 'officer-7' });

async function seed() {
  const enforcement = `street-enforcement-${randomUUID()}`;
  const other = `street-issue-${randomUUID()}`;
  await handle.store.appendToStream(enforcement, [step(0), step(1)], {
    expectedRevision: 'no_stream',
  });
  await handle.store.appendToStream(enforcement, [step(2), step(3)], { expectedRevision: 1 });
  await handle.store.appendToStream(other, [step(0), step(1)], { expectedRevision: 'no_stream' });
  return { enforcement, other };
}

async function sql(text: string, values: unknown[]) {
  return handle.pool.query(text, values);
}

describe('hash chain in PostgreSQL', () => {
  it('verifies an untouched store, stream by stream and whole', async () => {
    const { enforcement } = await seed();
    expect(await handle.store.verifyIntegrity({ streamId: enforcement })).toMatchObject({
      intact: true,
      streams: 1,
      events: 4,
    });
    const whole = await handle.store.verifyIntegrity();
    expect(whole.intact).toBe(true);
    expect(whole.streams).toBeGreaterThanOrEqual(2);
  });

  it('names a row whose data was edited in place', async () => {
    const { enforcement, other } = await seed();
    await sql(
      `UPDATE gridline_events SET data = jsonb_set(data, '{place}', '"West gate"')
        WHERE stream_id = $1 AND stream_revision = 1`,
      [enforcement],
    );
    const report = await handle.store.verifyIntegrity({ streamId: enforcement });
    expect(report.intact).toBe(false);
    expect(report.firstBroken).toMatchObject({
      streamId: enforcement,
      revision: 1,
      reason: 'content-changed',
    });
    const whole = await handle.store.verifyIntegrity();
    expect(whole.broken.map((l) => l.streamId)).toContain(enforcement);
    expect(whole.broken.map((l) => l.streamId)).not.toContain(other);
  });

  it('names the next event when an edit was re-hashed to look consistent', async () => {
    const { enforcement } = await seed();
    const [edited] = await handle.store.readStream(enforcement, { fromRevision: 1, maxCount: 1 });
    if (!edited?.integrity) throw new Error('no chained event at revision 1');
    const forged = { ...edited, data: { step: 1, place: 'West gate', officer: 'officer-9' } };
    await sql(`UPDATE gridline_events SET data = $2, hash = $3 WHERE event_id = $1`, [
      edited.id,
      JSON.stringify(forged.data),
      hashEvent(forged, edited.integrity.previousHash),
    ]);
    expect(
      (await handle.store.verifyIntegrity({ streamId: enforcement })).firstBroken,
    ).toMatchObject({ revision: 2, reason: 'link-broken' });
  });

  it('names a deleted event, a deleted tail and a changed time', async () => {
    const gap = await seed();
    await sql('DELETE FROM gridline_events WHERE stream_id = $1 AND stream_revision = 2', [
      gap.enforcement,
    ]);
    expect(
      (await handle.store.verifyIntegrity({ streamId: gap.enforcement })).firstBroken,
    ).toMatchObject({ revision: 3, reason: 'revision-gap' });

    const tail = await seed();
    await sql('DELETE FROM gridline_events WHERE stream_id = $1 AND stream_revision = 3', [
      tail.enforcement,
    ]);
    expect(
      (await handle.store.verifyIntegrity({ streamId: tail.enforcement })).firstBroken,
    ).toMatchObject({ revision: 3, reason: 'head-mismatch' });

    const time = await seed();
    await sql(
      `UPDATE gridline_events SET occurred_at = occurred_at - interval '1 day'
        WHERE stream_id = $1 AND stream_revision = 0`,
      [time.enforcement],
    );
    expect(
      (await handle.store.verifyIntegrity({ streamId: time.enforcement })).firstBroken,
    ).toMatchObject({ revision: 0, reason: 'content-changed' });
  });

  it('keeps chaining new appends from the recorded head', async () => {
    const { enforcement } = await seed();
    await handle.store.appendToStream(enforcement, [step(4)], { expectedRevision: 3 });
    const events = await handle.store.readStream(enforcement);
    expect(events.at(-1)?.integrity?.previousHash).toBe(events.at(-2)?.integrity?.hash);
    expect((await handle.store.verifyIntegrity({ streamId: enforcement })).intact).toBe(true);
  });
});
