import type pg from 'pg';
import type { WorkItemDocument, WorkKind } from './work-items.js';
import {
  documentJson,
  inTransaction,
  prepareTable,
  readModelTable,
  textColumn,
  unqualified,
} from './postgres-tables.js';

/** A person's open work as the work index answers it: the first items, and counts of all. */
export interface OpenWork {
  /** Soonest due first (no due time last), then the longest waiting, then by id. */
  readonly items: WorkItemDocument[];
  readonly counts: Partial<Record<WorkKind, number>>;
}

/**
 * "My work" at city scale (ADR 0007, slice 2): a set's work documents in a
 * PostgreSQL table, with partial indexes that hold open work only, in the order
 * "my work" shows it, so that a person's first items are read from an index and
 * stop after a page, and a count per queue and kind kept beside them, so that the
 * totals are read, not counted. What a query costs grows with the page, not with
 * the collection or the backlog.
 *
 * The documents are the collection's (work-items.ts folds them); each is made by
 * one stream, so its `revision` orders its versions: a row is replaced only by a
 * document of a later revision, whatever order writers arrive in. Writers of one
 * set take turns (a transaction-scoped advisory lock), so each write moves the
 * counts by exactly what it changed.
 */
export class PostgresWorkIndex {
  readonly table: string;
  /** Open work per queue and kind. */
  readonly counts: string;
  private readonly schema: string;

  constructor(
    private readonly pool: pg.Pool,
    database: string,
    suffix: string,
  ) {
    ({ schema: this.schema, table: this.table } = readModelTable(database, 'work_items', suffix));
    this.counts = readModelTable(database, 'work_counts', suffix).table;
  }

  prepare(): Promise<boolean> {
    const t = this.table;
    const short = unqualified(t);
    const open = 'WHERE kind IS NOT NULL AND done_at IS NULL';
    const order = 'due_ms, since_ms, id';
    return prepareTable(
      this.pool,
      this.schema,
      t,
      LAYOUT,
      [
        `CREATE TABLE ${t} (
         id text COLLATE "C" PRIMARY KEY,
         doc jsonb NOT NULL,
         revision bigint GENERATED ALWAYS AS ((doc->>'revision')::bigint) STORED,
         ${textColumn('agency', "doc->>'agency'")},
         ${textColumn('queue', "doc->>'queue'")},
         ${textColumn('principal', "doc->>'principal'")},
         ${textColumn('kind', "doc->>'kind'")},
         ${textColumn('done_at', "doc->>'doneAt'")},
         -- Written with the document (a text-to-time cast cannot be generated).
         due_ms bigint,
         since_ms bigint NOT NULL
       )`,
        `CREATE INDEX ${short}_queue ON ${t} (queue, ${order}) ${open}`,
        `CREATE INDEX ${short}_principal ON ${t} (principal, agency, ${order}) ${open}`,
        `CREATE INDEX ${short}_not_for ON ${t} USING gin ((doc->'notFor')) ${open}`,
        `CREATE TABLE ${this.counts} (
         queue text COLLATE "C" NOT NULL,
         kind text COLLATE "C" NOT NULL,
         n bigint NOT NULL,
         PRIMARY KEY (queue, kind)
       )`,
      ],
      [this.counts],
    );
  }

  async drop(): Promise<void> {
    await this.pool.query(`DROP TABLE IF EXISTS ${this.table}, ${this.counts}`);
  }

  /** Brings the rows up to `docs` (a row of a later revision stays), and the counts with them. */
  async write(docs: readonly WorkItemDocument[]): Promise<void> {
    if (docs.length === 0) return;
    await inTransaction(this.pool, this.table, async (client) => {
      for (let i = 0; i < docs.length; i += DOCS_PER_STATEMENT)
        await this.writeSome(client, docs.slice(i, i + DOCS_PER_STATEMENT));
    });
  }

