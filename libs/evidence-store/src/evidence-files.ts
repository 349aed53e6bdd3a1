import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { EvidenceFile, EvidenceKind } from '@gridline/contracts';
import { DomainError, type PersonalDataVault } from '@gridline/eventsourcing';
import type {
  EvidenceAccessOutcome,
  PostgresEvidenceAccessLog,
  PostgresEvidenceUploads,
} from '@gridline/store-postgres';
import { EvidenceObjects, EvidenceTampered } from './evidence-objects.js';
import { newDataKey } from './sealed-stream.js';

/** How long each kind of evidence is kept locked once attached (docs/evidence.md, "Retention"). */
export const RETENTION_YEARS: Readonly<Record<EvidenceKind, number>> = {
  photo: 10,
  video: 10,
  statement: 30,
  document: 30,
};

/** What an upload answers: the file's id for the command that attaches it, and its digests. */
export interface ReceivedUpload {
  readonly uploadId: string;
  readonly kind: EvidenceKind;
  readonly sha256: string;
  readonly storedSha256: string;
  readonly size: number;
  readonly contentType: string;
  /** Removed unless a command attaches it by then. */
  readonly expiresAt: string;
}

/** A file named in a command: its upload and the SHA-256 the person's device computed. */
export interface FileReference {
  readonly uploadId: string;
  readonly sha256: string;
  /** The evidence kind the command records it as; must be the kind it was uploaded as. */
  readonly kind?: EvidenceKind;
}

/** Uploads taken by one command: the files to record, then commit or release. */
export interface FileClaim {
  readonly files: ReadonlyMap<string, EvidenceFile>;
  /** The command recorded its events: the uploads are attached and their objects locked. */
  commit(attachedTo: string): Promise<void>;
  /** The command failed: another may attach the uploads. */
  release(): Promise<void>;
}

/** A file being read for someone, its access already recorded. */
export interface OpenedFile {
  readonly body: Readable;
  readonly contentType: string;
  readonly size: number;
  /** Records how the read ended (served, tampered, failed) with the bytes sent. */
  finish(outcome: EvidenceAccessOutcome, bytes: number): Promise<void>;
}

export interface Reader {
  readonly principalId: string;
  readonly agency?: string;
  readonly roles: readonly string[];
}

/** Why a file can't be read: gone with its subject's erasure, or not in the store. */
export class EvidenceUnavailable extends Error {
  override readonly name = 'EvidenceUnavailable';
  constructor(
    readonly reason: 'erased' | 'missing',
    message: string,
  ) {
    super(message);
  }
}

/** What a command handler needs of the evidence files: to claim uploads. */
export type EvidenceClaims = Pick<EvidenceFiles, 'claim'>;

/**
 * Claims for handler tests whose commands name no uploaded file (digests only):
 * a command that names one fails loudly.
 */
export const withoutUploads: EvidenceClaims = {
  claim(references) {
    if (references.length > 0) throw new Error('this handler was built without an evidence store');
    return Promise.resolve({
      files: new Map(),
      commit: () => Promise.resolve(),
      release: () => Promise.resolve(),
    });
  },
};

/** The upload's own vault subject: its data key is sealed there until it is attached. */
const uploadSubject = (uploadId: string) => `evidence-upload:${uploadId}`;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Evidence files from upload to court: receive (stream in, sealed, content
 * addressed), claim (a command attaches uploads to evidence after checking the
 * digest the person submitted, and the data key is sealed again under the data
 * subject, so that erasing the subject makes the file unreadable), open (every
 * read recorded, the bytes checked as they go), expire (unattached uploads go).
 */
