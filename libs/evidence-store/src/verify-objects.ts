import type { RecordedEvent } from '@gridline/eventsourcing';
import { evidenceFilesOf, type RecordedEvidenceFile } from './recorded-evidence.js';

/** A recorded evidence file whose object is not what the event recorded. */
export interface EvidenceObjectProblem {
  /** `missing`: no object at the file's address; `mismatched`: its bytes hash to another digest. */
  readonly problem: 'missing' | 'mismatched';
  readonly streamId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly evidenceId: string;
  readonly storedSha256: string;
  readonly detail: string;
}

export interface EvidenceObjectsReport {
  /** Every recorded file has its object, and every object hashes to its recorded digest. */
  readonly intact: boolean;
  /** Events read. */
  readonly events: number;
  /** Evidence files the events record (one object may be recorded more than once). */
  readonly files: number;
  /** Distinct objects read and hashed. */
  readonly objects: number;
  /** Bytes read from the evidence store. */
  readonly bytes: number;
  /** In the order the events were read. */
  readonly missing: readonly EvidenceObjectProblem[];
  readonly mismatched: readonly EvidenceObjectProblem[];
}

/** What the check needs of the store: `EvidenceObjects.digestOf`. */
export interface DigestSource {
  digestOf(storedSha256: string): Promise<{ sha256: string; size: number } | undefined>;
}

type Outcome =
  | { readonly problem?: undefined }
  | { readonly problem: 'missing' | 'mismatched'; readonly detail: string };

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Checks the object of every evidence file the events record (`evidenceFilesOf`):
 * it is in the store, and the SHA-256 of its bytes is the recorded `storedSha256`.
 * No key is needed: the objects are checked as stored, sealed. Each object is
 * read once however many events record it, `concurrency` at a time; the events
 * are read as the checks keep up, so memory stays at a few objects' reads. An
 * object that cannot be read (other than not being there) stops the check with
 * its error: that is not a finding about the evidence.
 */
export async function verifyEvidenceObjects(
  events: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>,
  objects: DigestSource,
  options: { readonly concurrency?: number; readonly onEvents?: (events: number) => void } = {},
): Promise<EvidenceObjectsReport> {
  const concurrency = Math.max(1, options.concurrency ?? 4);
  /** Per object: its outcome once known, else the recordings waiting for it. */
  const known = new Map<string, { outcome?: Outcome; waiting: [number, RecordedEvidenceFile][] }>();
  const problems: [number, EvidenceObjectProblem][] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let eventCount = 0;
  let files = 0;
  let bytes = 0;

  const report = (order: number, recorded: RecordedEvidenceFile, outcome: Outcome) => {
    if (!outcome.problem) return;
    problems.push([
      order,
      {
        problem: outcome.problem,
        streamId: recorded.streamId,
        eventId: recorded.eventId,
        eventType: recorded.eventType,
        evidenceId: recorded.evidenceId,
        storedSha256: recorded.file.storedSha256,
        detail: outcome.detail,
      },
    ]);
  };

  const check = async (storedSha256: string): Promise<Outcome> => {
    if (!SHA256.test(storedSha256))
      return { problem: 'mismatched', detail: 'the recorded storedSha256 is not a SHA-256 digest' };
    const found = await objects.digestOf(storedSha256);
    if (!found) return { problem: 'missing', detail: 'the evidence store has no object for it' };
    bytes += found.size;
    if (found.sha256 !== storedSha256)
      return {
        problem: 'mismatched',
        detail: `the object's SHA-256 is ${found.sha256} (${found.size} bytes), recorded ${storedSha256}`,
      };
    return {};
  };

  const start = (storedSha256: string) => {
    const entry = known.get(storedSha256)!;
    const task = check(storedSha256).then(
      (outcome) => {
        entry.outcome = outcome;
        for (const [order, recorded] of entry.waiting) report(order, recorded, outcome);
        entry.waiting = [];
      },
      (error: unknown) => {
        failure ??= { error };
      },
    );
    const tracked = task.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  for await (const event of events) {
    eventCount++;
    for (const recorded of evidenceFilesOf([event])) {
      const order = files++;
      const key = recorded.file.storedSha256;
      const entry = known.get(key);
      if (entry?.outcome) report(order, recorded, entry.outcome);
      else if (entry) entry.waiting.push([order, recorded]);
      else {
        known.set(key, { waiting: [[order, recorded]] });
        start(key);
      }
      while (inFlight.size >= concurrency && !failure) await Promise.race(inFlight);
      if (failure) break;
    }
    if (failure) break;
    options.onEvents?.(eventCount);
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;

  const ordered = problems.sort((a, b) => a[0] - b[0]).map(([, problem]) => problem);
  const missing = ordered.filter((p) => p.problem === 'missing');
  const mismatched = ordered.filter((p) => p.problem === 'mismatched');
  return {
    intact: ordered.length === 0,
    events: eventCount,
    files,
    objects: known.size,
    bytes,
    missing,
    mismatched,
  };
}
