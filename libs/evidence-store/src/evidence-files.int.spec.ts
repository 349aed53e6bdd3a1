import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { EvidenceFile } from '@gridline/contracts';
import { DomainError } from '@gridline/eventsourcing';
import {
  openPostgresStore,
  PostgresEvidenceAccessLog,
  PostgresEvidenceUploads,
  PostgresPersonalDataVault,
} from '@gridline/store-postgres';
import {
  evidenceStoreInfra,
  jpegBytes,
  sha256Hex,
  TEST_EVIDENCE_BUCKET,
  testInfra,
} from '@gridline/testing';
import { EvidenceFiles, EvidenceUnavailable } from './evidence-files.js';
import { EvidenceFileRefusal, EvidenceObjects, EvidenceTampered } from './evidence-objects.js';
import { newDataKey } from './sealed-stream.js';

type Store = Awaited<ReturnType<typeof openPostgresStore>>;

const MiB = 1024 * 1024;

/** `size` bytes of an MP4 (an ftyp box, then noise) made as they are read, never held whole. */
function generatedVideo(size: number): { stream: Readable; digest: () => string } {
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= size) {
        this.push(null);
        return;
      }
      const n = Math.min(1 * MiB, size - sent);
      const chunk = randomBytes(n);
      if (sent === 0) Buffer.from([0, 0, 0, 0x20, ...Buffer.from('ftypisom')]).copy(chunk);
      sent += n;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, digest: () => hash.digest('hex') };
}

/**
 * Evidence files against the real servers: SeaweedFS's S3 API (the local
 * stack's) and PostgreSQL (uploads, access log, personal-data vault).
 */
