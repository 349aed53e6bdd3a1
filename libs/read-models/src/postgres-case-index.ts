import type pg from 'pg';
import type { CaseDocument } from './collections.js';
import type { CaseListFilter, Page } from './query-params.js';
import {
  documentJson,
  prepareTable,
  readModelTable,
  textColumn,
  unqualified,
} from './postgres-tables.js';

/**
 * The board's lists at city scale (ADR 0007): every case document of a
 * read-model set, copied into a PostgreSQL table whose generated columns hold
 * what the lists filter and sort on, each with a btree that a keyset page walks
 * and stops after a page. FerretDB 1.24 sorts in memory after reading the whole
 * collection (12 s at 40,000 cases); this answers a page in milliseconds at any
 * size.
 *
 * The documents are the MongoDB collection's, as the projection folded them: the
 * table holds no rule of its own. One table per set (`cases<suffix>`, in the
 * set's schema: postgres-tables.ts), made and dropped with the set's collections, so a rebuild fills its own table
 * and readers follow the same version pointer.
 *
 * Writers race (the live projector, a rebuild's tail, replicas): a row is
 * replaced only by a document that has applied at least every stream revision
 * the row has (`streams`, the fold's own version vector). A document that lost
 * such a race and is not covered by the row either (two writers each applied
 * events the other had not) is read again from the collection, which holds both
 * writers' changes, and written once more.
 */
export class PostgresCaseIndex {
  readonly table: string;
  private readonly schema: string;

  /** `database`: the MongoDB database of the set (its documents' home). */
  constructor(
    private readonly pool: pg.Pool,
    database: string,
    suffix: string,
  ) {
    ({ schema: this.schema, table: this.table } = readModelTable(database, 'cases', suffix));
  }

  /** The table and its indexes (kept if there); true when it was made now. */
  prepare(): Promise<boolean> {
    return prepareTable(this.pool, this.schema, this.table, LAYOUT, tableStatements(this.table));
  }

  async drop(): Promise<void> {
    await this.pool.query(`DROP TABLE IF EXISTS ${this.table}`);
  }

  /**
   * Brings the rows of `docs` up to them (see the class comment); `reread`
   * fetches the collection's current documents of cases whose write lost a race.
   */
  async write(
    docs: readonly CaseDocument[],
    reread: (caseIds: string[]) => Promise<CaseDocument[]>,
  ): Promise<void> {
    let pending = [...docs];
    for (let attempt = 1; pending.length > 0; attempt++) {
      const stale: string[] = [];
      for (let i = 0; i < pending.length; i += DOCS_PER_STATEMENT)
        stale.push(...(await this.upsert(pending.slice(i, i + DOCS_PER_STATEMENT))));
      if (stale.length === 0) return;
      if (attempt >= MAX_ATTEMPTS)
        throw new Error(
          `case index: ${stale.length} case(s) still contested after ${attempt} writes`,
        );
      pending = await reread(stale);
    }
  }

  /** One statement's worth: the ids whose row neither took the document nor covers it. */
  private async upsert(docs: readonly CaseDocument[]): Promise<string[]> {
    if (docs.length === 0) return [];
    const t = this.table;
    const { rows: written } = await this.pool.query<{ case_id: string }>(
      `INSERT INTO ${t} AS row (case_id, doc)
         SELECT d->>'_id', d FROM jsonb_array_elements($1::jsonb) AS d
       ON CONFLICT (case_id) DO UPDATE SET doc = excluded.doc
         WHERE row.doc IS DISTINCT FROM excluded.doc
           AND NOT EXISTS (
             SELECT 1 FROM jsonb_each_text(row.doc->'streams') AS s
              WHERE COALESCE((excluded.doc->'streams'->>s.key)::bigint, -1) < s.value::bigint)
       RETURNING case_id`,
      [documentJson(docs)],
    );
    const taken = new Set(written.map((r) => r.case_id));
    const others = docs.filter((d) => !taken.has(d._id));
    if (others.length === 0) return [];
    const { rows } = await this.pool.query<{ case_id: string; streams: Record<string, number> }>(
      `SELECT case_id, doc->'streams' AS streams FROM ${t} WHERE case_id = ANY($1::text[])`,
      [others.map((d) => d._id)],
    );
    const current = new Map(rows.map((r) => [r.case_id, r.streams]));
    return others.filter((d) => !covers(current.get(d._id) ?? {}, d.streams)).map((d) => d._id);
  }

  async get(caseId: string): Promise<CaseDocument | undefined> {
    const { rows } = await this.pool.query<{ doc: CaseDocument }>(
      `SELECT doc FROM ${this.table} WHERE case_id = $1`,
      [caseId],
    );
    return rows[0]?.doc;
  }

