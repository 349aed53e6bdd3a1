import { randomUUID } from 'node:crypto';
import { newEvent, testInfra } from '@gridline/testing';
import { openPostgresStore, type PostgresStoreHandle } from './connection.js';
import {
  activeIdempotencyClaim,
  IdempotencyClaimLostError,
  PostgresIdempotencyStore,
} from './postgres-idempotency-store.js';

let handle: PostgresStoreHandle;
const LEASE_MS = 300;
let idempotency: PostgresIdempotencyStore;

beforeAll(async () => {
  handle = await openPostgresStore(testInfra().databaseUrl, { poolSize: 4 });
  idempotency = new PostgresIdempotencyStore(handle.pool, LEASE_MS);
});
afterAll(async () => {
  await handle.close();
});

const leaseRunsOut = () => new Promise((r) => setTimeout(r, LEASE_MS + 100));
const scope = () => `street:test-${randomUUID()}`;

describe('PostgreSQL idempotency claims', () => {
  it('answers a retry with the first result, refuses another request under the same key', async () => {
    const s = scope();
    const first = await idempotency.claim(s, 'k', 'hash-a');
    if (first.state !== 'new') throw new Error(`claimed as ${first.state}`);
    expect(await idempotency.claim(s, 'k', 'hash-a')).toEqual({ state: 'in-progress' });
    await idempotency.complete(s, 'k', first.token, 200, { caseId: 'c-1' });
    expect(await idempotency.claim(s, 'k', 'hash-a')).toEqual({
      state: 'replay',
      status: 200,
      response: { caseId: 'c-1' },
    });
    expect(await idempotency.claim(s, 'k', 'hash-b')).toEqual({ state: 'mismatch' });
  });

  it('lets a retry take over a dead request that appended nothing, and fences the old one out', async () => {
    const s = scope();
    const dead = await idempotency.claim(s, 'k', 'h');
    if (dead.state !== 'new') throw new Error(`claimed as ${dead.state}`);
    expect((await idempotency.claim(s, 'k', 'h')).state).toBe('in-progress'); // within the lease
    await leaseRunsOut();
    const retry = await idempotency.claim(s, 'k', 'h');
    expect(retry).toMatchObject({ state: 'new', takenOver: true });

    // The first request, not dead after all, tries to append: refused, nothing stored.
    const stream = `street-idem-${randomUUID()}`;
    await expect(
      activeIdempotencyClaim.run({ scope: s, key: 'k', token: dead.token }, () =>
        handle.store.appendToStream(stream, [newEvent()]),
      ),
    ).rejects.toBeInstanceOf(IdempotencyClaimLostError);
    expect(await handle.store.readStream(stream)).toEqual([]);
    // Nor can it overwrite the retry's answer.
    await idempotency.complete(s, 'k', dead.token, 200, { from: 'the old request' });
    expect((await idempotency.claim(s, 'k', 'h')).state).toBe('in-progress');
  });

  it('answers a retry from the committed appends when the request died before answering', async () => {
    const s = scope();
    const claim = await idempotency.claim(s, 'k', 'h');
    if (claim.state !== 'new') throw new Error(`claimed as ${claim.state}`);
    const stream = `street-idem-${randomUUID()}`;
    const event = newEvent();
    await activeIdempotencyClaim.run({ scope: s, key: 'k', token: claim.token }, () =>
      handle.store.appendToStream(stream, [event]),
    );
    // ...and the process dies here, before `complete`.
    expect(await idempotency.release(s, 'k', claim.token)).toBe(false); // appended: kept
    await leaseRunsOut();
    expect(await idempotency.claim(s, 'k', 'h')).toMatchObject({
      state: 'committed',
      appends: [
        { streamId: stream, eventIds: [event.id], revision: 0, caseId: event.metadata.caseId },
      ],
    });
  });

  it('forgets a claim released after a retryable failure that appended nothing', async () => {
    const s = scope();
    const claim = await idempotency.claim(s, 'k', 'h');
    if (claim.state !== 'new') throw new Error(`claimed as ${claim.state}`);
    expect(await idempotency.release(s, 'k', claim.token)).toBe(true);
    expect(await idempotency.claim(s, 'k', 'h')).toMatchObject({ state: 'new', takenOver: false });
  });
});
