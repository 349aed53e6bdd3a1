import type pg from 'pg';

export type IdempotencyClaim =
  | { readonly state: 'new' }
  | { readonly state: 'replay'; readonly status: number; readonly response: unknown }
  | { readonly state: 'mismatch' }
  | { readonly state: 'in-progress' };

/**
 * Remembers the result of each request sent with an Idempotency-Key, per scope
 * (agency and principal): the first request claims the key, its result is stored,
 * a retry gets that result back. Kept in the event store's database so a command
 * and its remembered result live and die together.
 */
export class PostgresIdempotencyStore {
  constructor(private readonly pool: pg.Pool) {}

  async claim(scope: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const inserted = await this.pool.query(
      `INSERT INTO gridline_idempotency (scope, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT (scope, key) DO NOTHING`,
      [scope, key, requestHash],
    );
    if (inserted.rowCount === 1) return { state: 'new' };
    const { rows } = await this.pool.query<{
      request_hash: string;
      status: number | null;
      response: unknown;
    }>(
      'SELECT request_hash, status, response FROM gridline_idempotency WHERE scope = $1 AND key = $2',
      [scope, key],
    );
    const row = rows[0];
    if (!row) return this.claim(scope, key, requestHash); // released meanwhile: try again
    if (row.request_hash !== requestHash) return { state: 'mismatch' };
    if (row.status === null) return { state: 'in-progress' };
    return { state: 'replay', status: row.status, response: row.response };
  }

  async complete(scope: string, key: string, status: number, response: unknown): Promise<void> {
    await this.pool.query(
      'UPDATE gridline_idempotency SET status = $3, response = $4 WHERE scope = $1 AND key = $2',
      [scope, key, status, JSON.stringify(response ?? null)],
    );
  }

  /** Forgets a claim whose request failed in a way worth retrying (5xx, 409). */
  async release(scope: string, key: string): Promise<void> {
    await this.pool.query(
      'DELETE FROM gridline_idempotency WHERE scope = $1 AND key = $2 AND status IS NULL',
      [scope, key],
    );
  }
}
