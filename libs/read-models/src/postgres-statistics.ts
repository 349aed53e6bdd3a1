import type pg from 'pg';
import {
  documentJson,
  inTransaction,
  prepareTable,
  readModelTable,
  unqualified,
} from './postgres-tables.js';
import { addToBucket, type BucketUpdate, type StatisticsWriter } from './statistics.projection.js';

/** The layout of the tables; another (an older release's) is dropped and refilled. */
const LAYOUT = 'stats-1';
/** Markers sent in one statement (three arrays of this many). */
const MARKERS_PER_STATEMENT = 5_000;

export type BucketKind = BucketUpdate['kind'];

/** A bucket as the statistics read it: its street or agency, its month and its figures. */
export type StatBucketFigures = { readonly _id: string; readonly month: string } & Readonly<
  Record<string, unknown>
>;

/** A bucket with the markers of the updates in it, as the collections hold it. */
export type StatBucketWithMarkers = StatBucketFigures & { readonly applied: readonly string[] };

/** Which buckets a statistics query reads: one street or agency, and a month range. */
export interface BucketRange {
  /** The street (street buckets) or agency (agency buckets). */
  readonly key?: string;
  readonly from?: string;
  readonly to?: string;
}

/**
 * The statistics at city scale (ADR 0007, slice 3): a set's buckets, per street
 * or agency and calendar month, in one PostgreSQL table whose `(kind, month, key)`
 * index answers a month range by an index range scan, and the markers of the
 * updates applied, one row each, in a second table whose primary key is the
 * exactly-once guard. An update's marker and its figures are written in one
 * transaction, so a redelivered batch finds its markers and changes nothing.
 *
 * On the collections (`MongoStatistics`) the markers are a list inside each
 * bucket, which grows with the events counted in it and is read whole with the
 * bucket on FerretDB: a year's statistics at a million events took 0.57 s. Here a
 * query reads the buckets' figures only, and what it costs grows with the
 * buckets it answers with.
 *
 * The figures are added by `addToBucket`, the same function as the rebuild's
 * fold: what an update adds stays in `caseChange` and the 721 rules. Writers of
 * one set take turns (an advisory lock inside the transaction), which also makes
 * overlapping updates of one bucket safe (on FerretDB they are not: ADR 0002).
 */
export class PostgresStatistics implements StatisticsWriter {
  readonly table: string;
  readonly markers: string;
  private readonly schema: string;

  constructor(
    private readonly pool: pg.Pool,
    database: string,
    suffix: string,
  ) {
    ({ schema: this.schema, table: this.table } = readModelTable(database, 'stats', suffix));
    this.markers = readModelTable(database, 'stat_markers', suffix).table;
  }

  /**
   * Makes the tables unless they exist in this layout; true when made now.
   * `fill` gives the buckets to start with (an upgraded set's collections): they
   * go in in the same transaction, so no writer sees the tables before they are
   * filled.
   */
  prepare(
    fill?: () => AsyncIterable<readonly [BucketKind, StatBucketWithMarkers]>,
  ): Promise<boolean> {
    const t = this.table;
    const short = unqualified(t);
    return prepareTable(
      this.pool,
      this.schema,
      t,
      LAYOUT,
      [
        `CREATE TABLE ${t} (
           kind text COLLATE "C" NOT NULL,
           id text COLLATE "C" NOT NULL,
           doc jsonb NOT NULL,
           month text COLLATE "C" GENERATED ALWAYS AS (doc->>'month') STORED,
           key text COLLATE "C" GENERATED ALWAYS AS (coalesce(doc->>'street', doc->>'agency')) STORED,
           PRIMARY KEY (kind, id)
         )`,
        `CREATE INDEX ${short}_month ON ${t} (kind, month, key)`,
        `CREATE INDEX ${short}_key ON ${t} (kind, key, month)`,
        `CREATE TABLE ${this.markers} (
           kind text COLLATE "C" NOT NULL,
           bucket text COLLATE "C" NOT NULL,
           marker text COLLATE "C" NOT NULL,
           PRIMARY KEY (kind, bucket, marker)
         )`,
      ],
      [this.markers],
      fill
        ? async (client) => {
            let batch: [BucketKind, StatBucketWithMarkers][] = [];
            for await (const bucket of fill()) {
              batch.push([bucket[0], bucket[1]]);
              if (batch.length === 200) {
                await this.put(client, batch);
                batch = [];
              }
            }
            await this.put(client, batch);
          }
        : undefined,
    );
  }

  async drop(): Promise<void> {
    await this.pool.query(`DROP TABLE IF EXISTS ${this.table}, ${this.markers}`);
  }

