import type { Agency, EventMetadata } from '@gridline/contracts';
import {
  assertOwnership,
  ChainVerifier,
  contentDigest,
  type IntegrityReport,
  type IntegrityVerifiable,
  DuplicateEventIdError,
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
import type pg from 'pg';
import { activeIdempotencyClaim, IdempotencyClaimLostError } from './postgres-idempotency-store.js';

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

interface AppendRow extends EventRow {
  outcome: 'appended' | 'replay' | 'conflict';
  current_revision: string;
}

/** The SQLSTATE `gridline_append` raises when the idempotency claim was taken over. */
const CLAIM_LOST = 'GL409';

function encodeExpectation(expected: ExpectedRevision): number {
  switch (expected) {
    case 'any':
      return -1;
    case 'no_stream':
      return -2;
    case 'stream_exists':
      return -3;
    default:
      return expected;
  }
}

/**
 * Stored events that are exactly these new events, in order, in this stream: the
 * result of an earlier append of them. Undefined if they are stored otherwise.
 */
function sameRun(
  recorded: readonly RecordedEvent[],
  streamId: string,
  events: readonly NewEvent[],
): AppendResult | undefined {
  const first = recorded[0]?.revision ?? 0;
  const same =
    recorded.length === events.length &&
    recorded.every(
      (e, i) => e.streamId === streamId && e.id === events[i]?.id && e.revision === first + i,
    );
  const tail = recorded.at(-1);
  if (!same || !tail) return undefined;
  return { nextExpectedRevision: tail.revision, position: tail.position, events: recorded };
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
  private readonly wakeup = new Wakeup();

  constructor(
    private readonly pool: pg.Pool,
    private readonly writer?: Agency,
    /** The store whose wake-ups this one shares. */
    private readonly root?: PostgresEventStore,
  ) {}

  /** Same pool and wake-ups, appends limited to one agency's streams. */
  forWriter(agency: Agency): PostgresEventStore {
    return new PostgresEventStore(this.pool, agency, this.root ?? this);
  }

  /**
   * One round trip: the `gridline_append` function (schema.ts) locks the stream,
   * checks the expectation, chains and inserts the events, moves the head and
   * records the append under an active idempotency claim, all in this
   * statement's transaction. Content digests are computed here; readers in this
   * process are woken afterwards.
   */
  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    assertOwnership(streamId, this.writer);
    const expected = options.expectedRevision ?? 'any';
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    const claim = activeIdempotencyClaim.getStore();
    let rows: AppendRow[];
    try {
      const result = await this.pool.query<AppendRow>(
        `SELECT * FROM gridline_append($1, $2, $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[],
                                       $7::timestamptz[], $8::text[], $9, $10, $11::uuid, $12)`,
        [
          streamId,
          encodeExpectation(expected),
          events.map((e) => e.id),
          events.map((e) => e.type),
          events.map((e) => JSON.stringify(e.data)),
          events.map((e) => JSON.stringify(e.metadata)),
          events.map((e) => e.occurredAt),
          events.map((e) => contentDigest({ ...e, streamId })),
          claim?.scope ?? null,
          claim?.key ?? null,
          claim?.token ?? null,
          events[0]?.metadata.caseId ?? null,
        ],
      );
      rows = result.rows;
    } catch (error) {
      if ((error as { code?: string }).code === CLAIM_LOST && claim)
        throw new IdempotencyClaimLostError(claim.key);
      if (isUniqueViolation(error, 'gridline_events_stream_revision')) {
        // Only a writer that bypassed the stream lock could get here.
        const actual = await this.currentRevision(streamId);
        throw new WrongExpectedVersionError(streamId, expected, actual);
      }
      if (isUniqueViolation(error, 'gridline_events_event_id_key')) {
        // The same ids appended concurrently elsewhere: a retry, or a real duplicate.
        const replay = await this.findAppended(this.pool, streamId, events);
        if (replay) return replay;
        throw new DuplicateEventIdError(events.map((e) => e.id).join(','));
      }
      throw error;
    }
    const outcome = rows[0]?.outcome;
    if (outcome === 'conflict') {
      const actual = Number(rows[0]?.current_revision ?? -1);
      throw new WrongExpectedVersionError(streamId, expected, actual < 0 ? 'no_stream' : actual);
    }
    if (outcome === 'replay') {
      const recorded = rows.map(toRecorded).sort((a, b) => a.revision - b.revision);
      const replay = sameRun(recorded, streamId, events);
      if (!replay) throw new DuplicateEventIdError(recorded.map((e) => e.id).join(','));
      return replay;
    }
    if (outcome !== 'appended') throw new Error(`gridline_append answered ${outcome}`);
    // Rows carry where each event went; what it says is what the caller passed.
    const byId = new Map(events.map((e) => [e.id.toLowerCase(), e]));
    const recorded = rows
      .map((row): RecordedEvent => {
        const event = byId.get(row.event_id);
        if (!event) throw new Error(`gridline_append returned an unknown event ${row.event_id}`);
        return toRecorded({
          ...row,
          event_type: event.type,
          data: event.data,
          metadata: event.metadata,
        });
      })
      .sort((a, b) => a.revision - b.revision);
    const tail = recorded.at(-1);
    if (!tail) throw new Error('gridline_append appended nothing');
    this.wakeReaders();
    return { nextExpectedRevision: tail.revision, position: tail.position, events: recorded };
  }

  /** The result of an earlier append of exactly these event ids to this stream. */
  private async findAppended(
    db: pg.Pool | pg.PoolClient,
    streamId: string,
    events: readonly NewEvent[],
  ): Promise<AppendResult | undefined> {
    const found = await db.query<EventRow>(
      `${SELECT_EVENT} WHERE event_id = ANY($1::uuid[]) ORDER BY stream_revision`,
      [events.map((e) => e.id)],
    );
    if (found.rows.length === 0) return undefined;
    const recorded = found.rows.map(toRecorded);
    const replay = sameRun(recorded, streamId, events);
    if (!replay) throw new DuplicateEventIdError(recorded.map((e) => e.id).join(','));
    return replay;
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
          AND ($3::text[] IS NULL OR stream_id LIKE ANY($3::text[]))
        ORDER BY transaction_id, global_position
        LIMIT $4`,
      [
        caseId,
        options.until?.toISOString() ?? null,
        options.streamPrefixes?.map(likePrefix) ?? null,
        options.maxCount ?? null,
      ],
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
   * Waits until this process appends (at once) or `timeoutMs` passes (readers
   * then poll). There is deliberately no LISTEN/NOTIFY: a NOTIFY inside the
   * append's transaction serialises every appender's commit (16 writers lost 40%
   * of their throughput to it), and one sent after the commit is a transaction of
   * its own that holds every reader of the log back while it runs (ADR 0004).
   * Readers in other processes (a standby replica's relay) see new events within
   * their poll interval; docs/performance.md.
   */
  async waitForAppend(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.root) return this.root.waitForAppend(timeoutMs, signal);
    await this.wakeup.wait(timeoutMs, signal);
  }

  private wakeReaders(): void {
    (this.root ?? this).wakeup.wakeAll();
  }

  /** Nothing of its own to release: the pool belongs to the handle. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
