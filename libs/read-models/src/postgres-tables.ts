import type pg from 'pg';

/**
 * Where a read-model set's PostgreSQL tables live (ADR 0007): the schema
 * `gridline_rm_<database>`, after the MongoDB database the set's collections are
 * in (so isolated test and bench databases stay apart), and `<base><suffix>`.
 * Suffixes are the rebuild's (`_v<ms>`) or a test's; database names are
 * MongoDB's (letters, digits, `_` and `-` here), lower-cased.
 */
export function readModelTable(
  database: string,
  base: string,
  suffix: string,
): { schema: string; table: string } {
  const name = database.toLowerCase().replace(/-/g, '_');
  if (!/^[a-z0-9_]{1,40}$/.test(name))
    throw new Error(`not a read-model database name: ${database}`);
  if (!/^(_[a-z0-9_]{1,40})?$/.test(suffix))
    throw new Error(`not a read-model set suffix: ${suffix}`);
  const schema = `gridline_rm_${name}`;
  return { schema, table: `${schema}.${base}${suffix}` };
}

/**
 * Makes an index's tables (`statements`, the first making `table`) unless they
 * exist in this `layout`; true when they were made now, to be filled. Tables of
 * another layout (an older release's) are dropped first, `also` with them: they
 * are derived from the collections and refilled from them. Replicas starting
 * together: one makes them, the others find them. `fill`, if given, runs in the
 * same transaction: the tables are seen by others only once filled.
 */
export async function prepareTable(
  pool: pg.Pool,
  schema: string,
  table: string,
  layout: string,
  statements: readonly string[],
  also: readonly string[] = [],
  fill?: (client: pg.PoolClient) => Promise<void>,
): Promise<boolean> {
  return inTransaction(pool, schema, async (client) => {
    const { rows } = await client.query<{ found: boolean; layout: string | null }>(
      `SELECT to_regclass($1) IS NOT NULL AS found, obj_description(to_regclass($1), 'pg_class') AS layout`,
      [table],
    );
    const marker = `gridline read-model index, layout ${layout}`;
    if (rows[0]?.found && rows[0].layout === marker) return false;
    await client.query(`DROP TABLE IF EXISTS ${[table, ...also].join(', ')}`);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    for (const statement of statements) await client.query(statement);
    await client.query(`COMMENT ON TABLE ${table} IS '${marker}'`);
    await fill?.(client);
    return true;
  });
}

/** `work` in one transaction holding the advisory lock of `lock` (writers of it take turns). */
export async function inTransaction<T>(
  pool: pg.Pool,
  lock: string,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // The pool listens for errors on idle clients only: a server that goes away while
  // this one is checked out would otherwise be an unhandled 'error' event that ends
  // the process. The failing query reports it; the broken client is discarded.
  let broken: Error | undefined;
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lock]);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    broken ??= error instanceof Error ? error : undefined;
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/**
 * A read-model document as JSON for a `jsonb` column, as the collection stores it:
 * a field set to `undefined` is `null` there (the driver writes BSON null), where
 * `JSON.stringify` would leave the field out.
 */
export const documentJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (v === undefined ? null : v));

/** Text columns generated from the document, compared byte-wise as MongoDB compares strings. */
export const textColumn = (name: string, path: string) =>
  `${name} text COLLATE "C" GENERATED ALWAYS AS (${path}) STORED`;

/** The index-name prefix of a schema-qualified table (`schema.cases_v1` → `cases_v1`). */
export const unqualified = (table: string) => table.slice(table.indexOf('.') + 1);
