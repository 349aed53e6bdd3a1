import type { Agency } from '@gridline/contracts';
import {
  assertOwnership,
  comparePositions,
  satisfiesExpectation,
  WrongExpectedVersionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  inStreams,
  occurredWithin,
  type ReadAllOptions,
  type ReadCaseOptions,
  type ReadStreamOptions,
  type RecordedEvent,
} from './event-store.js';
import {
  ChainVerifier,
  chainEvents,
  GENESIS_HASH,
  type IntegrityReport,
  type IntegrityVerifiable,
} from './integrity.js';
import { Wakeup } from './wakeup.js';

export class DuplicateEventIdError extends Error {
  constructor(readonly eventId: string) {
    super(`event id ${eventId} is already stored in another place`);
    this.name = 'DuplicateEventIdError';
  }
}

/**
 * The event store in memory: for unit tests and handler tests. Behaves like the
 * PostgreSQL adapter (same contract suite), appends are atomic per call.
 */
export class InMemoryEventStore implements EventStore, IntegrityVerifiable {
  private readonly log: RecordedEvent[];
  private readonly streams: Map<string, RecordedEvent[]>;
  private readonly byId: Map<string, RecordedEvent>;
  private readonly wakeup: Wakeup;

  constructor(
    private readonly writer?: Agency,
    shared?: InMemoryEventStore,
  ) {
    this.log = shared?.log ?? [];
    this.streams = shared?.streams ?? new Map<string, RecordedEvent[]>();
    this.byId = shared?.byId ?? new Map<string, RecordedEvent>();
    this.wakeup = shared?.wakeup ?? new Wakeup();
  }

  /** A view of the same data that may write only `agency`'s streams. */
  forWriter(agency: Agency): InMemoryEventStore {
    return new InMemoryEventStore(agency, this);
  }

  // async: a broken expectation becomes a rejection, as with a real store.
  // eslint-disable-next-line @typescript-eslint/require-await
  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    return this.appendNow(streamId, events, options.expectedRevision ?? 'any');
  }

  private appendNow(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): AppendResult {
    assertOwnership(streamId, this.writer);
    const stream = this.streams.get(streamId) ?? [];
    const replay = this.alreadyAppended(stream, events);
    if (replay) return replay;
    const current = stream.length === 0 ? 'no_stream' : stream.length - 1;
    if (!satisfiesExpectation(expected, current))
      throw new WrongExpectedVersionError(streamId, expected, current);
    for (const event of events)
      if (this.byId.has(event.id)) throw new DuplicateEventIdError(event.id);
    const placed = events.map((event, index) => ({
      ...event,
      streamId,
      revision: stream.length + index,
    }));
    const links = chainEvents(stream.at(-1)?.integrity?.hash ?? GENESIS_HASH, placed);
    const recorded = placed.map((event, index): RecordedEvent => {
      const sequence = BigInt(this.log.length + index);
      const integrity = links[index];
      return {
        ...event,
        position: { commit: sequence, prepare: sequence },
        ...(integrity ? { integrity } : {}),
      };
    });
    for (const event of recorded) {
      this.log.push(event);
      this.byId.set(event.id, event);
      stream.push(event);
    }
    this.streams.set(streamId, stream);
    this.wakeup.wakeAll();
    return {
      nextExpectedRevision: stream.length - 1,
      position: recorded.at(-1)?.position ?? { commit: -1n, prepare: -1n },
      events: recorded,
    };
  }

  /** An append retried with the same event ids returns the first result. */
  private alreadyAppended(
    stream: readonly RecordedEvent[],
    events: readonly NewEvent[],
  ): AppendResult | undefined {
    const first = events[0] && this.byId.get(events[0].id);
    if (!first || stream[first.revision]?.id !== first.id) return undefined;
    const run = stream.slice(first.revision, first.revision + events.length);
    if (run.length !== events.length || run.some((e, i) => e.id !== events[i]?.id))
      return undefined;
    const last = run.at(-1) ?? first;
    return { nextExpectedRevision: last.revision, position: last.position, events: run };
  }

  verifyIntegrity(
    options: { readonly streamId?: string; readonly maxBroken?: number } = {},
  ): Promise<IntegrityReport> {
    const verifier = new ChainVerifier({
      mode: 'store',
      ...(options.maxBroken ? { maxBroken: options.maxBroken } : {}),
    });
    const ids = options.streamId ? [options.streamId] : [...this.streams.keys()].sort();
    for (const streamId of ids) {
      const stream = this.streams.get(streamId) ?? [];
      for (const event of stream) verifier.add(event);
      const last = stream.at(-1);
      verifier.checkHead(
        streamId,
        last ? { revision: last.revision, hash: last.integrity?.hash } : undefined,
      );
      verifier.forget(streamId);
    }
    return Promise.resolve(verifier.result());
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<readonly RecordedEvent[]> {
    const stream = this.streams.get(streamId) ?? [];
    const max = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (options.direction === 'backwards') {
      const from = options.fromRevision ?? stream.length - 1;
      return Promise.resolve(
        stream
          .filter((e) => e.revision <= from)
          .reverse()
          .slice(0, max),
      );
    }
    const from = options.fromRevision ?? 0;
    return Promise.resolve(stream.filter((e) => e.revision >= from).slice(0, max));
  }

  readAll(options: ReadAllOptions): Promise<readonly RecordedEvent[]> {
    const after = options.after;
    const prefixes = options.streamPrefixes;
    const result: RecordedEvent[] = [];
    for (const event of this.log) {
      if (result.length >= options.maxCount) break;
      if (after && comparePositions(event.position, after) <= 0) continue;
      if (prefixes && !prefixes.some((p) => event.streamId.startsWith(p))) continue;
      if (!occurredWithin(event, options.occurredFrom, options.occurredUntil)) continue;
      result.push(event);
    }
    return Promise.resolve(result);
  }

  readCase(caseId: string, options: ReadCaseOptions = {}): Promise<readonly RecordedEvent[]> {
    const found = this.log.filter(
      (e) =>
        e.metadata.caseId === caseId &&
        occurredWithin(e, undefined, options.until) &&
        inStreams(e.streamId, options.streamPrefixes),
    );
    return Promise.resolve(
      options.maxCount === undefined ? found : found.slice(0, options.maxCount),
    );
  }

  waitForAppend(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.wakeup.wait(timeoutMs, signal);
  }
}
