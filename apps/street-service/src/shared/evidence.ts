import type {
  EnforcementEvidence,
  EvidenceFile,
  EvidenceKind,
  OfficerRef,
  Place,
} from '@gridline/contracts';
import { evidenceKindSchema, placeSchema, sha256Schema, uuidSchema } from '@gridline/contracts';
import { DomainError } from '@gridline/eventsourcing';
import type { EvidenceClaims, FileClaim } from '@gridline/evidence-store';

/** Evidence as an officer submits it; the record adds who recorded it and when. */
export interface NewEvidence {
  readonly evidenceId: string;
  readonly kind: EvidenceKind;
  readonly sha256: string;
  readonly description: string;
  readonly capturedAt: string;
  readonly place: Place;
  /** The file in the evidence store, when one was uploaded and attached. */
  readonly file?: EvidenceFile;
}

/**
 * HTTP body fragment of one piece of evidence (the id is assigned by the
 * service). `uploadId` names a file uploaded first (`POST /api/evidence/files`);
 * `sha256` must then be the digest of its bytes.
 */
export type EvidenceBody = Omit<NewEvidence, 'evidenceId' | 'file'> & {
  readonly uploadId?: string;
};

export const evidenceBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'sha256', 'description', 'capturedAt', 'place'],
  properties: {
    kind: evidenceKindSchema,
    sha256: sha256Schema,
    description: { type: 'string', minLength: 1, maxLength: 500 },
    capturedAt: { type: 'string', format: 'date-time' },
    place: placeSchema,
    uploadId: uuidSchema,
  },
} as const;

export const evidenceListSchema = {
  type: 'array',
  minItems: 1,
  maxItems: 50,
  items: evidenceBodySchema,
} as const;

/** How far a device's clock may run ahead of the service's: evidence "captured" later is refused. */
export const CAPTURE_CLOCK_SKEW_MS = 5 * 60_000;
/** No evidence of the platform is older (as simulated time's epoch). */
export const EARLIEST_CAPTURE = new Date('2000-01-01T00:00:00.000Z');

/**
 * Evidence as recorded by an officer at `recordedAt` (the command's time). It
 * cannot have been captured after it is recorded (beyond CAPTURE_CLOCK_SKEW_MS)
 * or before EARLIEST_CAPTURE: a `9999-12-31` or `0001-01-01` is a typing error or
 * a forgery, and would mislead the full-process record.
 */
export function recordEvidence(
  evidence: NewEvidence,
  officer: OfficerRef,
  recordedAt: Date,
): EnforcementEvidence {
  const captured = Date.parse(evidence.capturedAt);
  const details = { capturedAt: evidence.capturedAt, recordedAt: recordedAt.toISOString() };
  if (captured > recordedAt.getTime() + CAPTURE_CLOCK_SKEW_MS)
    throw new DomainError(
      'evidence-captured-later',
      `evidence captured at ${evidence.capturedAt}, after it is recorded (${details.recordedAt})`,
      details,
    );
  if (captured < EARLIEST_CAPTURE.getTime())
    throw new DomainError(
      'evidence-captured-too-early',
      `evidence captured at ${evidence.capturedAt}, before ${EARLIEST_CAPTURE.toISOString()}`,
      details,
    );
  return { ...evidence, recordedBy: officer, recordedAt: recordedAt.toISOString() };
}

/**
 * Takes the files a command's evidence names (422 when one can't be attached or
 * its digest is not the stored bytes'), and gives each piece its id and file.
 * The caller records the events, then commits the claim, or releases it when
 * the command failed.
 */
export async function withFiles(
  files: EvidenceClaims,
  bodies: readonly EvidenceBody[],
  target: { readonly dataSubjectId: string; readonly claimant: string },
  newId: () => string,
): Promise<{ readonly evidence: NewEvidence[]; readonly claim: FileClaim }> {
  const claim = await files.claim(
    bodies.flatMap((b) =>
      b.uploadId ? [{ uploadId: b.uploadId, sha256: b.sha256, kind: b.kind }] : [],
    ),
    { agency: 'street', ...target },
  );
  const evidence = bodies.map(({ uploadId, ...body }) => {
    const file = uploadId ? claim.files.get(uploadId) : undefined;
    return { evidenceId: newId(), ...body, ...(file ? { file } : {}) };
  });
  return { evidence, claim };
}

/** Runs `record` with the claim: committed when it succeeds, released when it fails. */
export async function recordingFiles<T extends { readonly revision: number }>(
  claim: FileClaim,
  streamId: string,
  record: () => Promise<T>,
): Promise<T> {
  let result: T;
  try {
    result = await record();
  } catch (error) {
    await claim.release();
    throw error;
  }
  await claim.commit(`${streamId}@${result.revision}`);
  return result;
}
