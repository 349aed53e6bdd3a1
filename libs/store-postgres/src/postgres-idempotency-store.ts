import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/** What one append made under a claimed key (kept to answer a retry after a crash). */
export interface CommittedAppend {
  readonly streamId: string;
  readonly eventIds: readonly string[];
  readonly revision: number;
  readonly caseId?: string;
}

export type IdempotencyClaim =
  | { readonly state: 'new'; readonly token: string; readonly takenOver: boolean }
  | { readonly state: 'replay'; readonly status: number; readonly response: unknown }
  | { readonly state: 'mismatch' }
  | { readonly state: 'in-progress' }
  /** The first request's effect committed but it died before answering. */
  | { readonly state: 'committed'; readonly token: string; readonly appends: CommittedAppend[] };

/** The claim a request runs under; the event store reads it to fence its appends. */
export interface ActiveClaim {
  readonly scope: string;
  readonly key: string;
  readonly token: string;
}

/**
 * The claim of the request running in this async context. `PostgresEventStore`
 * records each append under it in the append's own transaction, and fails the
 * append if the claim was taken over meanwhile.
 */
export const activeIdempotencyClaim = new AsyncLocalStorage<ActiveClaim>();

/** The request's claim was taken over by a retry after its lease ran out. */
export class IdempotencyClaimLostError extends Error {
  constructor(key: string) {
    super(`the claim on Idempotency-Key ${key} was taken over by a retry`);
    this.name = 'IdempotencyClaimLostError';
  }
}

/**
 * Remembers the result of each request sent with an Idempotency-Key, per scope
 * (agency and principal): the first request claims the key, its result is stored,
 * a retry gets that result back. Kept in the event store's database so a command
 * and its remembered result live and die together.
 *
 * A process killed mid-request leaves its claim open. After `leaseMs` a retry may
 * take it over: if the first request's appends committed (they are recorded with
 * them, atomically), the retry is answered from them and nothing runs again;
 * otherwise the retry runs, and the first request — should it still be alive —
 * can no longer append under the old token.
 */
export class PostgresIdempotencyStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly leaseMs = 30_000,
  ) {}

  async claim(scope: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const token = randomUUID();
    const inserted = await this.pool.query(
      `INSERT INTO gridline_idempotency (scope, key, request_hash, claim_token, claimed_at)
       VALUES ($1, $2, $3, $4, clock_timestamp())
       ON CONFLICT (scope, key) DO NOTHING`,
      [scope, key, requestHash, token],
    );
    if (inserted.rowCount === 1) return { state: 'new', token, takenOver: false };
    const { rows } = await this.pool.query<{
      request_hash: string;
      status: number | null;
      response: unknown;
      claim_token: string | null;
      stale: boolean;
      committed: CommittedAppend[] | null;
    }>(
      `SELECT request_hash, status, response, claim_token, committed,
              coalesce(claimed_at, created_at) < clock_timestamp() - $3 * interval '1 millisecond' AS stale
         FROM gridline_idempotency WHERE scope = $1 AND key = $2`,
      [scope, key, this.leaseMs],
    );
    const row = rows[0];
    if (!row) return this.claim(scope, key, requestHash); // released meanwhile: try again
    if (row.request_hash !== requestHash) return { state: 'mismatch' };
    if (row.status !== null) return { state: 'replay', status: row.status, response: row.response };
    if (!row.stale) return { state: 'in-progress' };
    // The first request outlived its lease (its process most likely died): take over.
    const taken = await this.pool.query(
      `UPDATE gridline_idempotency SET claim_token = $4, claimed_at = clock_timestamp()
        WHERE scope = $1 AND key = $2 AND status IS NULL
          AND claim_token IS NOT DISTINCT FROM $3`,
      [scope, key, row.claim_token, token],
    );
    if (taken.rowCount !== 1) return { state: 'in-progress' }; // another retry was faster
    return row.committed
      ? { state: 'committed', token, appends: row.committed }
      : { state: 'new', token, takenOver: true };
  }

  /** Stores the answer; a claim taken over meanwhile keeps the newer request's. */
  async complete(
    scope: string,
    key: string,
    token: string,
    status: number,
    response: unknown,
  ): Promise<void> {
    await this.pool.query(
      `UPDATE gridline_idempotency SET status = $4, response = $5
        WHERE scope = $1 AND key = $2 AND claim_token = $3`,
      [scope, key, token, status, JSON.stringify(response ?? null)],
    );
  }

  /**
   * Forgets a claim whose request failed in a way worth retrying (5xx, 409).
   * False if the request had already appended something: it must not run again.
   */
  async release(scope: string, key: string, token: string): Promise<boolean> {
    const deleted = await this.pool.query(
      `DELETE FROM gridline_idempotency
        WHERE scope = $1 AND key = $2 AND claim_token = $3 AND status IS NULL AND committed IS NULL`,
      [scope, key, token],
    );
    return deleted.rowCount === 1;
  }
}
