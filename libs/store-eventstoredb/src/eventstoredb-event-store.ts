import type { Agency } from '@gridline/contracts';
import {
  assertOwnership,
  chainEvents,
  ChainVerifier,
  comparePositions,
  GENESIS_HASH,
  inStreams,
  occurredWithin,
  satisfiesExpectation,
  Wakeup,
  WrongExpectedVersionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type IntegrityReport,
  type IntegrityVerifiable,
  type LogPosition,
  type NewEvent,
  type ReadAllOptions,
  type ReadCaseOptions,
  type ReadStreamOptions,
  type RecordedEvent,
} from '@gridline/eventsourcing';
import {
  BACKWARDS,
  binaryEvent,
  END,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  START as ESDB_START,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type EventStoreDBClient,
  type Filter,
  type JSONType,
  type ReadPosition,
  type ReadRevision,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  caseStreamName,
  earlierAppend,
  fromCurrentRevision,
  isAfter,
  isReservedStream,
  isSystemRecord,
  linkData,
  toAppendRevision,
  toReadPosition,
  toRecordedEvent,
  toStoredMetadata,
  type EsdbRecord,
} from './mapping.js';

/** Stored events looked at for ids of a retried append, beyond the append's own size. */
const REPLAY_WINDOW = 32;
/** Attempts of an `any`/`stream_exists` append that keeps losing the race for the next revision. */
const APPEND_ATTEMPTS = 10;

/** The event a resolved read gives: the target of a link, or the event itself. */
function recordOf(resolved: ResolvedEvent | AllStreamResolvedEvent): EsdbRecord | undefined {
  return resolved.event;
}

/**
 * The event store on EventStoreDB/KurrentDB (docs/eventstoredb.md). Streams are
 * ESDB streams of the same name; the global log is `$all`, whose commit/prepare
 * positions are `LogPosition`s as they are. Every append is chained to the
 * stream's last event and sent with that event's exact revision, so a
 * concurrent writer makes it fail rather than break the chain. `readCase` reads
 * a per-case stream of link events (`case-<id>`) that is written *before* the
 * events it points to (ADR 0006).
 */
