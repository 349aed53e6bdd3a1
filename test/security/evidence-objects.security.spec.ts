import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { EnforcementEvidence, EvidenceFile } from '@gridline/contracts';
import { EvidenceFiles, EvidenceObjects } from '@gridline/evidence-store';
import {
  openPostgresStore,
  PostgresEvidenceAccessLog,
  PostgresEvidenceUploads,
  PostgresPersonalDataVault,
  type PostgresStoreHandle,
} from '@gridline/store-postgres';
import {
  createIsolatedStores,
  ensureTestEvidenceBucket,
  evidenceStoreInfra,
  jpegBytes,
  sha256Hex,
  TEST_EVIDENCE_BUCKET,
  type IsolatedStores,
} from '@gridline/testing';

const root = path.resolve(import.meta.dirname, '..', '..');

interface VerifyReport {
  intact: boolean;
  evidence: {
    checked: boolean;
    intact?: boolean;
    files?: number;
    objects?: number;
    missing?: { evidenceId: string; eventId: string; streamId: string }[];
    mismatched?: { evidenceId: string; eventId: string; detail: string }[];
    reason?: string;
  };
}

/**
 * `gridline verify` checks the evidence objects as well as the hash chains:
 * every file an event records is in the bucket and hashes to its recorded
 * digest. Files stored the way the street service stores them (EvidenceFiles),
 * recorded in events of a store of its own; then the objects are changed and
 * deleted behind its back, as someone with write access to the bucket could.
 */