  /** Every document, by case id (tests' and checks' comparisons). */
  async all(): Promise<CaseDocument[]> {
    const { rows } = await this.pool.query<{ doc: CaseDocument }>(
      `SELECT doc FROM ${this.table} ORDER BY case_id`,
    );
    return rows.map((r) => r.doc);
  }

  /** Of `caseIds`, those `agency` takes part in. */
  async takingPart(caseIds: readonly string[], agency: string): Promise<string[]> {
    if (caseIds.length === 0) return [];
    const { rows } = await this.pool.query<{ case_id: string }>(
      `SELECT case_id FROM ${this.table} WHERE case_id = ANY($1::text[]) AND doc->'agencies' @> $2::jsonb`,
      [caseIds, JSON.stringify([agency])],
    );
    return rows.map((r) => r.case_id);
  }

  /**
   * Up to `limit` documents matching the filter, newest activity first, after
   * the page's cursor: the order and the filters of CaseQueries.listCases on
   * the collection (`caseFilter` in queries.ts), one keyset page on an index.
   */
  async page(
    filter: CaseListFilter,
    page: Page,
    limit: number,
    agency: string | undefined,
    now: Date,
  ): Promise<CaseDocument[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (filter.status) where.push(`status = ${param(filter.status)}`);
    if (filter.street) where.push(`street = ${param(filter.street)}`);
    if (filter.grid) where.push(`grid = ${param(filter.grid)}`);
    if (filter.riskLevel) where.push(`risk_level = ${param(filter.riskLevel)}`);
    if (filter.mode) where.push(`mode = ${param(filter.mode)}`);
    if (filter.category) where.push(`category = ${param(filter.category)}`);
    for (const a of [filter.agency, agency])
      if (a) where.push(`doc->'agencies' @> ${param(JSON.stringify([a]))}::jsonb`);
    if (filter.overdue === true) where.push(`next_due_at < ${param(now.toISOString())}`);
    if (filter.overdue === false)
      where.push(`(next_due_at IS NULL OR next_due_at >= ${param(now.toISOString())})`);
    if (page.after)
      where.push(`(last_event_at, case_id) < (${param(page.after.time)}, ${param(page.after.id)})`);
    const { rows } = await this.pool.query<{ doc: CaseDocument }>(
      `SELECT doc FROM ${this.table}
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY last_event_at DESC, case_id DESC
        LIMIT ${param(limit)}`,
      values,
    );
    return rows.map((r) => r.doc);
  }
}

/** Changes with the table's columns or indexes: a table of another layout is made again. */
const LAYOUT = 'cases-1';

/** Documents per INSERT (a case document is 1–3 kB of JSON). */
const DOCS_PER_STATEMENT = 500;
/** Writes of a contested case before giving up (each re-read holds every writer's changes). */
const MAX_ATTEMPTS = 5;

/** Whether a row of stream revisions `row` has applied everything `doc` has. */
export function covers(
  row: Readonly<Record<string, number>>,
  doc: Readonly<Record<string, number>>,
) {
  return Object.entries(doc).every(([stream, revision]) => (row[stream] ?? -1) >= revision);
}

/**
 * Text columns sort and compare byte-wise (COLLATE "C"), as MongoDB compares
 * strings: the keyset cursor and the order are the collection's.
 */
function tableStatements(t: string): string[] {
  const short = unqualified(t);
  const column = textColumn;
  const byRecent = '(last_event_at DESC, case_id DESC)';
  const listed = ['status', 'street', 'grid', 'risk_level', 'mode', 'category'];
  return [
    `CREATE TABLE ${t} (
       case_id text COLLATE "C" PRIMARY KEY,
       doc jsonb NOT NULL,
       ${column('last_event_at', "doc->>'lastEventAt'")},
       ${column('status', "doc->>'status'")},
       ${column('street', "doc#>>'{location,street}'")},
       ${column('grid', "doc#>>'{location,grid}'")},
       ${column('risk_level', "doc->>'riskLevel'")},
       ${column('mode', "doc->>'mode'")},
       ${column('category', "doc->>'category'")},
       ${column('next_due_at', "doc->>'nextDueAt'")}
     )`,
    `CREATE INDEX ${short}_recent ON ${t} ${byRecent}`,
    ...listed.map(
      (c) => `CREATE INDEX ${short}_${c} ON ${t} (${c}, last_event_at DESC, case_id DESC)`,
    ),
    `CREATE INDEX ${short}_agencies ON ${t} USING gin ((doc->'agencies') jsonb_path_ops)`,
    `CREATE INDEX ${short}_due ON ${t} (next_due_at)`,
  ];
}
