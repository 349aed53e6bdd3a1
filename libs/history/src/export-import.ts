import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import {
  CloudEventFormatError,
  agencyOfStream,
  agencyStreamPrefix,
  fromStructuredCloudEvent,
  sealedKeyIds,
  toStructuredCloudEvent,
  validateEventData,
  type Agency,
  type EventIntegrity,
} from '@gridline/contracts';
import {
  ChainVerifier,
  WrongExpectedVersionError,
  toEnvelope,
  type IntegrityReport,
  type EventStore,
  type LogPosition,
  type NewEvent,
  type RecordedEvent,
} from '@gridline/eventsourcing';

/** What to export: a case, an agency's streams, a time range (occurredAt), or a combination. */
export interface ExportSelection {
  readonly caseId?: string;
  readonly agency?: Agency;
  /** Inclusive. */
  readonly from?: Date;
  /** Inclusive. */
  readonly to?: Date;
}

/**
 * The selected events in global log order, read in batches: memory stays bounded
 * by the batch size whatever the size of the store (a case is read at once).
 */
export async function* exportEvents(
  store: EventStore,
  selection: ExportSelection,
  options: { readonly batchSize?: number } = {},
): AsyncGenerator<RecordedEvent> {
  const { caseId, agency, from, to } = selection;
  if (caseId) {
    const events = await store.readCase(caseId, to ? { until: to } : {});
    for (const event of events) {
      if (from && Date.parse(event.occurredAt) < from.getTime()) continue;
      if (agency && agencyOfStream(event.streamId) !== agency) continue;
      yield event;
    }
    return;
  }
  let after: LogPosition | undefined;
  for (;;) {
    const batch = await store.readAll({
      ...(after ? { after } : {}),
      maxCount: options.batchSize ?? 500,
      ...(agency ? { streamPrefixes: [agencyStreamPrefix(agency)] } : {}),
      ...(from ? { occurredFrom: from } : {}),
      ...(to ? { occurredUntil: to } : {}),
    });
    const last = batch.at(-1);
    if (!last) return;
    yield* batch;
    after = last.position;
  }
}

/**
 * One NDJSON line: the event as a structured-mode CloudEvent. Sealed values whose
 * key is in `erasedKeys` are marked erased (the `erasedkeys` attribute); the
 * event itself stays as stored, so its hash still verifies.
 */
export function toExportLine(event: RecordedEvent, erasedKeys?: ReadonlySet<string>): string {
  const structured = toStructuredCloudEvent(toEnvelope(event));
  const erased = erasedKeys?.size
    ? sealedKeyIds(event.data).filter((keyId) => erasedKeys.has(keyId))
    : [];
  return `${JSON.stringify(erased.length > 0 ? { ...structured, erasedkeys: erased.join(' ') } : structured)}\n`;
}

export async function* toNdjson(
  events: AsyncIterable<RecordedEvent>,
  erasedKeys?: ReadonlySet<string>,
): AsyncGenerator<string> {
  for await (const event of events) yield toExportLine(event, erasedKeys);
}

/** A line of an export that cannot be imported; the import stops there. */
export class ImportLineError extends Error {
  constructor(
    readonly line: number,
    readonly problems: readonly string[],
  ) {
    super(`line ${line}: ${problems.join('; ')}`);
    this.name = 'ImportLineError';
  }
}

/** An event read back from an export line, with the place it must go. */
export interface ImportedEvent extends NewEvent {
  readonly streamId: string;
  readonly revision: number;
  /** The hash chain link the exporting store recorded (absent in older exports). */
  readonly integrity?: EventIntegrity;
}

/** Parses and validates one export line (format, agency of the stream, the event's schema). */
export function parseExportLine(text: string, line: number): ImportedEvent {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ImportLineError(line, [`not JSON: ${(error as Error).message}`]);
  }
  let envelope;
  try {
    envelope = fromStructuredCloudEvent(json);
  } catch (error) {
    if (error instanceof CloudEventFormatError) throw new ImportLineError(line, error.problems);
    throw error;
  }
  const problems: string[] = [];
  if (agencyOfStream(envelope.streamId) !== envelope.agency)
    problems.push(
      `stream ${envelope.streamId} does not belong to source /gridline/${envelope.agency}`,
    );
  for (const p of validateEventData(envelope.type, envelope.data))
    problems.push(`data${p.path} ${p.message}`);
  if (problems.length > 0) throw new ImportLineError(line, problems);
  return {
    id: envelope.id,
    type: envelope.type,
    data: envelope.data,
    metadata: envelope.metadata,
    occurredAt: envelope.time,
    streamId: envelope.streamId,
    revision: envelope.revision,
    ...(envelope.integrity ? { integrity: envelope.integrity } : {}),
  };
}

