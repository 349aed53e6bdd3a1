import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import type { SealedValue } from '@gridline/contracts';
import { openWithKey, sealWithKey, type PersonalDataVault } from '@gridline/eventsourcing';
import type pg from 'pg';

/**
 * The personal-data key store in PostgreSQL: one AES-256 key per data subject,
 * itself stored wrapped (AES-256-GCM) under a master key that never enters the
 * database (`PII_MASTER_KEY`). Erasing a subject deletes its wrapped key: every
 * sealed value of that subject becomes unreadable, in the store, on Kafka and in
 * any export.
 */
export class PostgresPersonalDataVault implements PersonalDataVault {
  constructor(
    private readonly pool: pg.Pool,
    private readonly masterKey: Buffer,
  ) {
    if (masterKey.length !== 32) throw new Error('the personal-data master key must be 32 bytes');
  }

  async seal(subjectId: string, plaintext: string): Promise<SealedValue> {
    await this.pool.query(
      `INSERT INTO gridline_subject_keys (subject_id, key_id, wrapped_key)
       VALUES ($1, $2, $3) ON CONFLICT (subject_id) DO NOTHING`,
      [subjectId, `subject-key-${randomUUID()}`, this.wrap(randomBytes(32))],
    );
    const { rows } = await this.pool.query<{ key_id: string; wrapped_key: Buffer | null }>(
      'SELECT key_id, wrapped_key FROM gridline_subject_keys WHERE subject_id = $1',
      [subjectId],
    );
    const row = rows[0];
    if (!row?.wrapped_key) throw new Error(`data subject ${subjectId} was erased`);
    return sealWithKey(this.unwrap(row.wrapped_key), row.key_id, plaintext);
  }

  async open(sealed: SealedValue): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ wrapped_key: Buffer | null }>(
      'SELECT wrapped_key FROM gridline_subject_keys WHERE key_id = $1',
      [sealed.keyId],
    );
    const wrapped = rows[0]?.wrapped_key;
    return wrapped ? openWithKey(this.unwrap(wrapped), sealed) : undefined;
  }

  async erase(subjectId: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO gridline_subject_keys (subject_id, key_id, wrapped_key, erased_at)
       VALUES ($1, $2, NULL, clock_timestamp())
       ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL, erased_at = clock_timestamp()`,
      [subjectId, `subject-key-${randomUUID()}`],
    );
  }

  /** Key ids of every erased subject (for marking exports); erasures are rare. */
  async erasedKeyIds(): Promise<Set<string>> {
    return erasedKeyIds(this.pool);
  }

  private wrap(key: Buffer): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv);
    const ct = Buffer.concat([cipher.update(key), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ct]);
  }

  private unwrap(wrapped: Buffer): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.masterKey, wrapped.subarray(0, 12));
    decipher.setAuthTag(wrapped.subarray(12, 28));
    return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
  }
}

/** Key ids of every erased data subject; needs no master key (nothing is opened). */
export async function erasedKeyIds(pool: pg.Pool): Promise<Set<string>> {
  const { rows } = await pool.query<{ key_id: string }>(
    // erased_at, not wrapped_key: the readers (exports) may see these two columns only.
    'SELECT key_id FROM gridline_subject_keys WHERE erased_at IS NOT NULL',
  );
  return new Set(rows.map((r) => r.key_id));
}
