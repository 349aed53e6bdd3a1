// Evidence files (docs/evidence.md): uploaded to the street service through the
// gateway before the command that records them names them (`uploadId` with the
// file's SHA-256), and opened again by those entitled to the case.
import { ApiError, authorisedFetch, request } from './client';

export type EvidenceKind = 'photo' | 'video' | 'statement' | 'document';

export interface UploadedFile {
  readonly uploadId: string;
  readonly kind: EvidenceKind;
  readonly sha256: string;
  readonly storedSha256: string;
  readonly size: number;
  readonly contentType: string;
  readonly expiresAt: string;
}

/** What a file chooser offers for each kind (the service judges by the bytes anyway). */
export const ACCEPT: Readonly<Record<EvidenceKind, string>> = {
  photo: 'image/jpeg,image/png,image/webp,image/heic',
  video: 'video/mp4,video/quicktime,video/webm',
  statement: 'audio/*,application/pdf',
  document: 'application/pdf,image/*',
};

/** Files up to this size are hashed in the browser, so the service checks what left the device. */
const HASH_IN_BROWSER_BYTES = 256 * 1024 * 1024;

const hex = (bytes: ArrayBuffer) =>
  [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

const base64 = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes)));

/**
 * Uploads one file. The browser's SHA-256 goes along (`Repr-Digest`): the
 * service refuses to keep bytes that are not the ones the device had.
 */
export async function uploadEvidenceFile(file: File, kind: EvidenceKind): Promise<UploadedFile> {
  const headers = new Headers({
    'content-type': file.type || 'application/octet-stream',
    'idempotency-key': crypto.randomUUID(),
  });
  let local: string | undefined;
  if (file.size <= HASH_IN_BROWSER_BYTES && crypto.subtle) {
    const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
    local = hex(digest);
    headers.set('repr-digest', `sha-256=:${base64(digest)}:`);
  }
  const response = await authorisedFetch()(
    new Request(`/api/agencies/street/evidence/files?kind=${kind}`, {
      method: 'POST',
      body: file,
      headers,
    }),
  );
  const uploaded = (await response.json()) as UploadedFile;
  if (local && uploaded.sha256 !== local)
    throw new ApiError(422, 'the stored file is not the one chosen');
  return uploaded;
}

/** An evidence file's bytes, for those entitled to the case (every access is recorded). */
export async function openEvidenceFile(caseId: string, evidenceId: string): Promise<Blob> {
  const response = await request(
    `/api/agencies/street/cases/${caseId}/evidence/${evidenceId}/file`,
  );
  return response.blob();
}

export interface EvidenceAccess {
  readonly accessId: string;
  readonly evidenceId: string;
  readonly principalId: string;
  readonly agency: string | null;
  readonly outcome: string;
  readonly bytes: number;
  readonly accessedAt: string;
}

export async function evidenceAccesses(caseId: string): Promise<readonly EvidenceAccess[]> {
  const response = await request(`/api/agencies/street/cases/${caseId}/evidence-access`);
  return ((await response.json()) as { accesses: EvidenceAccess[] }).accesses;
}
