import type { EventMetadata } from '@gridline/contracts';
import {
  DuplicateEventIdError,
  START,
  type AppendResult,
  type LogPosition,
  type NewEvent,
  type RecordedEvent,
} from '@gridline/eventsourcing';
import {
  NO_STREAM,
  START as ESDB_START,
  type AppendExpectedRevision,
  type CurrentRevision,
  type ReadPosition,
} from '@eventstore/db-client';

/**
 * The pure half of the EventStoreDB adapter: how Gridline's events, revisions,
 * positions and case links look on an EventStoreDB/KurrentDB server
 * (docs/eventstoredb.md). No I/O here, so all of it is unit-tested.
 */

/** A record as the client hands it over (the fields the adapter reads). */
export interface EsdbRecord {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly created: Date;
  readonly position?: { readonly commit: bigint; readonly prepare: bigint } | undefined;
}

/**
 * What an event's ESDB metadata holds: Gridline's metadata as given, ESDB's own
 * `$correlationId`/`$causationId` (its projections and UI know them), the time
 * the event happened and its hash chain link.
 */
export interface StoredMetadata extends EventMetadata {
  readonly $correlationId: string;
  readonly $causationId: string;
  readonly occurredAt: string;
  readonly previousHash: string;
  readonly hash: string;
}

export function toStoredMetadata(
  event: NewEvent,
  integrity: { readonly previousHash: string; readonly hash: string },
): StoredMetadata {
  return {
    ...event.metadata,
    $correlationId: event.metadata.correlationId,
    $causationId: event.metadata.causationId,
    occurredAt: event.occurredAt,
    previousHash: integrity.previousHash,
    hash: integrity.hash,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array);
}

/**
 * A stored record as a Gridline event: the fields the adapter added to the
 * metadata are taken out again, so `metadata` is exactly what was appended (the
 * hash covers it). Positions come with every record from EventStoreDB 22.6 on.
 */
export function toRecordedEvent(record: EsdbRecord): RecordedEvent {
  if (!record.position)
    throw new Error(
      `the server sent no log position for ${record.streamId}@${record.revision}; EventStoreDB 22.6 or later is needed`,
    );
  const stored = isObject(record.metadata) ? record.metadata : {};
  const { $correlationId, $causationId, occurredAt, previousHash, hash, ...metadata } = stored;
  return {
    id: record.id,
    type: record.type,
    streamId: record.streamId,
    revision: Number(record.revision),
    position: { commit: record.position.commit, prepare: record.position.prepare },
    occurredAt: new Date(
      typeof occurredAt === 'string' ? occurredAt : record.created,
    ).toISOString(),
    data: record.data,
    metadata: metadata as unknown as EventMetadata,
    ...(typeof hash === 'string' && typeof previousHash === 'string'
      ? { integrity: { previousHash, hash } }
      : {}),
  };
}

/**
 * Records that are not Gridline events: the server's own (`$`-streams, `$`-types
 * such as `$metadata`) and the adapter's case links (type `$>`).
 */
export function isSystemRecord(record: Pick<EsdbRecord, 'streamId' | 'type'>): boolean {
  return record.streamId.startsWith('$') || record.type.startsWith('$');
}

/** `$all` position of an exclusive `after`: ESDB's own Position has the same two parts. */
export function toReadPosition(after: LogPosition | undefined): ReadPosition {
  return !after || after.commit < 0n
    ? ESDB_START
    : { commit: after.commit, prepare: after.prepare };
}

/** Whether a record lies strictly after `after` (START: everything does). */
export function isAfter(position: LogPosition, after: LogPosition | undefined): boolean {
  const from = after ?? START;
  return (
    position.commit > from.commit ||
    (position.commit === from.commit && position.prepare > from.prepare)
  );
}

/**
 * The expected revision sent with an append: always the exact revision the
 * adapter read, never ANY or STREAM_EXISTS, because the events' hashes were
 * chained to exactly that predecessor (the caller's expectation is checked
 * against the same read first).
 */
export function toAppendRevision(current: number | 'no_stream'): AppendExpectedRevision {
  return current === 'no_stream' ? NO_STREAM : BigInt(current);
}

/** The actual revision an ESDB WrongExpectedVersionError reports, as the port's. */
export function fromCurrentRevision(actual: CurrentRevision): number | 'no_stream' {
  return actual === NO_STREAM ? 'no_stream' : Number(actual);
}

/** Streams the adapter keeps for itself; appends to them are refused. */
export const CASE_STREAM_PREFIX = 'case-';

/** The stream of links to every event of a case (readCase). */
export function caseStreamName(caseId: string): string {
  return `${CASE_STREAM_PREFIX}${caseId}`;
}

export function isReservedStream(streamId: string): boolean {
  return streamId.startsWith('$') || streamId.startsWith(CASE_STREAM_PREFIX);
}

/** The body of an ESDB link event (`$>`): `<revision>@<stream>`, as the server's projections write it. */
export function linkData(streamId: string, revision: number): string {
  return `${revision}@${streamId}`;
}

/**
 * A stored run of the very events of an append, in this stream, in order: the
 * result of an earlier append of them. `found` holds the stored events carrying
 * any of the ids; a partial or displaced match is an id used elsewhere.
 */
export function earlierAppend(
  found: readonly RecordedEvent[],
  streamId: string,
  events: readonly NewEvent[],
): AppendResult | undefined {
  if (found.length === 0) return undefined;
  const stored = [...found].sort((a, b) => a.revision - b.revision);
  const first = stored[0]?.revision ?? 0;
  const same =
    stored.length === events.length &&
    stored.every(
      (e, i) =>
        e.streamId === streamId && e.id === events[i]?.id.toLowerCase() && e.revision === first + i,
    );
  const tail = stored.at(-1);
  if (!same || !tail) throw new DuplicateEventIdError(stored.map((e) => e.id).join(','));
  return { nextExpectedRevision: tail.revision, position: tail.position, events: stored };
}