describe('evidence files in the S3 store', () => {
  let store: Store;
  let objects: EvidenceObjects;
  let vault: PostgresPersonalDataVault;
  let files: EvidenceFiles;
  let accessLog: PostgresEvidenceAccessLog;
  const uploader = { agency: 'street', uploadedBy: 'officer-int' };

  beforeAll(async () => {
    store = await openPostgresStore(testInfra().databaseUrl, { poolSize: 4 });
    objects = EvidenceObjects.connect(evidenceStoreInfra(TEST_EVIDENCE_BUCKET));
    await objects.ensureBucket();
    vault = new PostgresPersonalDataVault(store.pool, randomBytes(32));
    accessLog = new PostgresEvidenceAccessLog(store.pool);
    files = new EvidenceFiles(objects, new PostgresEvidenceUploads(store.pool), accessLog, vault, {
      graceMs: 60 * 60 * 1000,
    });
  });

  afterAll(async () => {
    objects?.close();
    await store?.close();
  });

  const attach = async (uploadId: string, digest: string, dataSubjectId: string) => {
    const claim = await files.claim([{ uploadId, sha256: digest, kind: 'photo' }], {
      agency: 'street',
      dataSubjectId,
      claimant: `int:${uploadId}`,
    });
    await claim.commit(`int-stream@0`);
    return claim.files.get(uploadId)!;
  };
  const read = async (file: EvidenceFile, digest: string, evidenceId = crypto.randomUUID()) => {
    const opened = await files.open(
      { caseId: crypto.randomUUID(), evidenceId, sha256: digest, file },
      { principalId: 'reviewer-int', agency: 'street', roles: ['legal-reviewer'] },
    );
    const bytes = await buffer(opened.body);
    await opened.finish('served', bytes.length);
    return bytes;
  };

  it('stores a photo sealed under its stored digest, which anyone can check without a key', async () => {
    const photo = jpegBytes(300_000);
    const received = await files.receive(Readable.from([photo]), { kind: 'photo', ...uploader });
    expect(received).toMatchObject({
      sha256: sha256Hex(photo),
      size: photo.length,
      contentType: 'image/jpeg',
    });
    const key = EvidenceObjects.contentKey(received.storedSha256);
    const raw = await buffer(await objects.read(key));
    // Sealed: not the photo's bytes, and its digest is the address.
    expect(raw.includes(photo.subarray(100, 200))).toBe(false);
    expect(sha256Hex(raw)).toBe(received.storedSha256);
    expect(await objects.digestOf(received.storedSha256)).toEqual({
      sha256: received.storedSha256,
      size: raw.length,
    });
    expect(await objects.exists(EvidenceObjects.stagingKey(received.uploadId))).toBe(false);
  });

  it('refuses to attach when the submitted SHA-256 is not the stored bytes’, then attaches with the right one', async () => {
    const photo = jpegBytes(50_000);
    const { uploadId } = await files.receive(Readable.from([photo]), {
      kind: 'photo',
      ...uploader,
    });
    const subject = crypto.randomUUID();
    const wrong = sha256Hex(Buffer.from('another file'));
    const refusal = await attach(uploadId, wrong, subject).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({
      code: 'evidence-digest-mismatch',
      details: { uploadId, submitted: wrong, stored: sha256Hex(photo) },
    });
    // Nothing was taken: the right digest attaches it, and only once.
    const file = await attach(uploadId, sha256Hex(photo), subject);
    expect(file).toMatchObject({ size: photo.length, contentType: 'image/jpeg' });
    await expect(attach(uploadId, sha256Hex(photo), subject)).rejects.toMatchObject({
      code: 'evidence-upload-attached',
    });
    await expect(attach(crypto.randomUUID(), sha256Hex(photo), subject)).rejects.toMatchObject({
      code: 'evidence-upload-unknown',
    });
  });

  it('refuses a file that is not what its kind may be, or larger than the kind allows, and keeps nothing', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(1000)]);
    const asPhoto = await files
      .receive(Readable.from([pdf]), { kind: 'photo', ...uploader })
      .catch((e: unknown) => e);
    expect(asPhoto).toBeInstanceOf(EvidenceFileRefusal);
    expect(asPhoto).toMatchObject({ status: 415, code: 'evidence-file-type' });
    const lying = await files
      .receive(Readable.from([jpegBytes(2000)]), {
        kind: 'photo',
        declaredType: 'image/png',
        ...uploader,
      })
      .catch((e: unknown) => e);
    expect(lying).toBeInstanceOf(EvidenceFileRefusal);
    expect((lying as EvidenceFileRefusal).message).toContain('image/png');
    // A JPEG of 26 MiB: the right type, too large a photo.
    const big = Readable.from(
      (function* () {
        yield jpegBytes(MiB);
        for (let i = 0; i < 25; i++) yield randomBytes(MiB);
      })(),
    );
    const tooLarge = await files
      .receive(big, { kind: 'photo', ...uploader })
      .catch((e: unknown) => e);
    expect(tooLarge).toMatchObject({ status: 413, code: 'evidence-file-too-large' });
    const pending = await store.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM gridline_evidence_uploads
        WHERE uploaded_by = $1 AND status = 'receiving'`,
      [uploader.uploadedBy],
    );
    expect(pending.rows[0]?.n).toBe(0);
  });

  it('reads a file back through its data key, recording the access', async () => {
    const photo = jpegBytes(200_000);
    const { uploadId } = await files.receive(Readable.from([photo]), {
      kind: 'photo',
      ...uploader,
    });
    const file = await attach(uploadId, sha256Hex(photo), crypto.randomUUID());
    const evidenceId = crypto.randomUUID();
    expect((await read(file, sha256Hex(photo), evidenceId)).equals(photo)).toBe(true);
    const { rows } = await store.pool.query<Record<string, string>>(
      `SELECT principal_id, outcome, bytes FROM gridline_evidence_access WHERE evidence_id = $1`,
      [evidenceId],
    );
    expect(rows).toEqual([
      { principal_id: 'reviewer-int', outcome: 'served', bytes: String(photo.length) },
    ]);
  });

  it('notices a stored object that was changed', async () => {
    const photo = jpegBytes(150_000);
    const { uploadId } = await files.receive(Readable.from([photo]), {
      kind: 'photo',
      ...uploader,
    });
    const file = await attach(uploadId, sha256Hex(photo), crypto.randomUUID());
    const key = EvidenceObjects.contentKey(file.storedSha256);
    const raw = await buffer(await objects.read(key));
    raw[raw.length - 40] = (raw[raw.length - 40] ?? 0) ^ 0xff;
    // Someone with write access to the bucket changes one byte near the end.
    const put = await objects.client
      .send(new PutObjectCommand({ Bucket: objects.bucket, Key: key, Body: raw }))
      .then(() => 'overwritten')
      .catch((e: Error) => `refused: ${e.name}`);
    if (put !== 'overwritten') {
      // Object lock refused the change: then the object is intact, which is the point.
      expect((await read(file, sha256Hex(photo))).equals(photo)).toBe(true);
      return;
    }
    await expect(read(file, sha256Hex(photo))).rejects.toBeInstanceOf(EvidenceTampered);
    expect((await objects.digestOf(file.storedSha256))?.sha256).not.toBe(file.storedSha256);
  });

  it('locks an attached object where the bucket has Object Lock, and says so where it has none', async () => {
    const locked = EvidenceObjects.connect(evidenceStoreInfra('gridline-test-evidence-locked'));
    try {
      await locked.ensureBucket({ objectLock: true });
      const stored = await locked.store(crypto.randomUUID(), Readable.from([jpegBytes(5000)]), {
        kind: 'photo',
        dataKey: newDataKey(),
      });
      // Two minutes: long enough to try, short enough not to pile up locked test objects.
      expect(await locked.retain(stored.key, new Date(Date.now() + 2 * 60 * 1000))).toBe(true);
      const head = await locked.client.send(
        new HeadObjectCommand({ Bucket: locked.bucket, Key: stored.key }),
      );
      await expect(
        locked.client.send(
          new DeleteObjectCommand({
            Bucket: locked.bucket,
            Key: stored.key,
            VersionId: head.VersionId,
          }),
        ),
      ).rejects.toThrow();
      expect(await locked.exists(stored.key)).toBe(true);
      // The tests' own bucket has no lock: retain answers false rather than pretending.
      expect(await objects.retain(stored.key, new Date())).toBe(false);
    } finally {
      locked.close();
    }
  });

  it("makes a subject's files unreadable when the subject is erased", async () => {
    const photo = jpegBytes(80_000);
    const subject = crypto.randomUUID();
    const { uploadId } = await files.receive(Readable.from([photo]), {
      kind: 'photo',
      ...uploader,
    });
    const file = await attach(uploadId, sha256Hex(photo), subject);
    expect((await read(file, sha256Hex(photo))).equals(photo)).toBe(true);
    await vault.erase(subject);
    const error = await read(file, sha256Hex(photo)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvidenceUnavailable);
    expect(error).toMatchObject({ reason: 'erased' });
    // The object stays, checkable by its digest: the record is intact, only unreadable.
    expect((await objects.digestOf(file.storedSha256))?.sha256).toBe(file.storedSha256);
  });

  it('removes an upload nobody attached within the grace period', async () => {
    const impatient = new EvidenceFiles(
      objects,
      new PostgresEvidenceUploads(store.pool),
      accessLog,
      vault,
      { graceMs: 1 },
    );
    const received = await impatient.receive(Readable.from([jpegBytes(10_000)]), {
      kind: 'photo',
      ...uploader,
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(await impatient.expire()).toBeGreaterThanOrEqual(1);
    expect(await objects.exists(EvidenceObjects.contentKey(received.storedSha256))).toBe(false);
    await expect(
      impatient.claim([{ uploadId: received.uploadId, sha256: received.sha256 }], {
        agency: 'street',
        dataSubjectId: crypto.randomUUID(),
        claimant: 'late',
      }),
    ).rejects.toMatchObject({ code: 'evidence-upload-expired' });
  });

  it('uploads a 200 MB video in parts within bounded memory, and reads it back checked', async () => {
    const size = 200 * MiB;
    const video = generatedVideo(size);
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 25);
    const started = Date.now();
    let received;
    try {
      received = await files.receive(video.stream, { kind: 'video', ...uploader });
    } finally {
      clearInterval(sampler);
    }
    const seconds = (Date.now() - started) / 1000;
    const growthMiB = (peak - before) / MiB;
    console.log(
      `200 MiB video: stored in ${seconds.toFixed(1)} s; peak RSS ${(peak / MiB).toFixed(0)} MiB, ` +
        `${growthMiB.toFixed(0)} MiB above the ${(before / MiB).toFixed(0)} MiB before`,
    );
    expect(received).toMatchObject({ size, sha256: video.digest(), contentType: 'video/mp4' });
    // Two 8 MiB parts in flight and the SDK's buffers: far below the file's 200 MiB.
    expect(growthMiB).toBeLessThan(120);
    const file = await (async () => {
      const claim = await files.claim(
        [{ uploadId: received.uploadId, sha256: received.sha256, kind: 'video' }],
        { agency: 'street', dataSubjectId: crypto.randomUUID(), claimant: 'int:video' },
      );
      await claim.release();
      return {
        storedSha256: received.storedSha256,
        size,
        storedSize: 0,
        contentType: 'video/mp4',
        dataKey: claim.files.get(received.uploadId)!.dataKey,
      };
    })();
    const opened = await files.open(
      {
        caseId: crypto.randomUUID(),
        evidenceId: crypto.randomUUID(),
        sha256: received.sha256,
        file,
      },
      { principalId: 'reviewer-int', roles: ['legal-reviewer'] },
    );
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of opened.body as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    expect({ bytes, digest: hash.digest('hex') }).toEqual({ bytes: size, digest: received.sha256 });
    await files.discard(received.uploadId);
    expect(await objects.exists(EvidenceObjects.contentKey(received.storedSha256))).toBe(false);
  }, 300_000);
});
