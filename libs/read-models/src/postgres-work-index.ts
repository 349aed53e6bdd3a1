import type pg from 'pg';
import type { WorkItemDocument } from './work-items.js';
import { prepareTable, readModelTable, textColumn, unqualified } from './postgres-tables.js';

/**
 * "My work" at city scale (ADR 0007, slice 2): a set's work documents in a
 * PostgreSQL table, with partial indexes on the queue and the person that hold
 * open work only, so what waits on someone is read from an index and costs what
 * is open for them, not the whole collection (on FerretDB 1.24 each queue read
 * decodes every match and the sort is done in memory).
 *
 * The documents are the collection's (work-items.ts folds them); each is made by
 * one stream, so its `revision` orders its versions: a row is replaced only by
 * a document of a later revision, whatever order writers arrive in.
 */
export class PostgresWorkIndex {
  readonly table: string;
  private readonly schema: string;

  constructor(
    private readonly pool: pg.Pool,
    database: string,
    suffix: string,
  ) {
    ({ schema: this.schema, table: this.table } = readModelTable(database, 'work_items', suffix));
  }

  prepare(): Promise<boolean> {
    const t = this.table;
    const short = unqualified(t);
    const open = `WHERE kind IS NOT NULL AND done_at IS NULL`;
    return prepareTable(this.pool, this.schema, t, [
      `CREATE TABLE ${t} (
         id text COLLATE "C" PRIMARY KEY,
         doc jsonb NOT NULL,
         revision bigint GENERATED ALWAYS AS ((doc->>'revision')::bigint) STORED,
         ${textColumn('queue', "doc->>'queue'")},
         ${textColumn('principal', "doc->>'principal'")},
         ${textColumn('kind', "doc->>'kind'")},
         ${textColumn('done_at', "doc->>'doneAt'")}
       )`,
      `CREATE INDEX ${short}_queue ON ${t} (queue) ${open}`,
      `CREATE INDEX ${short}_principal ON ${t} (principal) ${open}`,
    ]);
  }

  async drop(): Promise<void> {
    await this.pool.query(`DROP TABLE IF EXISTS ${this.table}`);
  }

  /** Brings the rows up to `docs` (a row of a later revision stays). */
  async write(docs: readonly WorkItemDocument[]): Promise<void> {
    for (let i = 0; i < docs.length; i += DOCS_PER_STATEMENT)
      await this.pool.query(
        `INSERT INTO ${this.table} AS row (id, doc)
           SELECT d->>'_id', d FROM jsonb_array_elements($1::jsonb) AS d
         ON CONFLICT (id) DO UPDATE SET doc = excluded.doc
           WHERE excluded.revision > row.revision`,
        [JSON.stringify(docs.slice(i, i + DOCS_PER_STATEMENT))],
      );
  }

  /**
   * The open work of the queues, and the open work addressed to `principal`:
   * what WorkQueries reads from the collection (one equality per queue, one on
   * the principal), from the two partial indexes.
   */
  async open(queues: readonly string[], principal: string): Promise<WorkItemDocument[]> {
    const { rows } = await this.pool.query<{ doc: WorkItemDocument }>(
      `SELECT doc FROM ${this.table}
        WHERE (queue = ANY($1::text[]) OR principal = $2) AND kind IS NOT NULL AND done_at IS NULL`,
      [queues, principal],
    );
    return rows.map((r) => r.doc);
  }

  /** Every document, by id (tests' and checks' comparisons). */
  async all(): Promise<WorkItemDocument[]> {
    const { rows } = await this.pool.query<{ doc: WorkItemDocument }>(
      `SELECT doc FROM ${this.table} ORDER BY id`,
    );
    return rows.map((r) => r.doc);
  }
}

/** Documents per INSERT (a work document is well under 1 kB of JSON). */
const DOCS_PER_STATEMENT = 1_000;