  private async writeSome(client: pg.PoolClient, docs: readonly WorkItemDocument[]) {
    type Counted = { id: string; queue: string | null; kind: string | null; open: boolean };
    const counted = `id, queue, kind, (kind IS NOT NULL AND done_at IS NULL) AS open`;
    const { rows: before } = await client.query<Counted>(
      `SELECT ${counted} FROM ${this.table} WHERE id = ANY($1::text[])`,
      [docs.map((d) => d._id)],
    );
    const rows = docs.map((doc) => ({
      doc,
      due: doc.dueAt ? Date.parse(doc.dueAt) : null,
      since: Date.parse(doc.since),
    }));
    const { rows: after } = await client.query<Counted>(
      `INSERT INTO ${this.table} AS row (id, doc, due_ms, since_ms)
         SELECT r->'doc'->>'_id', r->'doc', (r->>'due')::bigint, (r->>'since')::bigint
           FROM jsonb_array_elements($1::jsonb) AS r
       ON CONFLICT (id) DO UPDATE
         SET doc = excluded.doc, due_ms = excluded.due_ms, since_ms = excluded.since_ms
         WHERE excluded.revision > row.revision
       RETURNING ${counted}`,
      [documentJson(rows)],
    );
    const delta = new Map<string, { queue: string; kind: string; n: number }>();
    const move = (row: Counted | undefined, by: number) => {
      if (!row?.open || !row.queue || !row.kind) return;
      const key = `${row.queue}|${row.kind}`;
      const d = delta.get(key) ?? { queue: row.queue, kind: row.kind, n: 0 };
      d.n += by;
      delta.set(key, d);
    };
    const was = new Map(before.map((r) => [r.id, r]));
    for (const row of after) {
      move(was.get(row.id), -1);
      move(row, 1);
    }
    const changes = [...delta.values()].filter((d) => d.n !== 0);
    if (changes.length > 0)
      await client.query(
        `INSERT INTO ${this.counts} AS c (queue, kind, n)
           SELECT d->>'queue', d->>'kind', (d->>'n')::bigint FROM jsonb_array_elements($1::jsonb) AS d
         ON CONFLICT (queue, kind) DO UPDATE SET n = c.n + excluded.n`,
        [JSON.stringify(changes)],
      );
  }

  /**
   * The open work of `queues` and the open work addressed to `principal` in
   * `agency`, less what they may not do (`notFor`): the first `limit` in
   * "my work"'s order, one index walk per queue that stops at `limit`, and the
   * counts per kind from the counts kept (less the few items excluded for them).
   */
  async open(
    queues: readonly string[],
    principal: string,
    agency: string,
    limit: number,
  ): Promise<OpenWork> {
    const allowed = `kind IS NOT NULL AND done_at IS NULL AND NOT (doc->'notFor' ? $2)`;
    const order = 'ORDER BY due_ms NULLS LAST, since_ms, id';
    const branches = [
      ...queues.map(
        (_, i) => `(SELECT doc, due_ms, since_ms, id FROM ${this.table}
          WHERE queue = $${i + 4} AND ${allowed} ${order} LIMIT $1)`,
      ),
      `(SELECT doc, due_ms, since_ms, id FROM ${this.table}
          WHERE principal = $2 AND agency = $3 AND ${allowed} ${order} LIMIT $1)`,
    ];
    const { rows } = await this.pool.query<{ doc: WorkItemDocument }>(
      `SELECT doc FROM (${branches.join(' UNION ')}) AS open ${order} LIMIT $1`,
      [limit, principal, agency, ...queues],
    );
    const { rows: tallies } = await this.pool.query<{ kind: WorkKind; n: string }>(
      `SELECT kind, sum(n) AS n FROM (
         SELECT kind, n FROM ${this.counts} WHERE queue = ANY($1::text[])
         UNION ALL
         SELECT kind, -count(*) FROM ${this.table}
          WHERE queue = ANY($1::text[]) AND kind IS NOT NULL AND done_at IS NULL
            AND doc->'notFor' ? $2 GROUP BY kind
         UNION ALL
         SELECT kind, count(*) FROM ${this.table}
          WHERE principal = $2 AND agency = $3 AND ${allowed} GROUP BY kind
       ) AS t GROUP BY kind`,
      [queues, principal, agency],
    );
    const counts: Partial<Record<WorkKind, number>> = {};
    for (const { kind, n } of tallies) if (Number(n) > 0) counts[kind] = Number(n);
    return { items: rows.map((r) => r.doc), counts };
  }

  /** Every document, by id (tests' and checks' comparisons). */
  async all(): Promise<WorkItemDocument[]> {
    const { rows } = await this.pool.query<{ doc: WorkItemDocument }>(
      `SELECT doc FROM ${this.table} ORDER BY id`,
    );
    return rows.map((r) => r.doc);
  }

  /** The counts kept, and the same counted from the rows: equal unless a write went wrong. */
  async countsKeptAndCounted(): Promise<{ kept: string[]; counted: string[] }> {
    const line = (r: { queue: string; kind: string; n: string }) => `${r.queue} ${r.kind} ${r.n}`;
    const { rows: kept } = await this.pool.query<{ queue: string; kind: string; n: string }>(
      `SELECT queue, kind, n FROM ${this.counts} WHERE n <> 0 ORDER BY queue, kind`,
    );
    const { rows: counted } = await this.pool.query<{ queue: string; kind: string; n: string }>(
      `SELECT queue, kind, count(*) AS n FROM ${this.table}
        WHERE queue IS NOT NULL AND kind IS NOT NULL AND done_at IS NULL
        GROUP BY queue, kind ORDER BY queue, kind`,
    );
    return { kept: kept.map(line), counted: counted.map(line) };
  }
}

/** Changes with the tables' columns or indexes: tables of another layout are made again. */
const LAYOUT = 'work-2';

/** Documents per INSERT (a work document is well under 1 kB of JSON). */
const DOCS_PER_STATEMENT = 1_000;
