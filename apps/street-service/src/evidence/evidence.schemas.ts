import { evidenceKindSchema, sha256Schema, uuidSchema } from '@gridline/contracts';
import type { EvidenceAccessEntry } from '@gridline/store-postgres';

const time = { type: 'string', format: 'date-time' } as const;

/** What `POST /api/evidence/files` answers. */
export const receivedUploadSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['uploadId', 'kind', 'sha256', 'storedSha256', 'size', 'contentType', 'expiresAt'],
  properties: {
    uploadId: uuidSchema,
    kind: evidenceKindSchema,
    sha256: { ...sha256Schema, description: "the file's SHA-256: submit it with the evidence" },
    storedSha256: { ...sha256Schema, description: 'SHA-256 of the stored, encrypted object' },
    size: { type: 'integer', minimum: 0 },
    contentType: { type: 'string', description: 'the media type judged by the bytes' },
    expiresAt: { ...time, description: 'removed unless a command attaches it by then' },
  },
} as const;

export interface EvidenceAccessList {
  readonly caseId: string;
  readonly accesses: readonly EvidenceAccessEntry[];
}

export const evidenceAccessListSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['caseId', 'accesses'],
  properties: {
    caseId: uuidSchema,
    accesses: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: [
          'accessId',
          'caseId',
          'evidenceId',
          'principalId',
          'agency',
          'roles',
          'outcome',
          'bytes',
          'accessedAt',
          'finishedAt',
        ],
        properties: {
          accessId: uuidSchema,
          caseId: uuidSchema,
          evidenceId: uuidSchema,
          principalId: { type: 'string' },
          agency: { type: ['string', 'null'] },
          roles: { type: 'array', items: { type: 'string' } },
          outcome: { enum: ['started', 'served', 'tampered', 'erased', 'missing', 'failed'] },
          bytes: { type: 'integer', minimum: 0 },
          accessedAt: time,
          finishedAt: { type: ['string', 'null'], format: 'date-time' },
        },
      },
    },
  },
} as const;
