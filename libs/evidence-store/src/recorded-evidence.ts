import type { EvidenceFile, EvidenceKind } from '@gridline/contracts';
import type { RecordedEvent } from '@gridline/eventsourcing';

/** A piece of evidence with a file, as the case's history recorded it. */
export interface RecordedEvidenceFile {
  readonly evidenceId: string;
  readonly kind: EvidenceKind;
  readonly sha256: string;
  readonly file: EvidenceFile;
  /** The event that recorded it. */
  readonly eventId: string;
  readonly eventType: string;
  readonly streamId: string;
}

interface EvidenceLike {
  readonly evidenceId?: unknown;
  readonly kind?: unknown;
  readonly sha256?: unknown;
  readonly file?: EvidenceFile;
}

/**
 * Every evidence file a case's events hold: the evidence of warnings, step and
 * decision evidence, penalty drafts, and the photos of issue reports. The
 * history is the authority; no other index is needed to find a file (the
 * street service serves files by it, `gridline verify` checks their objects).
 */
export function evidenceFilesOf(events: readonly RecordedEvent[]): RecordedEvidenceFile[] {
  const found: RecordedEvidenceFile[] = [];
  const take = (item: EvidenceLike, kind: EvidenceKind | undefined, event: RecordedEvent) => {
    if (!item.file || typeof item.evidenceId !== 'string' || typeof item.sha256 !== 'string')
      return;
    found.push({
      evidenceId: item.evidenceId,
      kind: kind ?? (item.kind as EvidenceKind),
      sha256: item.sha256,
      file: item.file,
      eventId: event.id,
      eventType: event.type,
      streamId: event.streamId,
    });
  };
  for (const event of events) {
    const data = event.data as {
      readonly evidence?: EvidenceLike | readonly EvidenceLike[];
      readonly photos?: { readonly files?: readonly EvidenceLike[] };
    };
    const evidence = data.evidence;
    if (Array.isArray(evidence))
      for (const item of evidence as readonly EvidenceLike[]) take(item, undefined, event);
    else if (evidence && typeof evidence === 'object')
      take(evidence as EvidenceLike, undefined, event);
    for (const photo of data.photos?.files ?? []) take(photo, 'photo', event);
  }
  return found;
}
