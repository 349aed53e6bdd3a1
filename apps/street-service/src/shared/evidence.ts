import type { EnforcementEvidence, EvidenceKind, OfficerRef, Place } from '@gridline/contracts';
import { evidenceKindSchema, placeSchema, sha256Schema } from '@gridline/contracts';

/** Evidence as an officer submits it; the record adds who recorded it and when. */
export interface NewEvidence {
  readonly evidenceId: string;
  readonly kind: EvidenceKind;
  readonly sha256: string;
  readonly description: string;
  readonly capturedAt: string;
  readonly place: Place;
}

/** HTTP body fragment of one piece of evidence (the id is assigned by the service). */
export type EvidenceBody = Omit<NewEvidence, 'evidenceId'>;

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
  },
} as const;

export const evidenceListSchema = {
  type: 'array',
  minItems: 1,
  maxItems: 50,
  items: evidenceBodySchema,
} as const;

export function recordEvidence(
  evidence: NewEvidence,
  officer: OfficerRef,
  recordedAt: Date,
): EnforcementEvidence {
  return { ...evidence, recordedBy: officer, recordedAt: recordedAt.toISOString() };
}
