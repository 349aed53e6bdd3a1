import { randomUUID } from 'node:crypto';
import type { Lease } from '@gridline/messaging';
import { LEASES_DDL } from '@gridline/store-postgres';
import type pg from 'pg';

/**
 * A lease in PostgreSQL: taken when free or expired, renewed by its holder,
 * lapsing after `ttlMs` when the holder dies. The database's clock decides, so
 * replicas' clocks need not agree.
 */
export class PostgresLease implements Lease {
  readonly renewEveryMs: number;
  private ready: Promise<unknown> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly name: string,
    private readonly ttlMs = 10_000,
    readonly holder = `${process.pid}-${randomUUID()}`,
  ) {
    this.renewEveryMs = Math.max(100, Math.floor(ttlMs / 3));
  }

  async tryAcquire(): Promise<boolean> {
    // A store's database has the table (schema.ts), made by its owner; a service's
    // role could not make it, so it is made here only where it is missing.
    this.ready ??= this.tableExists()
      .then(async (exists) => {
        if (!exists) await this.pool.query(LEASES_DDL);
      })
      .catch((error: unknown) => {
        this.ready = undefined;
        throw error;
      });
    await this.ready;
    const { rows } = await this.pool.query<{ holder: string }>(
      `INSERT INTO gridline_leases (name, holder, expires_at)
       VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE
         SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
         WHERE gridline_leases.holder = EXCLUDED.holder
            OR gridline_leases.expires_at < clock_timestamp()
       RETURNING holder`,
      [this.name, this.holder, this.ttlMs],
    );
    return rows[0]?.holder === this.holder;
  }

  private async tableExists(): Promise<boolean> {
    const { rows } = await this.pool.query<{ found: boolean }>(
      `SELECT to_regclass('gridline_leases') IS NOT NULL AS found`,
    );
    return rows[0]?.found === true;
  }

  async release(): Promise<void> {
    await this.pool.query('DELETE FROM gridline_leases WHERE name = $1 AND holder = $2', [
      this.name,
      this.holder,
    ]);
  }
}
