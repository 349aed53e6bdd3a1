import { createHash, randomBytes } from 'node:crypto';
import { openPostgresStore } from '@gridline/store-postgres';
import {
  createTestIdentity,
  eventually,
  signedInClients,
  startApps,
  stopApps,
  testInfra,
  vendorStory,
  type AppName,
  type RunningApp,
  type VendorStory,
  jpegBytes,
  sha256Hex,
} from '@gridline/testing';

type Store = Awaited<ReturnType<typeof openPostgresStore>>;

interface Upload {
  readonly uploadId: string;
  readonly sha256: string;
  readonly size: number;
  readonly contentType: string;
}

/**
 * Evidence files over HTTP, through the five apps and the real servers (the S3
 * store included): a grid worker's report with a photo, an officer's warning
 * with one, both on the case's timeline; download by those entitled, each
 * access recorded; the refusals (a digest that is not the file's, a file that
 * is not a photo, an analyst, an erased subject) record nothing.
 */
describe('evidence files over HTTP', () => {
  const identity = createTestIdentity();
  let apps: Map<AppName, RunningApp> | undefined;
  let store: Store | undefined;
  let story: VendorStory;
  let caseId = '';
  let subjectId = '';
  let warningPhoto: Buffer = Buffer.alloc(0);
  let warningEvidenceId = '';
  const as = () => signedInClients(identity, apps);
  const place = {
    street: 'Xinjiekou',
    community: 'Zhaodengyu',
    grid: 'G-0312',
    description: 'school gate',
  };

  beforeAll(async () => {
    apps = await startApps(identity, { basePort: 16700 });
    store = await openPostgresStore(testInfra().databaseUrl, { poolSize: 2 });
    story = await vendorStory(identity, apps);
  }, 180_000);

  afterAll(async () => {
    await store?.close();
    await stopApps(apps);
  });

  const upload = async (who: string, roles: readonly string[], bytes: Buffer, kind = 'photo') => {
    const street = await as()('street-service', who, 'street', roles as never);
    return street.postBytes(`/api/evidence/files?kind=${kind}`, bytes, {
      'content-type': 'image/jpeg',
      'idempotency-key': randomBytes(8).toString('hex'),
    });
  };

  it('a grid worker reports an issue with a photo; the timeline shows it as a stored file', async () => {
    const photo = jpegBytes(120_000);
    const uploaded = await upload('worker-17', ['grid-worker'], photo);
    expect(uploaded.status).toBe(201);
    const file = uploaded.json as unknown as Upload;
    expect(file).toMatchObject({
      sha256: sha256Hex(photo),
      size: photo.length,
      contentType: 'image/jpeg',
    });
    const worker = await as()('street-service', 'worker-17', 'street', ['grid-worker']);
    const report = await worker.post<{ caseId: string }>('/api/issues', {
      category: 'street-vending',
      severity: 'medium',
      location: place,
      description: 'Vending at the school gate, photographed',
      photos: [{ uploadId: file.uploadId, sha256: file.sha256 }],
    });
    expect(report.status).toBe(201);
    caseId = report.body.caseId;
    const gateway = await as()('gateway', 'coord-1', 'swc', ['coordinator']);
    const timeline = await eventually(
      async () => {
        const answer = await gateway.get<{
          entries: {
            type: string;
            evidence?: { kind: string; sha256: string; file?: unknown }[];
          }[];
        }>(`/api/cases/${caseId}/timeline`);
        return answer.body?.entries?.find((e) => e.type === 'street.issue.reported.v1');
      },
      60_000,
      'the report on the timeline',
    );
    expect(timeline.evidence).toEqual([
      expect.objectContaining({
        kind: 'photo',
        sha256: sha256Hex(photo),
        file: { contentType: 'image/jpeg', size: photo.length },
      }),
    ]);
    // The same upload cannot be attached twice.
    const again = await worker.post<{ error: string }>('/api/issues', {
      category: 'street-vending',
      severity: 'medium',
      location: place,
      description: 'The same photo again',
      photos: [{ uploadId: file.uploadId, sha256: file.sha256 }],
    });
    expect(again.status).toBe(422);
    expect(again.body.error).toBe('evidence-upload-attached');
  });

  it('an officer warns with a photo; a digest that is not the file’s is refused and nothing recorded', async () => {
    const officer = story.clients.officer;
    const subject = await officer.post<{ subjectId: string }>('/api/subjects', {
      caseId,
      kind: 'person',
      name: 'Wang Wu',
      identifier: `1101051990${randomBytes(4).toString('hex')}`,
    });
    expect(subject.status).toBe(201);
    subjectId = subject.body.subjectId;
    const step = { subjectId, category: story.category, caseId, place };
    expect(
      (
        await story.clients.worker.post('/api/enforcement/reminders', {
          ...step,
          explanation: 'The market has free pitches',
        })
      ).status,
    ).toBe(201);
    warningPhoto = jpegBytes(400_000);
    const uploaded = (await upload('officer-5', ['officer'], warningPhoto))
      .json as unknown as Upload;
    const evidence = (digest: string) => ({
      kind: 'photo',
      sha256: digest,
      description: 'stall at the gate',
      capturedAt: '2026-03-09T07:40:00.000Z',
      place,
      uploadId: uploaded.uploadId,
    });
    const streamId = `street-enforcement-${subjectId}-${story.category}`;
    const before = (await store!.store.readStream(streamId)).length;
    const wrong = await officer.post<{ error: string; details: Record<string, string> }>(
      '/api/enforcement/warnings',
      { ...step, explanation: 'Second time', evidence: [evidence('ab'.repeat(32))] },
    );
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({
      error: 'evidence-digest-mismatch',
      details: { stored: sha256Hex(warningPhoto) },
    });
    expect((await store!.store.readStream(streamId)).length).toBe(before);
    const warned = await officer.post('/api/enforcement/warnings', {
      ...step,
      explanation: 'Second time',
      evidence: [evidence(sha256Hex(warningPhoto))],
    });
    expect(warned.status).toBe(201);
    const events = await store!.store.readStream(streamId);
    const warning = events.find((e) => e.type === 'street.enforcement.warning-issued.v1');
    const recorded = (warning?.data as { evidence: { evidenceId: string; file: object }[] })
      .evidence[0]!;
    expect(recorded.file).toMatchObject({ size: warningPhoto.length, contentType: 'image/jpeg' });
    warningEvidenceId = recorded.evidenceId;
  });

  it('refuses a file whose bytes are not a photo (415), over the gateway too', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(500)]);
    const refused = await upload('officer-5', ['officer'], pdf);
    expect(refused.status).toBe(415);
    expect(refused.json).toMatchObject({ error: 'evidence-file-type' });
    const gateway = await as()('gateway', 'officer-5', 'street', ['officer']);
    const viaGateway = await gateway.postBytes(
      '/api/agencies/street/evidence/files?kind=photo',
      pdf,
      {
        'content-type': 'application/pdf',
      },
    );
    expect(viaGateway.status).toBe(415);
  });

  it('a legal reviewer downloads the file through the gateway, checked; the access is on the case', async () => {
    const reviewer = await as()('gateway', 'reviewer-2', 'street', ['legal-reviewer']);
    const path = `/api/agencies/street/cases/${caseId}/evidence/${warningEvidenceId}/file`;
    const download = await reviewer.getBytes(path);
    expect(download.status).toBe(200);
    expect(download.bytes.equals(warningPhoto)).toBe(true);
    expect(download.headers.get('content-type')).toBe('image/jpeg');
    expect(download.headers.get('repr-digest')).toBe(
      `sha-256=:${createHash('sha256').update(warningPhoto).digest('base64')}:`,
    );
    const coordinator = await as()('street-service', 'coord-1', 'swc', ['coordinator']);
    const log = await eventually(
      async () => {
        const answer = await coordinator.get<{
          accesses: { principalId: string; evidenceId: string; outcome: string; bytes: number }[];
        }>(`/api/cases/${caseId}/evidence-access`);
        return answer.body.accesses.find((a) => a.outcome === 'served');
      },
      10_000,
      'the access recorded',
    );
    expect(log).toMatchObject({
      principalId: 'reviewer-2',
      evidenceId: warningEvidenceId,
      bytes: warningPhoto.length,
    });
  });

  it('never to an analyst or a grid worker', async () => {
    const path = `/api/cases/${caseId}/evidence/${warningEvidenceId}/file`;
    for (const [who, roles] of [
      ['analyst-1', ['analyst']],
      ['worker-17', ['grid-worker']],
    ] as const) {
      const street = await as()('street-service', who, 'street', [...roles]);
      expect((await street.getBytes(path)).status).toBe(403);
    }
    const drcOfficer = await as()('street-service', 'drc-officer', 'drc', ['officer']);
    expect((await drcOfficer.getBytes(path)).status).toBe(403);
  });

  it('erasing the subject makes the file unreadable (410), the digests still on record', async () => {
    const admin = story.clients.streetAdmin;
    const erased = await admin.post(`/api/subjects/${subjectId}/erasure`, {
      reason: 'Data subject request under PIPL art. 47',
    });
    expect(erased.status).toBe(201);
    const reviewer = await as()('street-service', 'reviewer-2', 'street', ['legal-reviewer']);
    const gone = await reviewer.getBytes(`/api/cases/${caseId}/evidence/${warningEvidenceId}/file`);
    expect(gone.status).toBe(410);
    expect(gone.json).toMatchObject({ error: 'evidence-erased' });
  });
});