export class EventStoreDbEventStore implements EventStore, IntegrityVerifiable {
  private readonly wakeup = new Wakeup();

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly writer?: Agency,
    /** The store whose client and wake-ups this one shares. */
    private readonly root?: EventStoreDbEventStore,
  ) {}

  /** Same client and wake-ups, appends limited to one agency's streams. */
  forWriter(agency: Agency): EventStoreDbEventStore {
    return new EventStoreDbEventStore(this.client, agency, this.root ?? this);
  }

  /**
   * Reads the stream's tail (its head, and recent events for a retried append),
   * checks the caller's expectation, chains the events to the head's hash, links
   * them into their cases, then appends with the head's exact revision. Losing
   * that race means: an exact expectation fails with the revision now there;
   * `any` and `stream_exists` read again and retry.
   */
  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    assertOwnership(streamId, this.writer);
    if (isReservedStream(streamId))
      throw new Error(`stream ${streamId} is reserved by the EventStoreDB adapter`);
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    const expected = options.expectedRevision ?? 'any';
    for (let attempt = 1; ; attempt++) {
      const tail = await this.readStream(streamId, {
        direction: 'backwards',
        maxCount: events.length + REPLAY_WINDOW,
      });
      const replay = await this.findEarlierAppend(streamId, events, tail);
      if (replay) return replay;
      const head = tail[0];
      const current = head ? head.revision : 'no_stream';
      if (!satisfiesExpectation(expected, current))
        throw new WrongExpectedVersionError(streamId, expected, current);
      const first = head ? head.revision + 1 : 0;
      const integrity = chainEvents(
        head?.integrity?.hash ?? GENESIS_HASH,
        events.map((e, i) => ({ ...e, streamId, revision: first + i })),
      );
      await this.linkIntoCases(streamId, first, events);
      try {
        await this.client.appendToStream(
          streamId,
          events.map((e, i) =>
            jsonEvent({
              id: e.id,
              type: e.type,
              data: e.data as JSONType,
              metadata: toStoredMetadata(e, integrity[i]!),
            }),
          ),
          { expectedRevision: toAppendRevision(current) },
        );
      } catch (error) {
        if (!(error instanceof EsdbWrongExpectedVersionError)) throw error;
        // Another writer took the revision. The next read shows it: an exact
        // expectation then fails there; a retry of the same ids finds them.
        if (attempt === APPEND_ATTEMPTS)
          throw new WrongExpectedVersionError(
            streamId,
            expected,
            fromCurrentRevision(error.actualVersion),
          );
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
        continue;
      }
      this.wakeReaders();
      // Positions are the server's: read the appended events back.
      const recorded = await this.readStream(streamId, {
        fromRevision: first,
        maxCount: events.length,
      });
      const result = earlierAppend(recorded, streamId, events);
      if (!result) throw new Error(`appended events of ${streamId} could not be read back`);
      return result;
    }
  }

  /**
   * The result of an earlier append of these event ids to this stream, looked
   * for among the stream's recent events (`tail`, newest first) and, when the
   * run reaches further back, read from where it must start.
   */
  private async findEarlierAppend(
    streamId: string,
    events: readonly NewEvent[],
    tail: readonly RecordedEvent[],
  ): Promise<AppendResult | undefined> {
    const ids = events.map((e) => e.id.toLowerCase());
    const found = tail.filter((e) => ids.includes(e.id));
    const oldest = found.at(-1);
    if (!oldest || found.length === events.length) return earlierAppend(found, streamId, events);
    const start = Math.max(0, oldest.revision - ids.indexOf(oldest.id));
    const run = await this.readStream(streamId, { fromRevision: start, maxCount: events.length });
    return earlierAppend(
      run.filter((e) => ids.includes(e.id)),
      streamId,
      events,
    );
  }

  /**
   * Links each event into its case's stream before the event itself is written:
   * a crash in between leaves a link to a revision not (or not yet) holding an
   * event of that case, which `readCase` skips, and never an event without its
   * link. (ESDB appends to one stream at a time before KurrentDB 25.1.)
   */
  private async linkIntoCases(
    streamId: string,
    first: number,
    events: readonly NewEvent[],
  ): Promise<void> {
    const links = new Map<string, string[]>();
    events.forEach((e, i) => {
      const ofCase = links.get(e.metadata.caseId) ?? [];
      ofCase.push(linkData(streamId, first + i));
      links.set(e.metadata.caseId, ofCase);
    });
    await Promise.all(
      [...links].map(([caseId, targets]) =>
        this.client.appendToStream(
          caseStreamName(caseId),
          targets.map((target) => binaryEvent({ type: '$>', data: Buffer.from(target, 'utf8') })),
        ),
      ),
    );
  }

  async readStream(
    streamId: string,
    options: ReadStreamOptions = {},
  ): Promise<readonly RecordedEvent[]> {
    if (options.maxCount === 0) return [];
    const backwards = options.direction === 'backwards';
    const fromRevision: ReadRevision =
      options.fromRevision === undefined
        ? backwards
          ? END
          : ESDB_START
        : BigInt(options.fromRevision);
    return this.readEsdbStream(streamId, {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision,
      ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
    });
  }

  /** A stream's Gridline events; a stream that does not exist has none. */
  private async readEsdbStream(
    streamId: string,
    options: Parameters<EventStoreDBClient['readStream']>[1],
  ): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, options)) {
        const record = recordOf(resolved);
        if (record && !isSystemRecord(record)) events.push(toRecordedEvent(record));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return events;
      throw error;
    }
    return events;
  }

  /**
   * `$all` after a position, through a catch-up subscription with the server's
   * filter (stream-name prefixes, else no system events), because the client's
   * plain `$all` read takes no filter; `occurredAt` is filtered here.
   */
  async readAll(options: ReadAllOptions): Promise<readonly RecordedEvent[]> {
    const prefixes = options.streamPrefixes;
    if (prefixes?.length === 0 || options.maxCount <= 0) return [];
    return this.catchUp({
      from: toReadPosition(options.after),
      filter: prefixes ? streamNameFilter({ prefixes: [...prefixes] }) : excludeSystemEvents(),
      maxCount: options.maxCount,
      accept: (event) =>
        isAfter(event.position, options.after) &&
        occurredWithin(event, options.occurredFrom, options.occurredUntil),
    });
  }

  /**
   * Reads `$all` from a position until `maxCount` events were accepted or the
   * subscription caught up with the end of the log (the server says so from
   * EventStoreDB 23.10 on). Events may still sit in the stream's buffer when the
   * catch-up notice comes: it ends once they are taken.
   */
  private catchUp(options: {
    readonly from: ReadPosition;
    readonly filter: Filter;
    readonly maxCount: number;
    readonly accept: (event: RecordedEvent) => boolean;
  }): Promise<RecordedEvent[]> {
    return new Promise((resolve, reject) => {
      const found: RecordedEvent[] = [];
      const subscription = this.client.subscribeToAll({
        fromPosition: options.from,
        filter: options.filter,
      });
      let caughtUp = false;
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        subscription.unsubscribe().catch(() => undefined);
        if (error) reject(error);
        else resolve(found);
      };
      subscription.on('data', (resolved: AllStreamResolvedEvent) => {
        if (settled) return;
        try {
          const record = recordOf(resolved);
          if (record && !isSystemRecord(record)) {
            const event = toRecordedEvent(record);
            if (options.accept(event)) found.push(event);
          }
        } catch (error) {
          finish(error as Error);
          return;
        }
        if (found.length >= options.maxCount || (caughtUp && subscription.readableLength === 0))
          finish();
      });
      subscription.on('caughtUp', () => {
        caughtUp = true;
        if (subscription.readableLength === 0) finish();
      });
      subscription.on('error', finish);
      subscription.on('end', () =>
        finish(new Error('the $all subscription ended before it caught up')),
      );
    });
  }

  /**
   * Follows the case's link stream to the events (links resolved by the
   * server), keeps those that really are of the case — a link written before a
   * failed append may point at another event or at nothing — once each, in log
   * order.
   */
  async readCase(caseId: string, options: ReadCaseOptions = {}): Promise<readonly RecordedEvent[]> {
    const byId = new Map<string, RecordedEvent>();
    try {
      for await (const resolved of this.client.readStream(caseStreamName(caseId), {
        resolveLinkTos: true,
      })) {
        const record = recordOf(resolved);
        if (!record || isSystemRecord(record)) continue;
        const event = toRecordedEvent(record);
        if (
          event.metadata.caseId === caseId &&
          occurredWithin(event, undefined, options.until) &&
          inStreams(event.streamId, options.streamPrefixes)
        )
          byId.set(event.id, event);
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    const found = [...byId.values()].sort((a, b) => comparePositions(a.position, b.position));
    return options.maxCount === undefined ? found : found.slice(0, options.maxCount);
  }

  /**
   * Checks the hash chains of one stream, or of every stream in one pass over
   * `$all` up to its end when the check began (ESDB is append-only, so that
   * prefix is a consistent snapshot). A stream's last event is its head: there
   * is no separate head record to compare, and an ESDB stream cannot lose its
   * last events short of being deleted. Memory grows with the number of
   * streams (each one's last hash).
   */
  async verifyIntegrity(
    options: { readonly streamId?: string; readonly maxBroken?: number } = {},
  ): Promise<IntegrityReport> {
    const verifier = new ChainVerifier({
      mode: 'store',
      ...(options.maxBroken ? { maxBroken: options.maxBroken } : {}),
    });
    if (options.streamId !== undefined) {
      for (const event of await this.readStream(options.streamId)) verifier.add(event);
      return verifier.result();
    }
    const end = await this.lastPosition();
    if (!end) return verifier.result();
    for await (const resolved of this.client.readAll({ fromPosition: ESDB_START })) {
      const record = recordOf(resolved);
      if (!record) continue;
      const position = record.position;
      if (position && comparePositions(position, end) > 0) break;
      if (!isSystemRecord(record)) verifier.add(toRecordedEvent(record));
    }
    return verifier.result();
  }

  /** The position of the last record in `$all`, if there is any. */
  private async lastPosition(): Promise<LogPosition | undefined> {
    for await (const resolved of this.client.readAll({
      direction: BACKWARDS,
      fromPosition: END,
      maxCount: 1,
    }))
      return resolved.event?.position;
    return undefined;
  }

  /**
   * Resolves on this process's next append at once, or on the next event any
   * process appends (a `$all` subscription from the end, system events left
   * out), or after `timeoutMs`, or on abort. An event appended between a
   * reader's last read and this subscription starting wakes nobody: the reader
   * polls again after `timeoutMs`, as with PostgreSQL.
   */
  async waitForAppend(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.root) return this.root.waitForAppend(timeoutMs, signal);
    if (signal?.aborted) return;
    const done = new AbortController();
    const stop = () => done.abort();
    signal?.addEventListener('abort', stop, { once: true });
    const subscription = this.client.subscribeToAll({
      fromPosition: END,
      filter: excludeSystemEvents(),
    });
    subscription.on('data', stop);
    // A failing subscription (server away) must not end the wait early: the timeout does.
    subscription.on('error', () => undefined);
    try {
      await this.wakeup.wait(timeoutMs, done.signal);
    } finally {
      signal?.removeEventListener('abort', stop);
      subscription.removeListener('data', stop);
      await subscription.unsubscribe().catch(() => undefined);
    }
  }

  private wakeReaders(): void {
    (this.root ?? this).wakeup.wakeAll();
  }

  /** Closes the connection; a writer view leaves it to the store it came from. */
  async close(): Promise<void> {
    if (!this.root) await this.client.dispose();
  }

  /** One round trip to the server (start-up and health checks). */
  async ping(): Promise<void> {
    await this.lastPosition();
  }
}
