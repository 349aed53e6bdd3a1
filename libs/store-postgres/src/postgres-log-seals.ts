import type { LogSeal, SealStore } from '@gridline/eventsourcing';
import type pg from 'pg';

interface SealRow {
  seal_no: string;
  up_to: string;
  events: string;
  digest: string;
  sealed_at: Date;
  key_id: string;
  signature: string;
}

const toSeal = (row: SealRow): LogSeal => ({
  sealNo: Number(row.seal_no),
  upTo: row.up_to,
  events: Number(row.events),
  digest: row.digest,
  sealedAt: row.sealed_at.toISOString(),
  keyId: row.key_id,
  signature: row.signature,
});

const COLUMNS = 'seal_no, up_to, events, digest, sealed_at, key_id, signature';

/**
 * The log's seals (libs/eventsourcing log-seal.ts) in `gridline_log_seals`. The
 * table proves nothing by itself: each row is signed with a key the database does
 * not hold, and the last one is anchored outside (docs/security.md).
 */
export class PostgresLogSeals implements SealStore {
  constructor(private readonly pool: pg.Pool) {}

  async last(): Promise<LogSeal | undefined> {
    const { rows } = await this.pool.query<SealRow>(
      `SELECT ${COLUMNS} FROM gridline_log_seals ORDER BY seal_no DESC LIMIT 1`,
    );
    return rows[0] ? toSeal(rows[0]) : undefined;
  }

  async list(): Promise<readonly LogSeal[]> {
    const { rows } = await this.pool.query<SealRow>(
      `SELECT ${COLUMNS} FROM gridline_log_seals ORDER BY seal_no`,
    );
    return rows.map(toSeal);
  }

  async insert(seal: LogSeal): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO gridline_log_seals (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (seal_no) DO NOTHING`,
      [seal.sealNo, seal.upTo, seal.events, seal.digest, seal.sealedAt, seal.keyId, seal.signature],
    );
    return rowCount === 1;
  }
}
