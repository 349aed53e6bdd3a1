import type pg from 'pg';
import type { PublicityDocument } from './collections.js';
import type { Page } from './query-params.js';
import {
  documentJson,
  inTransaction,
  prepareTable,
  readModelTable,
  textColumn,
  unqualified,
} from './postgres-tables.js';

/** Changes with the table's columns or indexes: a table of another layout is made again. */
const LAYOUT = 'publicity-1';
/** Documents per INSERT (a publicity entry is well under 1 kB of JSON). */
const DOCS_PER_STATEMENT = 500;

/**
 * The public enforcement feed at city scale (ADR 0007): a set's publicity
 * entries copied into a PostgreSQL table whose `(published_at DESC, id DESC)`
 * indexes (one of every entry, one of those not retracted) a keyset page walks
 * and stops after the page. FerretDB sorts the whole collection for each page.
 *
 * The entries are the collection's: `EnforcementProjection` merges each change
 * into the collection (several streams change one entry: the decision's, an
 * erasure's), then has the rows refreshed: read again from the collection while
 * holding the set's lock. Whoever refreshes last read the collection after every
 * earlier write, so the rows end as the collection, whatever order writers come
 * in. The rebuild, the only writer of its set, writes its entries directly.
 */
export class PostgresPublicityIndex {
  readonly table: string;
  private readonly schema: string;

  constructor(
    private readonly pool: pg.Pool,
    database: string,
    suffix: string,
  ) {
    ({ schema: this.schema, table: this.table } = readModelTable(database, 'publicity', suffix));
  }

  prepare(): Promise<boolean> {
    const t = this.table;
    const short = unqualified(t);
    const order = '(published_at DESC, id DESC)';
    return prepareTable(this.pool, this.schema, t, LAYOUT, [
      `CREATE TABLE ${t} (
         id text COLLATE "C" PRIMARY KEY,
         doc jsonb NOT NULL,
         ${textColumn('published_at', "doc->>'publishedAt'")},
         retracted boolean GENERATED ALWAYS AS ((doc->>'retracted')::boolean) STORED
       )`,
      `CREATE INDEX ${short}_published ON ${t} ${order}`,
      `CREATE INDEX ${short}_standing ON ${t} ${order} WHERE NOT retracted`,
    ]);
  }

  async drop(): Promise<void> {
    await this.pool.query(`DROP TABLE IF EXISTS ${this.table}`);
  }

  /**
   * The rows of `ids` made what `read` finds in the collection now (an entry it
   * does not find is removed), read while holding the lock (see the class comment).
   */
  async refresh(
    ids: readonly string[],
    read: (ids: readonly string[]) => Promise<PublicityDocument[]>,
  ): Promise<void> {
    if (ids.length === 0) return;
    await inTransaction(this.pool, this.table, async (client) => {
      const docs = await read(ids);
      await this.upsert(client, docs);
      const found = new Set(docs.map((d) => d._id));
      const gone = ids.filter((id) => !found.has(id));
      if (gone.length > 0)
        await client.query(`DELETE FROM ${this.table} WHERE id = ANY($1::text[])`, [gone]);
    });
  }

  /** Entries as the only writer of the set made them (the rebuild). */
  async write(docs: readonly PublicityDocument[]): Promise<void> {
    if (docs.length === 0) return;
    await inTransaction(this.pool, this.table, (client) => this.upsert(client, docs));
  }

  private async upsert(client: pg.PoolClient, docs: readonly PublicityDocument[]): Promise<void> {
    for (let i = 0; i < docs.length; i += DOCS_PER_STATEMENT)
      await client.query(
        `INSERT INTO ${this.table} (id, doc)
           SELECT d->>'_id', d FROM jsonb_array_elements($1::jsonb) AS d
         ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`,
        [documentJson(docs.slice(i, i + DOCS_PER_STATEMENT))],
      );
  }

  /** Newest published first (then by id, descending), after the page's cursor. */
  async page(includeRetracted: boolean, page: Page, limit: number): Promise<PublicityDocument[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (!includeRetracted) where.push('NOT retracted');
    if (page.after) {
      values.push(page.after.time, page.after.id);
      where.push('(published_at, id) < ($1, $2)');
    }
    values.push(limit);
    const { rows } = await this.pool.query<{ doc: PublicityDocument }>(
      `SELECT doc FROM ${this.table}
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY published_at DESC, id DESC
        LIMIT $${values.length}`,
      values,
    );
    return rows.map((r) => r.doc);
  }

  /** Every entry, by id (tests compare sets by them). */
  async all(): Promise<PublicityDocument[]> {
    const { rows } = await this.pool.query<{ doc: PublicityDocument }>(
      `SELECT doc FROM ${this.table} ORDER BY id`,
    );
    return rows.map((r) => r.doc);
  }
}