export class EvidenceFiles {
  constructor(
    private readonly objects: EvidenceObjects,
    private readonly uploads: PostgresEvidenceUploads,
    private readonly accessLog: PostgresEvidenceAccessLog,
    private readonly vault: PersonalDataVault,
    private readonly options: { readonly graceMs: number; readonly now?: () => Date },
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  async receive(
    input: Readable,
    upload: {
      readonly kind: EvidenceKind;
      readonly declaredType?: string;
      readonly agency: string;
      readonly uploadedBy: string;
    },
  ): Promise<ReceivedUpload> {
    const uploadId = randomUUID();
    const dataKey = newDataKey();
    const sealedKey = await this.vault.seal(uploadSubject(uploadId), dataKey.toString('base64'));
    await this.uploads.begin({
      uploadId,
      agency: upload.agency,
      uploadedBy: upload.uploadedBy,
      kind: upload.kind,
      sealedKey,
    });
    try {
      const stored = await this.objects.store(uploadId, input, {
        kind: upload.kind,
        dataKey,
        ...(upload.declaredType ? { declaredType: upload.declaredType } : {}),
      });
      const row = await this.uploads.stored(uploadId, stored);
      return {
        uploadId,
        kind: upload.kind,
        sha256: stored.sha256,
        storedSha256: stored.storedSha256,
        size: stored.size,
        contentType: stored.contentType,
        expiresAt: new Date(Date.parse(row.createdAt) + this.options.graceMs).toISOString(),
      };
    } catch (error) {
      await this.uploads.forget(uploadId).catch(() => undefined);
      await this.vault.erase(uploadSubject(uploadId)).catch(() => undefined);
      throw error;
    } finally {
      dataKey.fill(0);
    }
  }

  /** Removes a stored upload that its sender refused (e.g. its digest was not the one sent). */
  async discard(uploadId: string): Promise<void> {
    const row = await this.uploads.find(uploadId);
    if (row?.storedSha256) await this.objects.remove(EvidenceObjects.contentKey(row.storedSha256));
    await this.uploads.forget(uploadId);
    await this.vault.erase(uploadSubject(uploadId));
  }

  /**
   * Takes the named uploads for a command of `agency`. Refused (422, nothing
   * taken) when an upload is unknown, of another agency, not finished, taken,
   * expired, of another kind, or when the submitted SHA-256 is not the one of
   * the stored bytes.
   */
  async claim(
    references: readonly FileReference[],
    target: { readonly agency: string; readonly dataSubjectId: string; readonly claimant: string },
  ): Promise<FileClaim> {
    const claimed: string[] = [];
    const files = new Map<string, EvidenceFile>();
    const release = () => this.uploads.release(claimed);
    try {
      for (const ref of references) {
        if (files.has(ref.uploadId))
          throw new DomainError(
            'evidence-upload-repeated',
            `upload ${ref.uploadId} is named twice`,
            {
              uploadId: ref.uploadId,
            },
          );
        const row = await this.uploads.claim(ref.uploadId, target.claimant);
        if (!row) throw await this.unclaimable(ref.uploadId, target.agency);
        claimed.push(ref.uploadId);
        if (row.agency !== target.agency) throw this.unknown(ref.uploadId);
        if (ref.kind && row.kind !== ref.kind)
          throw new DomainError(
            'evidence-kind-mismatch',
            `upload ${ref.uploadId} was uploaded as a ${row.kind}, not a ${ref.kind}`,
            { uploadId: ref.uploadId, uploaded: row.kind, recorded: ref.kind },
          );
        if (row.sha256 !== ref.sha256)
          throw new DomainError(
            'evidence-digest-mismatch',
            `the SHA-256 submitted for upload ${ref.uploadId} is not the digest of the stored file`,
            { uploadId: ref.uploadId, submitted: ref.sha256, stored: row.sha256 },
          );
        const key = await this.vault.open(row.sealedKey);
        if (!key) throw this.unknown(ref.uploadId);
        files.set(ref.uploadId, {
          storedSha256: row.storedSha256!,
          size: row.size!,
          storedSize: row.storedSize!,
          contentType: row.contentType!,
          dataKey: await this.vault.seal(target.dataSubjectId, key),
        });
      }
    } catch (error) {
      await release();
      throw error;
    }
    const kinds = new Map(references.map((r) => [r.uploadId, r.kind]));
    return {
      files,
      release,
      commit: async (attachedTo: string) => {
        await this.uploads.attached(claimed, attachedTo);
        for (const uploadId of claimed) {
          // The key now lives only sealed under the data subject, in the event.
          await this.vault.erase(uploadSubject(uploadId));
          const file = files.get(uploadId)!;
          const years = RETENTION_YEARS[kinds.get(uploadId) ?? 'photo'];
          const until = new Date(this.now().getTime() + years * 365.25 * DAY_MS);
          await this.objects.retain(EvidenceObjects.contentKey(file.storedSha256), until);
        }
      },
    };
  }

  private unknown(uploadId: string): DomainError {
    return new DomainError('evidence-upload-unknown', `no upload ${uploadId} of this agency`, {
      uploadId,
    });
  }

  private async unclaimable(uploadId: string, agency: string): Promise<DomainError> {
    const row = await this.uploads.find(uploadId);
    if (!row || row.agency !== agency) return this.unknown(uploadId);
    const details = { uploadId };
    switch (row.status) {
      case 'receiving':
        return new DomainError(
          'evidence-upload-incomplete',
          `upload ${uploadId} is still being received`,
          details,
        );
      case 'attaching':
      case 'attached':
        return new DomainError(
          'evidence-upload-attached',
          `upload ${uploadId} is already attached to evidence`,
          details,
        );
      default:
        return new DomainError(
          'evidence-upload-expired',
          `upload ${uploadId} was removed: it was not attached in time`,
          details,
        );
    }
  }

  /**
   * Opens an attached file for `reader`, recording the access first. The data
   * key is opened from its seal: after the subject's erasure it is gone, and
   * so is the file (EvidenceUnavailable 'erased').
   */
  async open(
    evidence: {
      readonly caseId: string;
      readonly evidenceId: string;
      readonly sha256: string;
      readonly file: EvidenceFile;
    },
    reader: Reader,
  ): Promise<OpenedFile> {
    const accessId = await this.accessLog.start({
      caseId: evidence.caseId,
      evidenceId: evidence.evidenceId,
      principalId: reader.principalId,
      ...(reader.agency ? { agency: reader.agency } : {}),
      roles: reader.roles,
    });
    const finish = (outcome: EvidenceAccessOutcome, bytes: number) =>
      this.accessLog.finish(accessId, outcome, bytes);
    const key = await this.vault.open(evidence.file.dataKey);
    if (!key) {
      await finish('erased', 0);
      throw new EvidenceUnavailable(
        'erased',
        'the file is unreadable: its data subject was erased',
      );
    }
    const contentKey = EvidenceObjects.contentKey(evidence.file.storedSha256);
    if (!(await this.objects.exists(contentKey))) {
      await finish('missing', 0);
      throw new EvidenceUnavailable('missing', 'the evidence store has no object for this file');
    }
    const dataKey = Buffer.from(key, 'base64');
    const body = await this.objects.open(
      { sha256: evidence.sha256, storedSha256: evidence.file.storedSha256 },
      dataKey,
    );
    return { body, contentType: evidence.file.contentType, size: evidence.file.size, finish };
  }

  /** Removes uploads never attached within the grace period: their objects and keys. */
  async expire(): Promise<number> {
    const expired = await this.uploads.expire(
      new Date(this.now().getTime() - this.options.graceMs),
    );
    for (const upload of expired) {
      await this.objects.remove(EvidenceObjects.stagingKey(upload.uploadId)).catch(() => undefined);
      if (upload.storedSha256)
        await this.objects.remove(EvidenceObjects.contentKey(upload.storedSha256));
      await this.vault.erase(uploadSubject(upload.uploadId));
    }
    return expired.length;
  }
}

export { EvidenceTampered };
