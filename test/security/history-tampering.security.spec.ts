import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chainEvents, GENESIS_HASH } from '@gridline/eventsourcing';
import {
  ensureEventStoreSchema,
  openPostgresStore,
  PostgresEventStore,
  type PostgresStoreHandle,
} from '@gridline/store-postgres';
import {
  createIsolatedStores,
  databaseRoleUrl,
  newEvent,
  type DatabaseRole,
  type IsolatedStores,
} from '@gridline/testing';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '..', '..');

/**
 * The history can't be quietly edited (docs/security.md, "Append-only history" and
 * "Tamper evidence"). First PostgreSQL itself: the apps' own roles may append only
 * through gridline_append, only to their agency's streams, and change nothing.
 * Then the owner, who can change anything: every kind of edit a hash chain alone
 * misses (a stream deleted with its head, a gap, a re-timed, re-ordered or
 * re-hashed row) is named by `gridline verify` from the signed seals (exit 3).
 */
const roles: readonly DatabaseRole[] = ['swc', 'street', 'gateway', 'projector'];
const haveRoles = roles.every((role) => databaseRoleUrl(role, 'x'));

let stores: IsolatedStores;
let owner: PostgresStoreHandle;
const pools = new Map<DatabaseRole, pg.Pool>();
const pool = (role: DatabaseRole) => pools.get(role)!;

beforeAll(async () => {
  stores = await createIsolatedStores('gridline_tamper');
  owner = await openPostgresStore(stores.databaseUrl, { poolSize: 3 });
  for (const role of roles) {
    const url = databaseRoleUrl(role, stores.name);
    if (url) pools.set(role, new pg.Pool({ connectionString: url, max: 2 }));
  }
});
afterAll(async () => {
  for (const p of pools.values()) await p.end();
  await owner?.close();
  await stores?.drop();
});

const step = (n: number) => newEvent('street.test.happened.v1', { step: n, place: 'East gate' });

