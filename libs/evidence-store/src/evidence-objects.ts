import { createHash, type Hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectRetentionCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { EvidenceKind } from '@gridline/contracts';
import {
  declaredTypeConflict,
  EVIDENCE_MEDIA,
  mediaRefusal,
  SNIFF_BYTES,
  sniffMediaType,
} from './media-types.js';
import { openStream, sealStream, SealedStreamError } from './sealed-stream.js';

/** Where the evidence bucket is: any S3-compatible store (docs/evidence.md). */
export interface ObjectStoreConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Path-style addressing (http://host/bucket/key): SeaweedFS and most on-premises stores. */
  readonly forcePathStyle?: boolean;
}

/** The secret from its file (never from the environment itself). */
export function readSecretFile(file: string): string {
  const secret = readFileSync(file, 'utf8').trim();
  if (!secret) throw new Error(`${file} is empty`);
  return secret;
}

/** A file refused for what it is: the HTTP status and why, in words. */
export class EvidenceFileRefusal extends Error {
  override readonly name = 'EvidenceFileRefusal';
  constructor(
    readonly status: 413 | 415,
    readonly code: 'evidence-file-too-large' | 'evidence-file-type',
    message: string,
  ) {
    super(message);
  }
}

/** A stored object whose bytes are not the ones recorded: somebody changed it. */
export class EvidenceTampered extends Error {
  override readonly name = 'EvidenceTampered';
}

/** What storing a file found: both digests, both sizes, the type by its bytes. */
export interface StoredFile {
  /** SHA-256 of the file itself (what the officer's camera made). */
  readonly sha256: string;
  /** SHA-256 of the stored, encrypted object: checkable without any key. */
  readonly storedSha256: string;
  readonly size: number;
  readonly storedSize: number;
  readonly contentType: string;
}

/** Counts, limits and sniffs the bytes going through; hashes them. */
class Inspector extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private head = Buffer.alloc(0);
  private checked = false;
  bytes = 0;
  contentType = '';

  constructor(
    private readonly kind: EvidenceKind,
    private readonly declaredType: string | undefined,
  ) {
    super();
  }

  digest(): string {
    return this.hash.digest('hex');
  }

  private check(): void {
    const sniffed = sniffMediaType(this.head, this.kind);
    const refusal =
      mediaRefusal(this.kind, sniffed) ??
      (sniffed ? declaredTypeConflict(this.declaredType, sniffed) : undefined);
    if (refusal) throw new EvidenceFileRefusal(415, 'evidence-file-type', refusal);
    this.contentType = sniffed!;
    this.checked = true;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.bytes += chunk.length;
      const max = EVIDENCE_MEDIA[this.kind].maxBytes;
      if (this.bytes > max)
        throw new EvidenceFileRefusal(
          413,
          'evidence-file-too-large',
          `a ${this.kind} may be at most ${max} bytes`,
        );
      if (!this.checked) {
        this.head = Buffer.concat([this.head, chunk.subarray(0, SNIFF_BYTES)]);
        if (this.head.length >= SNIFF_BYTES) this.check();
      }
      this.hash.update(chunk);
      callback(null, chunk);
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (!this.checked) this.check();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }
}

/** Hashes what passes through. */
function hashing(hash: Hash): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
}

const MiB = 1024 * 1024;

/**
 * The evidence bucket: files are stored sealed (sealed-stream.ts) under their
 * stored digest, `sha256/<2 hex>/<64 hex>`, so anyone with read access can
 * check an object against the digest the event recorded without holding a key.
 * A file arrives at `staging/<upload id>` and moves to its address once stored.
 */