  /** Each update once: those whose marker its bucket holds already change nothing. */
  async apply(updates: readonly BucketUpdate[]): Promise<void> {
    const unique = new Map<string, BucketUpdate>();
    for (const u of updates) {
      const key = markerKey(u.kind, u.id, u.marker);
      if (!unique.has(key)) unique.set(key, u);
    }
    if (unique.size === 0) return;
    await inTransaction(this.pool, this.table, async (client) => {
      const fresh: BucketUpdate[] = [];
      const all = [...unique.values()];
      for (let i = 0; i < all.length; i += MARKERS_PER_STATEMENT) {
        const some = all.slice(i, i + MARKERS_PER_STATEMENT);
        const inserted = await this.insertMarkers(
          client,
          some.map((u) => [u.kind, u.id, u.marker]),
        );
        fresh.push(...some.filter((u) => inserted.has(markerKey(u.kind, u.id, u.marker))));
      }
      if (fresh.length === 0) return;
      const buckets = new Map<string, { kind: BucketKind; doc: Record<string, unknown> }>();
      for (const u of fresh) buckets.set(`${u.kind}|${u.id}`, { kind: u.kind, doc: {} });
      const { rows } = await client.query<{
        kind: BucketKind;
        id: string;
        doc: Record<string, unknown>;
      }>(
        `SELECT s.kind, s.id, s.doc FROM ${this.table} s
           JOIN unnest($1::text[], $2::text[]) AS b(kind, id) ON s.kind = b.kind AND s.id = b.id`,
        [[...buckets.values()].map((b) => b.kind), [...buckets.keys()].map(idOf)],
      );
      for (const row of rows)
        buckets.set(`${row.kind}|${row.id}`, { kind: row.kind, doc: row.doc });
      for (const u of fresh) {
        const bucket = buckets.get(`${u.kind}|${u.id}`);
        if (!bucket) continue;
        if (bucket.doc['_id'] === undefined) Object.assign(bucket.doc, { _id: u.id, ...u.init });
        addToBucket(bucket.doc, u);
      }
      await this.writeDocs(
        client,
        [...buckets.values()].map((b) => [b.kind, b.doc as StatBucketFigures]),
      );
    });
  }

  /**
   * Buckets as a fold made them, with their markers: the rebuild's (the only
   * writer of its set) and an upgraded set's. Their figures replace the rows'.
   */
  async load(buckets: readonly (readonly [BucketKind, StatBucketWithMarkers])[]): Promise<void> {
    if (buckets.length === 0) return;
    await inTransaction(this.pool, this.table, (client) => this.put(client, buckets));
  }

  private async put(
    client: pg.PoolClient,
    buckets: readonly (readonly [BucketKind, StatBucketWithMarkers])[],
  ): Promise<void> {
    if (buckets.length === 0) return;
    await this.writeDocs(
      client,
      buckets.map(([kind, { applied: _markers, ...figures }]) => [
        kind,
        figures as StatBucketFigures,
      ]),
    );
    let markers: [BucketKind, string, string][] = [];
    for (const [kind, bucket] of buckets)
      for (const marker of bucket.applied) {
        markers.push([kind, bucket._id, marker]);
        if (markers.length === MARKERS_PER_STATEMENT) {
          await this.insertMarkers(client, markers);
          markers = [];
        }
      }
    await this.insertMarkers(client, markers);
  }

  /** Inserts markers not there yet; answers those inserted now (as `markerKey`s). */
  private async insertMarkers(
    client: pg.PoolClient,
    markers: readonly (readonly [BucketKind, string, string])[],
  ): Promise<Set<string>> {
    if (markers.length === 0) return new Set();
    const { rows } = await client.query<{ kind: BucketKind; bucket: string; marker: string }>(
      `INSERT INTO ${this.markers} (kind, bucket, marker)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
       ON CONFLICT DO NOTHING
       RETURNING kind, bucket, marker`,
      [markers.map((m) => m[0]), markers.map((m) => m[1]), markers.map((m) => m[2])],
    );
    return new Set(rows.map((r) => markerKey(r.kind, r.bucket, r.marker)));
  }

  private async writeDocs(
    client: pg.PoolClient,
    docs: readonly (readonly [BucketKind, StatBucketFigures])[],
  ): Promise<void> {
    if (docs.length === 0) return;
    await client.query(
      `INSERT INTO ${this.table} (kind, id, doc)
         SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
       ON CONFLICT (kind, id) DO UPDATE SET doc = excluded.doc`,
      [docs.map((d) => d[0]), docs.map((d) => d[1]._id), docs.map((d) => documentJson(d[1]))],
    );
  }

  /**
   * The buckets of one kind in a month range (and of one street or agency), by
   * month then street or agency, as compared byte-wise: one index range scan.
   */
  async buckets(kind: BucketKind, range: BucketRange): Promise<StatBucketFigures[]> {
    const where = ['kind = $1'];
    const values: string[] = [kind];
    const add = (condition: string, value: string) => {
      values.push(value);
      where.push(`${condition} $${values.length}`);
    };
    if (range.from) add('month >=', range.from);
    if (range.to) add('month <=', range.to);
    if (range.key) add('key =', range.key);
    const { rows } = await this.pool.query<{ doc: StatBucketFigures }>(
      `SELECT doc FROM ${this.table} WHERE ${where.join(' AND ')} ORDER BY month, key`,
      values,
    );
    return rows.map((r) => r.doc);
  }

  /** Every bucket and marker (tests compare sets by them), in a stable order. */
  async all(): Promise<{
    buckets: { kind: BucketKind; doc: StatBucketFigures }[];
    markers: string[];
  }> {
    const { rows: buckets } = await this.pool.query<{ kind: BucketKind; doc: StatBucketFigures }>(
      `SELECT kind, doc FROM ${this.table} ORDER BY kind, id`,
    );
    const { rows: markers } = await this.pool.query<{ m: string }>(
      `SELECT kind || ' ' || bucket || ' ' || marker AS m FROM ${this.markers} ORDER BY kind, bucket, marker`,
    );
    return { buckets, markers: markers.map((r) => r.m) };
  }
}

const markerKey = (kind: string, bucket: string, marker: string) => `${kind}|${bucket}|${marker}`;
const idOf = (key: string) => key.slice(key.indexOf('|') + 1);