describe('security: `gridline verify` finds evidence objects changed or deleted in the bucket', () => {
  let stores: IsolatedStores;
  let handle: PostgresStoreHandle;
  let objects: EvidenceObjects;
  let files: EvidenceFiles;
  const evidenceEnv = () => evidenceStoreInfra(TEST_EVIDENCE_BUCKET).env;
  const keys: string[] = [];

  const verify = (args: string[] = [], env: Record<string, string | undefined> = evidenceEnv()) => {
    const cli = spawnSync(process.execPath, ['scripts/gridline.mjs', 'verify', '--json', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: stores.databaseUrl, ...env },
      encoding: 'utf8',
      timeout: 120_000,
    });
    return {
      status: cli.status,
      stderr: cli.stderr,
      report: (cli.stdout ? JSON.parse(cli.stdout) : undefined) as VerifyReport | undefined,
    };
  };

  /** A photo uploaded and attached as the street service does it: the file as the event records it. */
  const storedPhoto = async (subjectId: string) => {
    const photo = jpegBytes(200_000);
    const received = await files.receive(Readable.from([photo]), {
      kind: 'photo',
      agency: 'street',
      uploadedBy: 'officer-sec',
    });
    const claim = await files.claim(
      [{ uploadId: received.uploadId, sha256: sha256Hex(photo), kind: 'photo' }],
      { agency: 'street', dataSubjectId: subjectId, claimant: `sec:${received.uploadId}` },
    );
    const file = claim.files.get(received.uploadId)!;
    await claim.commit(`sec-${received.uploadId}`);
    keys.push(EvidenceObjects.contentKey(file.storedSha256));
    return { sha256: sha256Hex(photo), file };
  };

  const evidence = (photo: { sha256: string; file: EvidenceFile }): EnforcementEvidence => ({
    evidenceId: randomUUID(),
    kind: 'photo',
    sha256: photo.sha256,
    description: 'goods on the pavement',
    capturedAt: new Date().toISOString(),
    place: { street: 'Xinjiekou', community: 'Zhaodengyu', grid: 'G-0312', description: 'gate' },
    recordedBy: { officerId: 'officer-sec', credentialId: 'cred-sec' },
    recordedAt: new Date().toISOString(),
    file: photo.file,
  });

  let streamId: string;
  let warned: { eventId: string; evidence: EnforcementEvidence };
  let recorded: { eventId: string; evidence: EnforcementEvidence };

  beforeAll(async () => {
    stores = await createIsolatedStores('gridline_verify_evidence');
    handle = await openPostgresStore(stores.databaseUrl, { poolSize: 2 });
    await ensureTestEvidenceBucket();
    objects = EvidenceObjects.connect(evidenceStoreInfra(TEST_EVIDENCE_BUCKET));
    files = new EvidenceFiles(
      objects,
      new PostgresEvidenceUploads(handle.pool),
      new PostgresEvidenceAccessLog(handle.pool),
      new PostgresPersonalDataVault(handle.pool, randomBytes(32)),
      { graceMs: 60 * 60 * 1000 },
    );

    const subjectId = randomUUID();
    const caseId = randomUUID();
    streamId = `street-enforcement-${subjectId}-street-vending`;
    warned = { eventId: randomUUID(), evidence: evidence(await storedPhoto(subjectId)) };
    recorded = { eventId: randomUUID(), evidence: evidence(await storedPhoto(subjectId)) };
    const metadata = {
      caseId,
      correlationId: caseId,
      causationId: randomUUID(),
      actor: { id: 'officer-sec', agency: 'street', kind: 'user' },
    } as const;
    const common = { stepId: randomUUID(), subjectId, category: 'street-vending', caseId };
    await handle.store.appendToStream(streamId, [
      {
        id: warned.eventId,
        type: 'street.enforcement.warning-issued.v1',
        data: {
          ...common,
          place: warned.evidence.place,
          explanation: 'goods on the pavement after the reminder',
          evidence: [warned.evidence],
          issuedBy: warned.evidence.recordedBy,
          issuedAt: new Date().toISOString(),
        },
        metadata,
        occurredAt: new Date().toISOString(),
      },
      {
        id: recorded.eventId,
        type: 'street.enforcement.evidence-recorded.v1',
        data: { ...common, evidence: recorded.evidence },
        metadata,
        occurredAt: new Date().toISOString(),
      },
    ]);
  });

  afterAll(async () => {
    for (const key of keys) await objects?.remove(key).catch(() => undefined);
    objects?.close();
    await handle?.close();
    await stores?.drop();
  });

  it('intact: every recorded file has its object with the recorded digest (exit 0)', () => {
    const whole = verify();
    expect(whole.stderr).toContain('the event store: intact, 2 events in 1 streams');
    expect(whole.stderr).toContain(
      `the event store: evidence objects intact, 2 evidence files, 2 objects`,
    );
    expect(whole.status).toBe(0);
    expect(whole.report).toMatchObject({
      intact: true,
      evidence: { checked: true, intact: true, files: 2, objects: 2, missing: [], mismatched: [] },
    });
    const stream = verify(['--stream', streamId]);
    expect(stream.status).toBe(0);
    expect(stream.stderr).toContain(`stream ${streamId}: evidence objects intact`);
  });

  it('without the evidence store settings it says the objects were not checked (not an error)', () => {
    const unset = verify([], {
      EVIDENCE_S3_ENDPOINT: undefined,
      EVIDENCE_S3_ACCESS_KEY_ID: undefined,
      EVIDENCE_S3_SECRET_KEY_FILE: undefined,
    });
    expect(unset.status).toBe(0);
    expect(unset.stderr).toContain(
      'the event store: evidence objects NOT CHECKED (EVIDENCE_S3_ENDPOINT, EVIDENCE_S3_ACCESS_KEY_ID, EVIDENCE_S3_SECRET_KEY_FILE not set)',
    );
    expect(unset.report?.evidence).toMatchObject({ checked: false });
  });

  it('an object overwritten with other bytes: exit 3, naming the evidence and its event', async () => {
    const key = EvidenceObjects.contentKey(warned.evidence.file!.storedSha256);
    const changed = randomBytes(warned.evidence.file!.storedSize);
    await objects.client.send(
      new PutObjectCommand({ Bucket: objects.bucket, Key: key, Body: changed }),
    );
    const after = verify();
    expect(after.status).toBe(3);
    // The chains are intact: the events were not touched, the bucket was.
    expect(after.report).toMatchObject({ intact: true, evidence: { intact: false, missing: [] } });
    expect(after.report?.evidence.mismatched).toEqual([
      expect.objectContaining({
        evidenceId: warned.evidence.evidenceId,
        eventId: warned.eventId,
        detail: expect.stringContaining(sha256Hex(changed)) as unknown,
      }),
    ]);
    expect(after.stderr).toContain(
      'the event store: evidence objects BROKEN, 0 missing, 1 mismatched',
    );
    expect(after.stderr).toContain(
      `mismatched: evidence ${warned.evidence.evidenceId} (event ${warned.eventId}, street.enforcement.warning-issued.v1, stream ${streamId})`,
    );
  });

  it('an object deleted: reported missing as well (exit 3)', async () => {
    const key = EvidenceObjects.contentKey(recorded.evidence.file!.storedSha256);
    await objects.client.send(new DeleteObjectCommand({ Bucket: objects.bucket, Key: key }));
    const after = verify(['--stream', streamId]);
    expect(after.status).toBe(3);
    expect(after.report?.evidence).toMatchObject({
      intact: false,
      missing: [{ evidenceId: recorded.evidence.evidenceId, eventId: recorded.eventId, streamId }],
      mismatched: [{ evidenceId: warned.evidence.evidenceId }],
    });
    expect(after.stderr).toContain(
      `stream ${streamId}: evidence objects BROKEN, 1 missing, 1 mismatched`,
    );
    expect(after.stderr).toContain(
      `missing: evidence ${recorded.evidence.evidenceId} (event ${recorded.eventId}, street.enforcement.evidence-recorded.v1`,
    );
  });
});