export class EvidenceObjects {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    /** Multipart part size: memory use is about two parts per upload in flight. */
    private readonly partBytes = 8 * MiB,
  ) {}

  static connect(config: ObjectStoreConfig): EvidenceObjects {
    const client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle ?? true,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // Checksums only when an operation requires them: S3-compatible stores differ in the rest.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    return new EvidenceObjects(client, config.bucket);
  }

  static contentKey(storedSha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(storedSha256)) throw new Error('not a SHA-256 digest');
    return `sha256/${storedSha256.slice(0, 2)}/${storedSha256}`;
  }

  static stagingKey(uploadId: string): string {
    return `staging/${uploadId}`;
  }

  /** True when the bucket answers with these credentials. */
  async reachable(): Promise<boolean> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return true;
    } catch {
      return false;
    }
  }

  /** Creates the bucket when it is missing (tests; deployments create it with their store). */
  async ensureBucket(options: { objectLock?: boolean } = {}): Promise<void> {
    if (await this.reachable()) return;
    await this.client.send(
      new CreateBucketCommand({
        Bucket: this.bucket,
        ...(options.objectLock ? { ObjectLockEnabledForBucket: true } : {}),
      }),
    );
  }

  /**
   * Streams a file in: checks its type by its bytes and its size as it comes,
   * hashes it, seals it with `dataKey` and uploads it in parts to the staging
   * key, then moves it to its content address. Memory stays at a few parts
   * whatever the file's size. A refused or broken stream leaves nothing.
   */
  async store(
    uploadId: string,
    input: Readable,
    options: { kind: EvidenceKind; declaredType?: string; dataKey: Buffer },
  ): Promise<StoredFile & { key: string }> {
    const inspector = new Inspector(options.kind, options.declaredType);
    const storedHash = createHash('sha256');
    let storedSize = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        storedSize += chunk.length;
        callback(null, chunk);
      },
    });
    const body = new PassThrough();
    const staging = EvidenceObjects.stagingKey(uploadId);
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: staging,
        Body: body,
        ContentType: 'application/octet-stream',
      },
      partSize: this.partBytes,
      queueSize: 2,
      leavePartsOnError: false,
    });
    const sent = upload.done();
    // An upload that fails stops the stream feeding it (else the pipeline would wait forever).
    sent.catch((error: unknown) => body.destroy(error as Error));
    const [piped, uploaded] = await Promise.allSettled([
      pipeline(input, inspector, sealStream(options.dataKey), hashing(storedHash), counted, body),
      sent,
    ]);
    if (piped.status === 'rejected' || uploaded.status === 'rejected') {
      await upload.abort().catch(() => undefined);
      await this.remove(staging).catch(() => undefined);
      // The stream's reason (a refusal, the client gone) before the upload's echo of it.
      throw piped.status === 'rejected' ? piped.reason : (uploaded as PromiseRejectedResult).reason;
    }
    const stored: StoredFile = {
      sha256: inspector.digest(),
      storedSha256: storedHash.digest('hex'),
      size: inspector.bytes,
      storedSize,
      contentType: inspector.contentType,
    };
    const key = EvidenceObjects.contentKey(stored.storedSha256);
    await this.client.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: key,
        CopySource: `${this.bucket}/${staging}`,
        ContentType: 'application/octet-stream',
        MetadataDirective: 'REPLACE',
      }),
    );
    await this.remove(staging);
    return { ...stored, key };
  }

  /**
   * The file's bytes, opened with its data key, checked as they are read: each
   * chunk authenticates before it is released, and at the end both digests
   * must be the recorded ones. A mismatch is an EvidenceTampered error on the
   * stream (before the first byte when the first chunk is bad).
   */
  async open(
    file: { readonly sha256: string; readonly storedSha256: string },
    dataKey: Buffer,
  ): Promise<Readable> {
    const source = await this.read(EvidenceObjects.contentKey(file.storedSha256));
    const storedHash = createHash('sha256');
    const plainHash = createHash('sha256');
    const out = new PassThrough();
    const check = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        plainHash.update(chunk);
        callback(null, chunk);
      },
      flush(callback) {
        const stored = storedHash.digest('hex');
        const plain = plainHash.digest('hex');
        if (stored !== file.storedSha256)
          return callback(
            new EvidenceTampered(
              `the stored object's digest is ${stored}, recorded ${file.storedSha256}`,
            ),
          );
        if (plain !== file.sha256)
          return callback(
            new EvidenceTampered(`the file's digest is ${plain}, recorded ${file.sha256}`),
          );
        callback();
      },
    });
    // `out` stays outside the pipeline, so that it fails with the error as mapped here.
    check.pipe(out);
    // A reader that stops early (a client gone) releases the object's connection.
    out.once('close', () => {
      if (!source.readableEnded) source.destroy();
    });
    pipeline(source, hashing(storedHash), openStream(dataKey), check).catch((error: unknown) => {
      const tampered =
        error instanceof SealedStreamError ? new EvidenceTampered(error.message) : (error as Error);
      out.destroy(tampered);
    });
    return out;
  }

  /** The stored object's digest and size, read through without any key. */
  async digestOf(storedSha256: string): Promise<{ sha256: string; size: number } | undefined> {
    let source: Readable;
    try {
      source = await this.read(EvidenceObjects.contentKey(storedSha256));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of source as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
    }
    return { sha256: hash.digest('hex'), size };
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async read(key: string): Promise<Readable> {
    const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!answer.Body) throw new Error(`${key} has no body`);
    return answer.Body as Readable;
  }

  async remove(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  private locking: Promise<boolean> | undefined;

  /** Whether the bucket has Object Lock enabled (asked once). */
  objectLockEnabled(): Promise<boolean> {
    this.locking ??= this.client
      .send(new GetObjectLockConfigurationCommand({ Bucket: this.bucket }))
      .then((answer) => answer.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled')
      .catch(() => false);
    return this.locking;
  }

  /**
   * Locks an attached object against change and deletion until `until` (S3
   * Object Lock, compliance mode) where the bucket has Object Lock; answers
   * whether it did. Asked of the bucket first: some stores accept a retention
   * on an unlocked bucket and enforce nothing. Where there is no lock, the
   * verifier's digest check stands guard.
   */
  async retain(key: string, until: Date): Promise<boolean> {
    if (!(await this.objectLockEnabled())) return false;
    await this.client.send(
      new PutObjectRetentionCommand({
        Bucket: this.bucket,
        Key: key,
        Retention: { Mode: 'COMPLIANCE', RetainUntilDate: until },
      }),
    );
    return true;
  }

  close(): void {
    this.client.destroy();
  }
}

export function isNotFound(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NoSuchKey' ||
      error.name === 'NotFound' ||
      error.$metadata.httpStatusCode === 404)
  );
}