/** The lines of a readable stream, without loading it whole. */
export async function* linesOf(input: Readable): AsyncGenerator<string> {
  const reader = createInterface({ input, crlfDelay: Infinity });
  try {
    yield* reader;
  } finally {
    reader.close();
  }
}

export interface ImportResult {
  /** Events now in the store from this file (appended now or by an earlier, interrupted run). */
  readonly events: number;
  readonly lines: number;
}

/**
 * Appends the events of an export into a store, each at its own stream and
 * revision (expected revision = revision − 1), keeping ids, metadata and times.
 * An event already stored at its place is recognised by its id and skipped, so
 * an interrupted import can simply be run again. The first bad line stops the
 * import with its line number; the events before it stay imported.
 */
export async function importEvents(
  store: EventStore,
  lines: AsyncIterable<string>,
  options: { readonly onEvent?: (count: number) => void } = {},
): Promise<ImportResult> {
  let line = 0;
  let events = 0;
  // Chained lines are checked before they are appended: an edited export is refused
  // at the first edited line, with nothing of it stored.
  const chain = new ChainVerifier({ mode: 'excerpt' });
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    const { streamId, revision, integrity, ...event } = parseExportLine(text, line);
    if (integrity) {
      const broken = chain.add({ ...event, streamId, revision, integrity });
      if (broken)
        throw new ImportLineError(line, [`hash chain broken (${broken.reason}): ${broken.detail}`]);
    }
    try {
      const result = await store.appendToStream(streamId, [event], {
        expectedRevision: revision === 0 ? 'no_stream' : revision - 1,
      });
      const stored = result.events[0];
      if (stored?.id !== event.id || stored.revision !== revision)
        throw new ImportLineError(line, [`event ${event.id} is stored elsewhere`]);
      if (integrity && stored.integrity && stored.integrity.hash !== integrity.hash)
        throw new ImportLineError(line, [
          `stored with hash ${stored.integrity.hash}, the export says ${integrity.hash}: ` +
            'the stream in this store does not continue the exported chain',
        ]);
    } catch (error) {
      if (error instanceof WrongExpectedVersionError)
        throw new ImportLineError(line, [
          `stream ${streamId} is at revision ${String(error.actual)}, the event needs ${revision - 1}: ` +
            'the store holds other events of this stream, or the export lacks its earlier events',
        ]);
      if (error instanceof ImportLineError) throw error;
      throw new ImportLineError(line, [(error as Error).message]);
    }
    events++;
    options.onEvent?.(events);
  }
  return { events, lines: line };
}

/** The result of checking an export file's hash chains. */
export interface ExportVerification extends IntegrityReport {
  readonly lines: number;
  /** The line of the first broken link. */
  readonly firstBrokenLine?: number;
  /** The first line that is not a valid export line; checking stops there. */
  readonly malformed?: { readonly line: number; readonly problems: readonly string[] };
}

/**
 * Checks the hash chains of an export file without a store: every event's own
 * hash, and each link whose predecessor is in the file (an export of a case or a
 * time range holds only some of a stream's events). Proves the file was not
 * edited after export, up to its last event of each stream.
 */
export async function verifyExport(lines: AsyncIterable<string>): Promise<ExportVerification> {
  const chain = new ChainVerifier({ mode: 'excerpt' });
  let line = 0;
  let firstBrokenLine: number | undefined;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let event: ImportedEvent;
    try {
      event = parseExportLine(text, line);
    } catch (error) {
      if (!(error instanceof ImportLineError)) throw error;
      const report = chain.result();
      return {
        ...report,
        intact: false,
        lines: line,
        ...(firstBrokenLine ? { firstBrokenLine } : {}),
        malformed: { line, problems: error.problems },
      };
    }
    const broken = chain.add(event);
    if (broken && firstBrokenLine === undefined) firstBrokenLine = line;
  }
  return { ...chain.result(), lines: line, ...(firstBrokenLine ? { firstBrokenLine } : {}) };
}
