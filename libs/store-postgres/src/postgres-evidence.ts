import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { SealedValue } from '@gridline/contracts';

/**
 * Uploaded evidence files on their way to a piece of evidence (table
 * `gridline_evidence_uploads`, docs/evidence.md):
 *
 *   receiving → stored → attaching → attached
 *        ↘         ↘          ↘ (the command failed: back to stored)
 *          expired (the grace period passed unattached: object and key removed)
 */
export type UploadStatus = 'receiving' | 'stored' | 'attaching' | 'attached' | 'expired';

export interface EvidenceUpload {
  readonly uploadId: string;
  readonly agency: string;
  readonly uploadedBy: string;
  readonly kind: string;
  readonly status: UploadStatus;
  /** The file's data key, sealed under the upload's own vault subject until attached. */
  readonly sealedKey: SealedValue;
  readonly contentType: string | null;
  readonly size: number | null;
  readonly storedSize: number | null;
  readonly sha256: string | null;
  readonly storedSha256: string | null;
  readonly createdAt: string;
  readonly storedAt: string | null;
  readonly attachedAt: string | null;
  readonly attachedTo: string | null;
}

interface UploadRow {
  upload_id: string;
  agency: string;
  uploaded_by: string;
  kind: string;
  status: UploadStatus;
  sealed_key: SealedValue;
  content_type: string | null;
  size: string | null;
  stored_size: string | null;
  sha256: string | null;
  stored_sha256: string | null;
  created_at: Date;
  stored_at: Date | null;
  attached_at: Date | null;
  attached_to: string | null;
}

const toUpload = (r: UploadRow): EvidenceUpload => ({
  uploadId: r.upload_id,
  agency: r.agency,
  uploadedBy: r.uploaded_by,
  kind: r.kind,
  status: r.status,
  sealedKey: r.sealed_key,
  contentType: r.content_type,
  size: r.size === null ? null : Number(r.size),
  storedSize: r.stored_size === null ? null : Number(r.stored_size),
  sha256: r.sha256,
  storedSha256: r.stored_sha256,
  createdAt: r.created_at.toISOString(),
  storedAt: r.stored_at?.toISOString() ?? null,
  attachedAt: r.attached_at?.toISOString() ?? null,
  attachedTo: r.attached_to,
});

export class PostgresEvidenceUploads {
  constructor(private readonly pool: pg.Pool) {}

  async begin(upload: {
    readonly uploadId: string;
    readonly agency: string;
    readonly uploadedBy: string;
    readonly kind: string;
    readonly sealedKey: SealedValue;
  }): Promise<void> {
    await this.pool.query(
      `INSERT INTO gridline_evidence_uploads (upload_id, agency, uploaded_by, kind, sealed_key)
       VALUES ($1, $2, $3, $4, $5)`,
      [upload.uploadId, upload.agency, upload.uploadedBy, upload.kind, upload.sealedKey],
    );
  }

  async stored(
    uploadId: string,
    file: {
      readonly sha256: string;
      readonly storedSha256: string;
      readonly size: number;
      readonly storedSize: number;
      readonly contentType: string;
    },
  ): Promise<EvidenceUpload> {
    const { rows } = await this.pool.query<UploadRow>(
      `UPDATE gridline_evidence_uploads
          SET status = 'stored', sha256 = $2, stored_sha256 = $3, size = $4, stored_size = $5,
              content_type = $6, stored_at = clock_timestamp()
        WHERE upload_id = $1 AND status = 'receiving'
        RETURNING *`,
      [uploadId, file.sha256, file.storedSha256, file.size, file.storedSize, file.contentType],
    );
    if (!rows[0]) throw new Error(`upload ${uploadId} is no longer receiving`);
    return toUpload(rows[0]);
  }

  /** A failed or refused upload: nothing of it is kept. */
  async forget(uploadId: string): Promise<void> {
    await this.pool.query(`DELETE FROM gridline_evidence_uploads WHERE upload_id = $1`, [uploadId]);
  }

  async find(uploadId: string): Promise<EvidenceUpload | undefined> {
    const { rows } = await this.pool.query<UploadRow>(
      `SELECT * FROM gridline_evidence_uploads WHERE upload_id = $1`,
      [uploadId],
    );
    return rows[0] ? toUpload(rows[0]) : undefined;
  }