/** The SQLSTATE a statement fails with (undefined: it did not fail). */
async function refusal(db: pg.Pool, text: string, values: unknown[] = []) {
  try {
    await db.query(text, values);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

// Without the roles (servers given by hand, without DATABASE_URL_<ROLE>) there is
// nothing to sign in as: `npm test` passes them on from the local stack.
(haveRoles ? describe : describe.skip)(
  'security: the database keeps the history append-only',
  () => {
    let swcStream: string;

    beforeAll(async () => {
      // The grants of the migration (run before the roles' pools sign in).
      await ensureEventStoreSchema(owner.pool, { regrant: true });
      swcStream = `swc-case-${randomUUID()}`;
    });

    it("lets a service's role append to its own agency's streams, through the store", async () => {
      const swc = new PostgresEventStore(pool('swc'));
      const result = await swc.appendToStream(swcStream, [step(0), step(1)], {
        expectedRevision: 'no_stream',
      });
      expect(result.nextExpectedRevision).toBe(1);
      expect(await owner.store.verifyIntegrity({ streamId: swcStream })).toMatchObject({
        intact: true,
        events: 2,
      });
    });

    it("refuses, in PostgreSQL, an append to another agency's stream", async () => {
      // No agency check in the application here: the store is given no writer.
      const swc = new PostgresEventStore(pool('swc'));
      const stream = `street-issue-${randomUUID()}`;
      const refused = await swc.appendToStream(stream, [step(0)]).then(
        () => undefined,
        (error: unknown) => error as { code?: string; message?: string },
      );
      expect(refused?.code).toBe('GL403');
      expect(refused?.message).toContain(`may not append to stream ${stream}`);
      expect((await owner.store.readStream(stream)).length).toBe(0);
    });

    it('refuses UPDATE, DELETE, TRUNCATE and INSERT of events, and edits of a head, to every app', async () => {
      for (const role of roles) {
        const db = pool(role);
        const codes = [
          await refusal(db, `UPDATE gridline_events SET data = '{}' WHERE stream_id = $1`, [
            swcStream,
          ]),
          await refusal(db, `DELETE FROM gridline_events WHERE stream_id = $1`, [swcStream]),
          await refusal(db, 'TRUNCATE gridline_events'),
          await refusal(
            db,
            `INSERT INTO gridline_events (event_id, stream_id, stream_revision, event_type, data, metadata, occurred_at)
           VALUES ($1, $2, 9, 'x', '{}', '{}', now())`,
            [randomUUID(), swcStream],
          ),
          await refusal(db, `UPDATE gridline_streams SET revision = 0 WHERE stream_id = $1`, [
            swcStream,
          ]),
          await refusal(db, 'DELETE FROM gridline_log_seals'),
        ];
        expect({ role, codes }).toEqual({ role, codes: Array(6).fill('42501') });
      }
      expect((await owner.store.readStream(swcStream)).length).toBe(2);
    });

    it('lets the gateway and the projector read the history but not append to it', async () => {
      for (const role of ['gateway', 'projector'] as const) {
        const reader = new PostgresEventStore(pool(role));
        expect((await reader.readStream(swcStream)).length).toBe(2);
        await expect(
          reader.appendToStream(`swc-case-${randomUUID()}`, [step(0)]),
        ).rejects.toMatchObject({
          code: '42501',
        });
      }
    });

    it('keeps the personal-data key store to street, the one agency that records personal data; exports see only erasures', async () => {
      // A subject's key, as street's vault writes it (the wrapped key is opaque here).
      const subject = `subject-${randomUUID()}`;
      await owner.pool.query(
        `INSERT INTO gridline_subject_keys (subject_id, key_id, wrapped_key) VALUES ($1, $2, '\\x00')`,
        [subject, `subject-key-${randomUUID()}`],
      );
      const keys = 'SELECT wrapped_key FROM gridline_subject_keys WHERE subject_id = $1';
      expect(await refusal(pool('street'), keys, [subject])).toBeUndefined();
      // SWC records no personal data: its role may not read, add or erase a key.
      expect(await refusal(pool('swc'), keys, [subject])).toBe('42501');
      expect(
        await refusal(
          pool('swc'),
          'UPDATE gridline_subject_keys SET wrapped_key = NULL WHERE subject_id = $1',
          [subject],
        ),
      ).toBe('42501');
      expect(
        await refusal(
          pool('swc'),
          `INSERT INTO gridline_subject_keys (subject_id, key_id) VALUES ('x', 'y')`,
        ),
      ).toBe('42501');
      // The readers (the gateway's exports) see which keys were erased, never a key.
      for (const role of ['gateway', 'projector'] as const) {
        expect(await refusal(pool(role), keys, [subject])).toBe('42501');
        expect(
          await refusal(
            pool(role),
            'SELECT key_id FROM gridline_subject_keys WHERE erased_at IS NOT NULL',
          ),
        ).toBeUndefined();
      }
    });

    it('shares the read-model tables between the gateway and the projector, who own them as the reader', async () => {
      const schema = `gridline_rm_tamper_${randomUUID().slice(0, 8)}`;
      await pool('projector').query(`CREATE SCHEMA ${schema}`);
      await pool('projector').query(`CREATE TABLE ${schema}.cases_v1 (id text PRIMARY KEY)`);
      await pool('gateway').query(`INSERT INTO ${schema}.cases_v1 VALUES ('a')`);
      await pool('gateway').query(`DROP SCHEMA ${schema} CASCADE`);
      // A service may make nothing in the database.
      expect(await refusal(pool('street'), `CREATE SCHEMA ${schema}`)).toBe('42501');
      expect(await refusal(pool('street'), 'CREATE TABLE public.street_own (id int)')).toBe(
        '42501',
      );
    });

    it("leaves the migration to the owner: a service's role meeting an old schema says what to run", async () => {
      const fresh = await createIsolatedStores('gridline_tamper_fresh');
      const url = databaseRoleUrl('street', fresh.name)!;
      const db = new pg.Pool({ connectionString: url, max: 1 });
      try {
        await expect(ensureEventStoreSchema(db)).rejects.toThrow(/npm run gridline -- migrate/);
      } finally {
        await db.end();
        await fresh.drop();
      }
    });
  },
);

describe('security: `gridline verify` names every edit of sealed history (exit 3)', () => {
  let keyDir: string;
  let keyEnv: Record<string, string>;

  beforeAll(() => {
    keyDir = mkdtempSync(path.join(os.tmpdir(), 'gridline-seal-'));
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keyFile = path.join(keyDir, 'seal.pem');
    const publicFile = path.join(keyDir, 'seal.pub.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }));
    keyEnv = { LOG_SEAL_KEY_FILE: keyFile, LOG_SEAL_PUBLIC_KEY_FILES: publicFile };
  });
  afterAll(() => rmSync(keyDir, { recursive: true, force: true }));

  const cli = (command: 'seal' | 'verify', args: string[] = []) => {
    const run = spawnSync(process.execPath, ['scripts/gridline.mjs', command, '--json', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: stores.databaseUrl, ...keyEnv },
      encoding: 'utf8',
      timeout: 120_000,
    });
    return {
      status: run.status,
      stderr: run.stderr,
      json: (run.stdout ? JSON.parse(run.stdout) : undefined) as Record<string, unknown> & {
        intact: boolean;
        seals?: { intact: boolean; findings: { sealNo: number; reason: string }[] };
        digest?: string;
        sealNo?: number;
      },
    };
  };

  const sql = (text: string, values: unknown[] = []) => owner.pool.query(text, values);

  /** Re-hashes a stream's chain and head after an edit, as an editor who knows the scheme would. */
  async function rehash(streamId: string) {
    const events = await owner.store.readStream(streamId);
    const links = chainEvents(GENESIS_HASH, events);
    for (const [i, event] of events.entries())
      await sql('UPDATE gridline_events SET previous_hash = $2, hash = $3 WHERE event_id = $1', [
        event.id,
        links[i]!.previousHash,
        links[i]!.hash,
      ]);
    await sql('UPDATE gridline_streams SET revision = $2, last_hash = $3 WHERE stream_id = $1', [
      streamId,
      events.length - 1,
      links.at(-1)?.hash ?? null,
    ]);
  }

  /** Streams of four events, sealed; returns them, the seal, and the chains' verdict after `edit`. */
  async function sealedThenEdited(edit: (streams: string[]) => Promise<void>) {
    await sql('TRUNCATE gridline_events, gridline_streams, gridline_log_seals');
    const streams = [`street-issue-${randomUUID()}`, `street-issue-${randomUUID()}`];
    for (const stream of streams)
      for (const n of [0, 1, 2, 3])
        await owner.store.appendToStream(stream, [step(n)], { expectedRevision: n - 1 || 'any' });
    const sealed = cli('seal');
    expect(sealed.status).toBe(0);
    expect(sealed.json).toMatchObject({ sealNo: 1, events: 8 });
    expect(cli('verify').status).toBe(0);
    await edit(streams);
    const chains = await owner.store.verifyIntegrity();
    return { streams, seal: sealed.json, chains, verify: cli('verify') };
  }

  const reasons = (verify: ReturnType<typeof cli>) =>
    verify.json.seals?.findings.map((f) => `${f.sealNo}:${f.reason}`);

  it('a stream deleted with its head: every chain still checks, the seal counts it missing', async () => {
    const { chains, verify } = await sealedThenEdited(async ([victim]) => {
      await sql('DELETE FROM gridline_events WHERE stream_id = $1', [victim]);
      await sql('DELETE FROM gridline_streams WHERE stream_id = $1', [victim]);
    });
    expect(chains.intact).toBe(true);
    expect(verify.status).toBe(3);
    expect(reasons(verify)).toEqual(['1:events-missing']);
    expect(verify.stderr).toContain('it counted 8 events');
  });

  it('a gap: an event removed and the revisions after it renumbered and re-hashed', async () => {
    const { chains, verify } = await sealedThenEdited(async ([victim]) => {
      await sql('DELETE FROM gridline_events WHERE stream_id = $1 AND stream_revision = 1', [
        victim,
      ]);
      await sql(
        `UPDATE gridline_events SET stream_revision = stream_revision - 1
          WHERE stream_id = $1 AND stream_revision > 1`,
        [victim],
      );
      await rehash(victim!);
    });
    expect(chains.intact).toBe(true);
    expect(verify.status).toBe(3);
    expect(reasons(verify)).toEqual(['1:events-missing']);
  });

  it('a re-timed row, re-hashed', async () => {
    const { chains, verify } = await sealedThenEdited(async ([victim]) => {
      await sql(
        `UPDATE gridline_events SET occurred_at = occurred_at - interval '3 days'
          WHERE stream_id = $1 AND stream_revision = 2`,
        [victim],
      );
      await rehash(victim!);
    });
    expect(chains.intact).toBe(true);
    expect(verify.status).toBe(3);
    expect(reasons(verify)).toEqual(['1:log-changed']);
  });

  it('an edit of what an event says, re-hashed with SQL', async () => {
    const { chains, verify } = await sealedThenEdited(async ([victim]) => {
      await sql(
        `UPDATE gridline_events SET data = jsonb_set(data, '{place}', '"West gate"')
          WHERE stream_id = $1 AND stream_revision = 0`,
        [victim],
      );
      await rehash(victim!);
    });
    expect(chains.intact).toBe(true);
    expect(verify.status).toBe(3);
    expect(reasons(verify)).toEqual(['1:log-changed']);
  });

  it('rows re-ordered in the log (two events of different streams swap their places)', async () => {
    const { chains, verify } = await sealedThenEdited(async ([a, b]) => {
      const { rows } = await sql(
        `SELECT stream_id, transaction_id::text AS tx FROM gridline_events
          WHERE stream_id IN ($1, $2) AND stream_revision = 3 ORDER BY stream_id`,
        [a, b],
      );
      const [first, second] = rows as { stream_id: string; tx: string }[];
      await sql(
        `UPDATE gridline_events SET transaction_id = $2::text::xid8
          WHERE stream_id = $1 AND stream_revision = 3`,
        [first!.stream_id, second!.tx],
      );
      await sql(
        `UPDATE gridline_events SET transaction_id = $2::text::xid8
          WHERE stream_id = $1 AND stream_revision = 3`,
        [second!.stream_id, first!.tx],
      );
    });
    expect(chains.intact).toBe(true);
    expect(verify.status).toBe(3);
    expect(reasons(verify)).toEqual(['1:log-changed']);
  });

  it('seals removed: the anchor kept outside is not there any more', async () => {
    const { seal, verify: before } = await sealedThenEdited(() => Promise.resolve());
    expect(before.status).toBe(0);
    await sql('DELETE FROM gridline_log_seals');
    const verify = cli('verify', ['--anchor', `${seal.sealNo}:${seal.digest}`]);
    expect(verify.status).toBe(3);
    expect(reasons(verify)).toEqual(['1:anchor-missing']);
  });

  it('a seal forged by the owner, who has no key, does not verify', async () => {
    const { verify: before } = await sealedThenEdited(() => Promise.resolve());
    expect(before.status).toBe(0);
    await sql(`UPDATE gridline_log_seals SET events = events - 1`);
    const verify = cli('verify');
    expect(verify.status).toBe(3);
    expect(reasons(verify)).toContain('1:signature-invalid');
  });
});
