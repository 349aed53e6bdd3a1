import type { Agency, EventMetadata } from '@gridline/contracts';
import {
  assertOwnership,
  ChainVerifier,
  chainEvents,
  GENESIS_HASH,
  type IntegrityReport,
  type IntegrityVerifiable,
  DuplicateEventIdError,
  satisfiesExpectation,
  WrongExpectedVersionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadCaseOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamHead,
  Wakeup,
} from '@gridline/eventsourcing';
import pg from 'pg';
import { recordUnderActiveClaim } from './postgres-idempotency-store.js';

export const NOTIFY_CHANNEL = 'gridline_events';

interface EventRow {
  event_id: string;
  stream_id: string;
  stream_revision: string;
  event_type: string;
  data: unknown;
  metadata: EventMetadata;
  occurred_at: Date;
  commit_position: string;
  global_position: string;
  previous_hash: string | null;
  hash: string | null;
}

const SELECT_EVENT = `
  SELECT event_id, stream_id, stream_revision, event_type, data, metadata, occurred_at,
         transaction_id::text AS commit_position, global_position, previous_hash, hash
    FROM gridline_events`;

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.event_type,
    streamId: row.stream_id,
    revision: Number(row.stream_revision),
    position: { commit: BigInt(row.commit_position), prepare: BigInt(row.global_position) },
    occurredAt: row.occurred_at.toISOString(),
    data: row.data,
    metadata: row.metadata,
    ...(row.hash !== null && row.previous_hash !== null
      ? { integrity: { previousHash: row.previous_hash, hash: row.hash } }
      : {}),
  };
}

interface StreamHeadRow {
  head_revision: string | null;
  head_hash: string | null;
}

function headOf(row: StreamHeadRow): StreamHead | undefined {
  return row.head_revision === null
    ? undefined
    : { revision: Number(row.head_revision), hash: row.head_hash ?? undefined };
}

const VERIFY_BATCH = 1000;

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint?: string };
  return e.code === '23505' && e.constraint === constraint;
}

function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The event store on PostgreSQL. Global log order is (transaction id, sequence):
 * readers only see transactions older than the oldest one still running, so an
 * event that commits late can never fall behind a reader's checkpoint
 * (docs/adr/0004-late-commits.md).
 */
export class PostgresEventStore implements EventStore, IntegrityVerifiable {
  private listener: pg.Client | undefined;
  private listening: Promise<void> | undefined;
  private readonly wakeup = new Wakeup();

  constructor(
    private readonly pool: pg.Pool,
    private readonly writer?: Agency,
    private readonly listenerConfig?: pg.ClientConfig,
    /** The store whose LISTEN connection this one shares. */
    private readonly root?: PostgresEventStore,
  ) {}

