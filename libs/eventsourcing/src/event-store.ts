import type { Agency, EventIntegrity, EventMetadata } from '@gridline/contracts';
import { agencyOfStream } from '@gridline/contracts';

/**
 * A position in the store's global log. Modelled on EventStoreDB's
 * commit/prepare pair: the PostgreSQL adapter puts the appending transaction's
 * id in `commit` and the row's sequence number in `prepare`, so the log is
 * ordered by commit (see docs/adr/0004-late-commits.md).
 */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const START: LogPosition = { commit: -1n, prepare: -1n };

export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function formatPosition(p: LogPosition): string {
  return `${p.commit}/${p.prepare}`;
}

export function parsePosition(text: string): LogPosition {
  const match = /^(-?\d+)\/(-?\d+)$/.exec(text);
  if (!match?.[1] || !match[2]) throw new Error(`not a log position: ${text}`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}

/** `no_stream`: must not exist; `stream_exists`: must; a number: the last revision. */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | number;

export interface NewEvent {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
  /** When the event happened, from the command handler's clock (ISO-8601). */
  readonly occurredAt: string;
}

export interface RecordedEvent extends NewEvent {
  readonly streamId: string;
  /** 0 for the first event of a stream. */
  readonly revision: number;
  readonly position: LogPosition;
  /** Hash chain link (integrity.ts); every Gridline store sets it. */
  readonly integrity?: EventIntegrity;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  readonly nextExpectedRevision: number;
  readonly position: LogPosition;
  readonly events: readonly RecordedEvent[];
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive; default: the start (forwards) or the end (backwards). */
  readonly fromRevision?: number;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Default: the start. */
  readonly after?: LogPosition;
  readonly maxCount: number;
  /** Only streams whose id starts with one of these prefixes. */
  readonly streamPrefixes?: readonly string[];
  /** Only events that occurred at or after this time (`occurredAt`, inclusive). */
  readonly occurredFrom?: Date;
  /** Only events that occurred at or before this time (`occurredAt`, inclusive). */
  readonly occurredUntil?: Date;
}

export interface ReadCaseOptions {
  /** Only events that occurred at or before this time (`occurredAt`, inclusive). */
  readonly until?: Date;
  /** Only events of streams whose ids start with one of these (e.g. an agency's own, `street-`). */
  readonly streamPrefixes?: readonly string[];
  /** At most this many events (the first in log order). */
  readonly maxCount?: number;
}

/** Whether an event's stream is one of the prefixes asked for (all when none). */
export function inStreams(streamId: string, prefixes: readonly string[] | undefined): boolean {
  return prefixes === undefined || prefixes.some((p) => streamId.startsWith(p));
}

/** Whether an event falls in the occurredAt window of a read. */
export function occurredWithin(
  event: Pick<NewEvent, 'occurredAt'>,
  from: Date | undefined,
  until: Date | undefined,
): boolean {
  const at = Date.parse(event.occurredAt);
  return (
    (from === undefined || at >= from.getTime()) && (until === undefined || at <= until.getTime())
  );
}

/** The event store port. Adapters pass the shared contract suite in test/support. */
export interface EventStore {
  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options?: { readonly expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<readonly RecordedEvent[]>;
  /**
   * Events in global log order. Never returns an event while an event before it
   * in that order may still become visible, so a reader that resumes after the
   * last position it saw misses nothing.
   */
  readAll(options: ReadAllOptions): Promise<readonly RecordedEvent[]>;
  /**
   * Every event whose `metadata.caseId` is the case, from every agency's streams,
   * in global log order (same visibility rule as `readAll`).
   */
  readCase(caseId: string, options?: ReadCaseOptions): Promise<readonly RecordedEvent[]>;
  /** Resolves when new events may be readable, or after `timeoutMs`, or on abort. */
  waitForAppend(timeoutMs: number, signal?: AbortSignal): Promise<void>;
}

export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedVersionError';
  }
}

export class StreamOwnershipError extends Error {
  constructor(
    readonly streamId: string,
    readonly writer: Agency,
  ) {
    super(`agency ${writer} may not append to stream ${streamId}`);
    this.name = 'StreamOwnershipError';
  }
}

/** Refuses appends outside the writer agency's stream prefix (defence in depth). */
export function assertOwnership(streamId: string, writer: Agency | undefined): void {
  if (writer !== undefined && agencyOfStream(streamId) !== writer)
    throw new StreamOwnershipError(streamId, writer);
}

/** Checks the expectation against the stream's current last revision. */
export function satisfiesExpectation(
  expected: ExpectedRevision,
  current: number | 'no_stream',
): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === 'no_stream';
    case 'stream_exists':
      return current !== 'no_stream';
    default:
      return current === expected;
  }
}