  /** Takes a stored upload for one command; undefined when it is not (or no longer) stored. */
  async claim(uploadId: string, claimant: string): Promise<EvidenceUpload | undefined> {
    const { rows } = await this.pool.query<UploadRow>(
      `UPDATE gridline_evidence_uploads SET status = 'attaching', attached_to = $2
        WHERE upload_id = $1 AND status = 'stored'
        RETURNING *`,
      [uploadId, claimant],
    );
    return rows[0] ? toUpload(rows[0]) : undefined;
  }

  /** The command recorded the evidence: the upload is attached for good. */
  async attached(uploadIds: readonly string[], attachedTo: string): Promise<void> {
    if (uploadIds.length === 0) return;
    await this.pool.query(
      `UPDATE gridline_evidence_uploads
          SET status = 'attached', attached_at = clock_timestamp(), attached_to = $2
        WHERE upload_id = ANY($1::uuid[]) AND status = 'attaching'`,
      [uploadIds, attachedTo],
    );
  }

  /** The command failed: its uploads may be attached by another. */
  async release(uploadIds: readonly string[]): Promise<void> {
    if (uploadIds.length === 0) return;
    await this.pool.query(
      `UPDATE gridline_evidence_uploads SET status = 'stored', attached_to = NULL
        WHERE upload_id = ANY($1::uuid[]) AND status = 'attaching'`,
      [uploadIds],
    );
  }

  /**
   * Uploads left unattached longer than the grace period, marked expired in the
   * same statement so that two sweepers never take the same one.
   */
  async expire(olderThan: Date, limit = 100): Promise<EvidenceUpload[]> {
    const { rows } = await this.pool.query<UploadRow>(
      `UPDATE gridline_evidence_uploads u SET status = 'expired'
        WHERE upload_id IN (
          SELECT upload_id FROM gridline_evidence_uploads
           WHERE status IN ('receiving', 'stored') AND created_at < $1
           ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING u.*`,
      [olderThan, limit],
    );
    return rows.map(toUpload);
  }
}

export type EvidenceAccessOutcome =
  'started' | 'served' | 'tampered' | 'erased' | 'missing' | 'failed';

export interface EvidenceAccessEntry {
  readonly accessId: string;
  readonly caseId: string;
  readonly evidenceId: string;
  readonly principalId: string;
  readonly agency: string | null;
  readonly roles: readonly string[];
  readonly outcome: EvidenceAccessOutcome;
  readonly bytes: number;
  readonly accessedAt: string;
  readonly finishedAt: string | null;
}

/**
 * Who opened which evidence file, when, and how it went (table
 * `gridline_evidence_access`). An access is recorded before the first byte
 * leaves, so a download that dies half-way still leaves its trace.
 */
export class PostgresEvidenceAccessLog {
  constructor(private readonly pool: pg.Pool) {}

  async start(entry: {
    readonly caseId: string;
    readonly evidenceId: string;
    readonly principalId: string;
    readonly agency?: string;
    readonly roles: readonly string[];
  }): Promise<string> {
    const accessId = randomUUID();
    await this.pool.query(
      `INSERT INTO gridline_evidence_access (access_id, case_id, evidence_id, principal_id, agency, roles)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        accessId,
        entry.caseId,
        entry.evidenceId,
        entry.principalId,
        entry.agency ?? null,
        [...entry.roles],
      ],
    );
    return accessId;
  }

  async finish(accessId: string, outcome: EvidenceAccessOutcome, bytes: number): Promise<void> {
    await this.pool.query(
      `UPDATE gridline_evidence_access SET outcome = $2, bytes = $3, finished_at = clock_timestamp()
        WHERE access_id = $1`,
      [accessId, outcome, bytes],
    );
  }

  async ofCase(caseId: string, limit = 200): Promise<EvidenceAccessEntry[]> {
    const { rows } = await this.pool.query<{
      access_id: string;
      case_id: string;
      evidence_id: string;
      principal_id: string;
      agency: string | null;
      roles: string[];
      outcome: EvidenceAccessOutcome;
      bytes: string;
      accessed_at: Date;
      finished_at: Date | null;
    }>(
      `SELECT * FROM gridline_evidence_access WHERE case_id = $1
        ORDER BY accessed_at DESC LIMIT $2`,
      [caseId, limit],
    );
    return rows.map((r) => ({
      accessId: r.access_id,
      caseId: r.case_id,
      evidenceId: r.evidence_id,
      principalId: r.principal_id,
      agency: r.agency,
      roles: r.roles,
      outcome: r.outcome,
      bytes: Number(r.bytes),
      accessedAt: r.accessed_at.toISOString(),
      finishedAt: r.finished_at?.toISOString() ?? null,
    }));
  }
}