  /** Same pool and listener, appends limited to one agency's streams. */
  forWriter(agency: Agency): PostgresEventStore {
    return new PostgresEventStore(this.pool, agency, this.listenerConfig, this.root ?? this);
  }

  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    assertOwnership(streamId, this.writer);
    const expected = options.expectedRevision ?? 'any';
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Writers of one stream queue on an advisory lock, which (unlike a row lock)
      // assigns no transaction id. The id comes with the first insert, after the
      // previous writer committed, so a stream's events keep their order in the
      // (transaction id, sequence) log.
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [streamId]);
      const locked = await client.query<{ revision: string; last_hash: string | null }>(
        'SELECT revision, last_hash FROM gridline_streams WHERE stream_id = $1',
        [streamId],
      );
      const lockedRevision = Number(locked.rows[0]?.revision ?? -1);
      const current = lockedRevision < 0 ? 'no_stream' : lockedRevision;
      const replay = await this.findAppended(client, streamId, events);
      if (replay) {
        await client.query('ROLLBACK');
        return replay;
      }
      if (!satisfiesExpectation(expected, current)) {
        await client.query('ROLLBACK');
        throw new WrongExpectedVersionError(streamId, expected, current);
      }
      const first = current === 'no_stream' ? 0 : current + 1;
      const links = chainEvents(
        locked.rows[0]?.last_hash ?? GENESIS_HASH,
        events.map((e, i) => ({ ...e, streamId, revision: first + i })),
      );
      const inserted = await client.query<EventRow>(
        `INSERT INTO gridline_events
           (event_id, stream_id, stream_revision, event_type, data, metadata, occurred_at,
            previous_hash, hash)
         SELECT e.id, $1, $2::bigint + e.ord - 1, e.type, e.data, e.metadata, e.occurred_at,
                e.previous_hash, e.hash
           FROM unnest($3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[], $7::timestamptz[],
                       $8::text[], $9::text[])
                WITH ORDINALITY AS e(id, type, data, metadata, occurred_at, previous_hash, hash, ord)
          ORDER BY e.ord
         RETURNING event_id, stream_id, stream_revision, event_type, data, metadata, occurred_at,
                   transaction_id::text AS commit_position, global_position, previous_hash, hash`,
        [
          streamId,
          first,
          events.map((e) => e.id),
          events.map((e) => e.type),
          events.map((e) => JSON.stringify(e.data)),
          events.map((e) => JSON.stringify(e.metadata)),
          events.map((e) => e.occurredAt),
          links.map((l) => l.previousHash),
          links.map((l) => l.hash),
        ],
      );
      const last = first + events.length - 1;
      await client.query(
        `INSERT INTO gridline_streams (stream_id, revision, last_hash) VALUES ($1, $2, $3)
         ON CONFLICT (stream_id)
           DO UPDATE SET revision = EXCLUDED.revision, last_hash = EXCLUDED.last_hash`,
        [streamId, last, links.at(-1)?.hash ?? null],
      );
      const caseId = events[0]?.metadata.caseId;
      await recordUnderActiveClaim(client, {
        streamId,
        eventIds: events.map((e) => e.id),
        revision: last,
        ...(caseId ? { caseId } : {}),
      });
      await client.query(`SELECT pg_notify('${NOTIFY_CHANNEL}', '')`);
      await client.query('COMMIT');
      const recorded = inserted.rows.map(toRecorded).sort((a, b) => a.revision - b.revision);
      const tail = recorded.at(-1);
      if (!tail) throw new Error('insert returned no rows');
      return { nextExpectedRevision: last, position: tail.position, events: recorded };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (isUniqueViolation(error, 'gridline_events_stream_revision')) {
        // A concurrent writer created the stream (or appended) first.
        const actual = await this.currentRevision(streamId);
        throw new WrongExpectedVersionError(streamId, expected, actual);
      }
      if (isUniqueViolation(error, 'gridline_events_event_id_key')) {
        const replay = await this.findAppended(this.pool, streamId, events);
        if (replay) return replay;
        throw new DuplicateEventIdError(events.map((e) => e.id).join(','));
      }
      throw error;
    } finally {
      client.release();
    }
  }

  /** The result of an earlier append of exactly these event ids to this stream. */
  private async findAppended(
    db: pg.Pool | pg.PoolClient,
    streamId: string,
    events: readonly NewEvent[],
  ): Promise<AppendResult | undefined> {
    const ids = events.map((e) => e.id);
    const found = await db.query<EventRow>(
      `${SELECT_EVENT} WHERE event_id = ANY($1::uuid[]) ORDER BY stream_revision`,
      [ids],
    );
    if (found.rows.length === 0) return undefined;
    const recorded = found.rows.map(toRecorded);
    const sameRun =
      recorded.length === ids.length &&
      recorded.every(
        (e, i) =>
          e.streamId === streamId &&
          e.id === ids[i] &&
          e.revision === (recorded[0]?.revision ?? 0) + i,
      );
    if (!sameRun) throw new DuplicateEventIdError(recorded.map((e) => e.id).join(','));
    const tail = recorded.at(-1);
    if (!tail) return undefined;
    return { nextExpectedRevision: tail.revision, position: tail.position, events: recorded };
  }

  private async currentRevision(streamId: string): Promise<number | 'no_stream'> {
    const result = await this.pool.query<{ revision: string }>(
      'SELECT revision FROM gridline_streams WHERE stream_id = $1',
      [streamId],
    );
    const revision = Number(result.rows[0]?.revision ?? -1);
    return revision < 0 ? 'no_stream' : revision;
  }

  async readStream(
    streamId: string,
    options: ReadStreamOptions = {},
  ): Promise<readonly RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    const result = await this.pool.query<EventRow>(
      `${SELECT_EVENT}
        WHERE stream_id = $1 AND stream_revision ${backwards ? '<=' : '>='} $2
        ORDER BY stream_revision ${backwards ? 'DESC' : 'ASC'}
        LIMIT $3`,
      [streamId, from, options.maxCount ?? null],
    );
    return result.rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions): Promise<readonly RecordedEvent[]> {
    const after = options.after;
    const commit = after && after.commit >= 0n ? after.commit : 0n;
    const prepare = after ? after.prepare : -1n;
    const prefixes = options.streamPrefixes?.map(likePrefix) ?? null;
    const result = await this.pool.query<EventRow>(
      `${SELECT_EVENT}
        WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          AND ($3::text[] IS NULL OR stream_id LIKE ANY($3::text[]))
          AND ($5::timestamptz IS NULL OR occurred_at >= $5::timestamptz)
          AND ($6::timestamptz IS NULL OR occurred_at <= $6::timestamptz)
        ORDER BY transaction_id, global_position
        LIMIT $4`,
      [
        commit.toString(),
        prepare.toString(),
        prefixes,
        options.maxCount,
        options.occurredFrom?.toISOString() ?? null,
        options.occurredUntil?.toISOString() ?? null,
      ],
    );
    return result.rows.map(toRecorded);
  }

  /** Served by the expression index `gridline_events_by_case` (schema.ts). */
  async readCase(caseId: string, options: ReadCaseOptions = {}): Promise<readonly RecordedEvent[]> {
    const result = await this.pool.query<EventRow>(
      `${SELECT_EVENT}
        WHERE (metadata->>'caseId') = $1
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          AND ($2::timestamptz IS NULL OR occurred_at <= $2::timestamptz)
        ORDER BY transaction_id, global_position`,
      [caseId, options.until?.toISOString() ?? null],
    );
    return result.rows.map(toRecorded);
  }

  /**
   * Checks the hash chains of one stream or of every stream, stream by stream in
   * one consistent snapshot (REPEATABLE READ), and each stream's recorded head
   * against its last event. Memory stays bounded by the batch size.
   */
  async verifyIntegrity(
    options: { readonly streamId?: string; readonly maxBroken?: number } = {},
  ): Promise<IntegrityReport> {
    const verifier = new ChainVerifier({
      mode: 'store',
      ...(options.maxBroken ? { maxBroken: options.maxBroken } : {}),
    });
    const streamId = options.streamId ?? null;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      let after: { stream: string; revision: string } | undefined;
      let current: { stream: string; head: StreamHeadRow } | undefined;
      const finish = () => {
        if (!current) return;
        verifier.checkHead(current.stream, headOf(current.head));
        verifier.forget(current.stream);
      };
      for (;;) {
        const batch = await client.query<EventRow & StreamHeadRow>(
          `SELECT e.event_id, e.stream_id, e.stream_revision, e.event_type, e.data, e.metadata,
                  e.occurred_at, e.transaction_id::text AS commit_position, e.global_position,
                  e.previous_hash, e.hash, s.revision AS head_revision, s.last_hash AS head_hash
             FROM gridline_events e LEFT JOIN gridline_streams s ON s.stream_id = e.stream_id
            WHERE ($1::text IS NULL OR e.stream_id = $1)
              AND ($2::text IS NULL OR (e.stream_id, e.stream_revision) > ($2, $3::bigint))
            ORDER BY e.stream_id, e.stream_revision
            LIMIT ${VERIFY_BATCH}`,
          [streamId, after?.stream ?? null, after?.revision ?? null],
        );
        for (const row of batch.rows) {
          if (current?.stream !== row.stream_id) {
            finish();
            current = { stream: row.stream_id, head: row };
          }
          verifier.add(toRecorded(row));
        }
        const tail = batch.rows.at(-1);
        if (!tail || batch.rows.length < VERIFY_BATCH) break;
        after = { stream: tail.stream_id, revision: tail.stream_revision };
      }
      finish();
      // Heads whose streams have no events left at all.
      const orphans = await client.query<{ stream_id: string } & StreamHeadRow>(
        `SELECT s.stream_id, s.revision AS head_revision, s.last_hash AS head_hash
           FROM gridline_streams s
          WHERE ($1::text IS NULL OR s.stream_id = $1)
            AND NOT EXISTS (SELECT 1 FROM gridline_events e WHERE e.stream_id = s.stream_id)`,
        [streamId],
      );
      for (const row of orphans.rows) verifier.checkHead(row.stream_id, headOf(row));
      await client.query('COMMIT');
      return verifier.result();
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Waits for a NOTIFY from an append (delivered at commit), with a timeout as
   * the fallback: a lost listener connection degrades to polling, not to silence.
   */
  async waitForAppend(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.root) return this.root.waitForAppend(timeoutMs, signal);
    await this.ensureListening().catch(() => undefined);
    await this.wakeup.wait(timeoutMs, signal);
  }

  private ensureListening(): Promise<void> {
    if (!this.listenerConfig) return Promise.resolve();
    this.listening ??= (async () => {
      const client = new pg.Client(this.listenerConfig);
      const reset = () => {
        this.listener = undefined;
        this.listening = undefined;
        client.removeAllListeners();
        void client.end().catch(() => undefined);
      };
      client.on('error', reset);
      client.on('end', reset);
      client.on('notification', () => this.wakeup.wakeAll());
      try {
        await client.connect();
        await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
        this.listener = client;
      } catch (error) {
        reset();
        throw error;
      }
    })();
    return this.listening;
  }

  async close(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    this.listening = undefined;
    if (listener) {
      listener.removeAllListeners();
      await listener.end().catch(() => undefined);
    }
  }
}
