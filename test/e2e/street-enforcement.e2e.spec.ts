import { randomBytes } from 'node:crypto';
import {
  client,
  createTestIdentity,
  eventually,
  freshCredentialNumber,
  grantCredential,
  startApps,
  stopApps,
  type AppName,
  type RunningApp,
} from '@gridline/testing';

/**
 * The 721 path over HTTP, across the five processes: a grid worker reminds, an
 * officer with a credential of the registry warns with evidence, a major penalty within the
 * discretion range is issued after legal review and published with the
 * subject masked; the consolidated timeline never shows the subject's name.
 */
/** The parts of an export line these tests read. */
interface ExportLine {
  type: string;
  erasedkeys?: string;
  data: Record<string, { keyId?: string; contact?: { keyId?: string } } | undefined>;
}

describe('street enforcement: reminder → warning → penalty with legal review → publicity', () => {
  let apps: Map<AppName, RunningApp> | undefined;
  let street: (token: string) => ReturnType<typeof client>;
  let worker: ReturnType<typeof client>;
  let officer: ReturnType<typeof client>;
  let uncredentialed: ReturnType<typeof client>;
  let reviewer: ReturnType<typeof client>;
  let admin: ReturnType<typeof client>;
  let coordinator: ReturnType<typeof client>;
  let token: (sub: string, roles: ('officer' | 'admin')[]) => Promise<string>;

  // A category of this run's own: standards are versioned per category in a shared database.
  const category = `e2e-vending-${randomBytes(4).toString('hex')}`;
  const place = {
    street: 'Xinjiekou',
    community: 'Zhaodengyu',
    grid: 'G-0312',
    description: 'school gate, north side',
  };
  const photo = {
    kind: 'photo',
    sha256: 'a3'.repeat(32),
    description: 'stall blocking the gate',
    capturedAt: '2026-03-09T07:40:00.000Z',
    place,
  };

  beforeAll(async () => {
    const identity = createTestIdentity();
    apps = await startApps(identity, { basePort: 13100 });
    const url = (name: AppName) => apps?.get(name)?.url ?? '';
    street = (token) => client(url('street-service'), token);
    worker = street(
      await identity.token({ sub: 'worker-17', agency: 'street', roles: ['grid-worker'] }),
    );
    officer = street(
      await identity.token({ sub: 'officer-5', agency: 'street', roles: ['officer'] }),
    );
    uncredentialed = street(
      await identity.token({ sub: 'temp-9', agency: 'street', roles: ['officer'] }),
    );
    reviewer = street(
      await identity.token({ sub: 'reviewer-2', agency: 'street', roles: ['legal-reviewer'] }),
    );
    admin = street(await identity.token({ sub: 'admin-1', agency: 'street', roles: ['admin'] }));
    await grantCredential(admin, 'officer-5');
    token = (sub, roles) => identity.token({ sub, agency: 'street', roles });
    coordinator = client(
      url('gateway'),
      await identity.token({ sub: 'coord-1', agency: 'swc', roles: ['coordinator'] }),
    );
  });

  afterAll(async () => {
    await stopApps(apps);
  });

  it('walks the progression and publishes the decision masked', async () => {
    const report = await worker.post<{ caseId: string }>('/api/issues', {
      category: 'street-vending',
      severity: 'medium',
      location: place,
      description: 'Unlicensed vending near the school gate',
    });
    expect(report.status).toBe(201);
    const { caseId } = report.body;

    const standard = await admin.post(`/api/discretion-standards/${category}`, {
      ranges: [
        { circumstance: 'first-offence', minYuan: 50, maxYuan: 200 },
        { circumstance: 'aggravated', minYuan: 1000, maxYuan: 20000 },
      ],
      legalBasis: 'City appearance regulations, art. 17',
    });
    expect(standard.status).toBe(201);

    const subject = await officer.post<{ subjectId: string }>('/api/subjects', {
      caseId,
      kind: 'person',
      name: 'Wang Wei',
      identifier: '110105199001011234',
      contact: '+86 138 0013 8000',
    });
    expect(subject.status).toBe(201);
    const { subjectId } = subject.body;
    const step = { subjectId, category, caseId, place, explanation: 'Vending blocks the gate' };

    // Service: auxiliary staff remind.
    expect((await worker.post('/api/enforcement/reminders', step)).status).toBe(201);

    // Management: only a credentialed officer warns.
    const warning = { ...step, explanation: 'Second time: a fine follows', evidence: [photo] };
    expect((await worker.post('/api/enforcement/warnings', warning)).status).toBe(403);
    const noCredential = await uncredentialed.post('/api/enforcement/warnings', warning);
    expect(noCredential.status).toBe(422);
    expect(noCredential.body).toMatchObject({ error: 'enforcement-credential-required' });
    expect((await officer.post('/api/enforcement/warnings', warning)).status).toBe(201);

    const progression = await officer.get<{ steps: { kind: string }[] }>(
      `/api/enforcement/${subjectId}/${category}`,
    );
    expect(progression.body.steps.map((s) => s.kind)).toEqual(['reminder', 'warning']);

    // Enforcement: outside the discretion range is refused with the range and the version.
    const penalty = {
      subjectId,
      category,
      caseId,
      facts: 'Third unlicensed vending, blocking the school exit',
      legalBasis: 'City appearance regulations, art. 17',
      evidence: [photo],
    };
    const outOfRange = await officer.post('/api/enforcement/penalties', {
      ...penalty,
      penalty: { circumstance: 'first-offence', amountYuan: 500 },
    });
    expect(outOfRange.status).toBe(422);
    expect(outOfRange.body).toMatchObject({
      error: 'penalty-out-of-range',
      details: { standardVersion: 1, range: { minYuan: 50, maxYuan: 200 } },
    });

    const proposed = await officer.post<{ decisionId: string; major: boolean }>(
      '/api/enforcement/penalties',
      { ...penalty, penalty: { circumstance: 'aggravated', amountYuan: 15000 } },
    );
    expect(proposed.status).toBe(201);
    expect(proposed.body.major).toBe(true);
    const decision = `/api/decisions/${proposed.body.decisionId}`;

    // Major: no issue without legal review by someone other than the drafter.
    const early = await officer.post(`${decision}/issue`);
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ error: 'legal-review-required' });
    expect((await officer.post(`${decision}/review-requests`)).status).toBe(201);
    expect((await officer.post(`${decision}/approve`, {})).status).toBe(403);
    expect((await reviewer.post(`${decision}/approve`, { note: 'facts proven' })).status).toBe(201);
    expect((await officer.post(`${decision}/issue`)).status).toBe(201);
    expect((await officer.post(`${decision}/publish`)).status).toBe(201);

    const view = await officer.get(decision);
    expect(view.body).toMatchObject({
      status: 'issued',
      publicity: 'published',
      checkedAgainst: { version: 1 },
      penalty: { amountYuan: 15000 },
    });

    interface Entry {
      type: string;
      summary: string;
    }
    const timeline = await eventually(
      async () => {
        const res = await coordinator.get<{ entries: Entry[] }>(`/api/cases/${caseId}/timeline`);
        const entries = res.status === 200 ? res.body.entries : [];
        return entries.some((e) => e.type === 'street.decision.published.v1') ? entries : undefined;
      },
      60_000,
      'the published decision on the case timeline',
    );
    const published = timeline.find((e) => e.type === 'street.decision.published.v1');
    expect(published?.summary).toContain('Individual W**');
    expect(JSON.stringify(timeline)).not.toMatch(/Wang|110105199001011234|138 0013/);

    // Erasure on request (crypto-shredding): admins only, recorded once, and the
    // publicity feed shows the subject as erased.
    const erasure = `/api/subjects/${subjectId}/erasure`;
    const reason = { reason: 'the subject asked to be forgotten; no proceedings pending' };
    expect((await officer.post(erasure, reason)).status).toBe(403);
    expect((await admin.post(erasure, {})).status).toBe(400);
    const erased = await admin.post<{ erased: boolean; eventIds: string[] }>(erasure, reason);
    expect(erased.status).toBe(201);
    expect(erased.body.eventIds).toHaveLength(1);
    const again = await admin.post<{ eventIds: string[] }>(erasure, reason);
    expect(again.body.eventIds).toEqual([]);
    const feed = await eventually(
      async () => {
        const r = await coordinator.get<{ items: { decisionId?: string; subjectLabel: string }[] }>(
          '/api/publicity?limit=100',
        );
        const mine = r.body.items.find((i) => JSON.stringify(i).includes(proposed.body.decisionId));
        return mine?.subjectLabel === '(erased data subject)' ? mine : undefined;
      },
      60_000,
      'the publicity entry showing the subject erased',
    );
    expect(JSON.stringify(feed)).not.toMatch(/W\*\*/);

    // An export of the case marks the subject's sealed values erased, and still verifies.
    const exported = await coordinator.getText(`/api/exports?caseId=${caseId}`);
    expect(exported.status).toBe(200);
    const lines = exported.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ExportLine);
    const registered = lines.find((l) => l.type === 'street.subject.registered.v1');
    expect(registered?.erasedkeys).toBe(registered?.data['name']?.keyId);
    expect(lines.filter((l) => l.erasedkeys).map((l) => l.type)).toEqual([
      'street.subject.registered.v1',
    ]);
    const verified = await coordinator.postText(
      '/api/integrity/exports',
      exported.text,
      'application/x-ndjson',
    );
    expect(JSON.parse(verified.text)).toMatchObject({ intact: true, lines: lines.length });
  });

  it("erases a resident complaint's reporter on request, once, and marks the export", async () => {
    const complaint = await worker.post<{ caseId: string; issueId: string }>('/api/issues', {
      category: 'noise',
      severity: 'low',
      location: place,
      description: 'Loudspeaker at the market every morning',
      source: 'resident-complaint',
      reporterContact: '+86 139 0000 1111',
    });
    expect(complaint.status).toBe(201);
    const { caseId, issueId } = complaint.body;
    const erasure = `/api/issues/${issueId}/reporter-erasure`;
    const reason = { reason: 'the resident asked for their contact to be deleted' };
    expect((await officer.post(erasure, reason)).status).toBe(403);
    const erased = await admin.post<{ erased: boolean; eventIds: string[] }>(erasure, reason);
    expect(erased.status).toBe(201);
    expect(erased.body.eventIds).toHaveLength(1);
    expect((await admin.post<{ eventIds: string[] }>(erasure, reason)).body.eventIds).toEqual([]);

    // A report without a contact holds nothing to erase: 422, nothing recorded.
    const plain = await worker.post<{ issueId: string }>('/api/issues', {
      category: 'noise',
      severity: 'low',
      location: place,
      description: 'Loudspeaker again',
    });
    const refused = await admin.post<{ code: string }>(
      `/api/issues/${plain.body.issueId}/reporter-erasure`,
      reason,
    );
    expect(refused.status).toBe(422);

    const timeline = await eventually(
      async () => {
        const r = await coordinator.get<{ entries: { type: string; summary: string }[] }>(
          `/api/cases/${caseId}/timeline`,
        );
        const entries = r.status === 200 ? r.body.entries : [];
        return entries.some((e) => e.type === 'street.issue.reporter-erased.v1')
          ? entries
          : undefined;
      },
      60_000,
      'the erasure on the case timeline',
    );
    expect(timeline.find((e) => e.type === 'street.issue.reporter-erased.v1')?.summary).toMatch(
      /Reporter of the issue erased/,
    );
    const exported = await coordinator.getText(`/api/exports?caseId=${caseId}`);
    const reported = exported.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ExportLine)
      .find((l) => l.type === 'street.issue.reported.v1');
    expect(reported?.erasedkeys).toBe(reported?.data['reporterContact']?.contact?.keyId);
    expect(exported.text).not.toContain('139 0000 1111');
  });

  it('warnings need a credential of the registry valid now: missing, not yet valid, expired, withdrawn are 422 and store nothing', async () => {
    const run = randomBytes(4).toString('hex');
    const report = await worker.post<{ caseId: string }>('/api/issues', {
      category: 'street-vending',
      severity: 'low',
      location: place,
      description: 'Vending at the bridge',
    });
    const { caseId } = report.body;
    const subject = await officer.post<{ subjectId: string }>('/api/subjects', {
      caseId,
      kind: 'business',
      name: 'Stall 7',
      identifier: '91110105MA00000007',
    });
    const { subjectId } = subject.body;
    const step = { subjectId, category, caseId, place, explanation: 'Stall on the bridge' };
    expect((await worker.post('/api/enforcement/reminders', step)).status).toBe(201);
    const warning = { ...step, explanation: 'Warned', evidence: [photo] };
    const progression = `/api/enforcement/${subjectId}/${category}`;
    const steps = async () =>
      (await officer.get<{ steps: { kind: string }[] }>(progression)).body.steps.length;
    const before = await steps();

    // The registry: only the street office's admin grants; a number is granted once.
    const holder = `officer-${run}`;
    const number = freshCredentialNumber();
    const grant = {
      officerId: holder,
      credentialNumber: number,
      issuingBody: 'Xicheng District Urban Management Bureau',
      validFrom: '2000-01-01T00:00:00.000Z',
      validTo: '2100-01-01T00:00:00.000Z',
    };
    expect((await officer.post('/api/credentials', grant)).status).toBe(403);
    const key = { 'idempotency-key': `grant-${run}` };
    const first = await admin.post<{ eventIds: string[] }>('/api/credentials', grant, key);
    expect(first.status).toBe(201);
    const replayed = await admin.post<{ eventIds: string[] }>('/api/credentials', grant, key);
    expect(replayed.body.eventIds).toEqual(first.body.eventIds);
    const twice = await admin.post('/api/credentials', { ...grant, officerId: `other-${run}` });
    expect(twice.status).toBe(422);
    expect(twice.body).toMatchObject({
      error: 'credential-already-granted',
      details: { credentialNumber: number, officerId: holder },
    });
    const backwards = await admin.post('/api/credentials', {
      ...grant,
      credentialNumber: freshCredentialNumber(),
      validTo: '1999-01-01T00:00:00.000Z',
    });
    expect(backwards.status).toBe(422);
    expect(backwards.body).toMatchObject({ error: 'credential-validity-invalid' });

    // Granted and valid now: the warning is recorded under the registry's number.
    const holding = street(await token(holder, ['officer']));
    const warned = await holding.post('/api/enforcement/warnings', warning);
    expect(warned.status).toBe(201);
    expect(await steps()).toBe(before + 1);

    // Missing, not yet valid, expired: refused with the code and what the registry holds.
    const notYet = `officer-${run}-later`;
    const later = await grantCredential(admin, notYet, {
      validFrom: '2099-01-01T00:00:00.000Z',
      validTo: '2100-01-01T00:00:00.000Z',
    });
    const lapsed = `officer-${run}-lapsed`;
    const old = await grantCredential(admin, lapsed, {
      validFrom: '2000-01-01T00:00:00.000Z',
      validTo: '2001-01-01T00:00:00.000Z',
    });
    const cases = [
      [`officer-${run}-none`, 'enforcement-credential-required', {}],
      [
        notYet,
        'enforcement-credential-not-yet-valid',
        { credentialNumber: later.credentialNumber, validFrom: later.validFrom },
      ],
      [
        lapsed,
        'enforcement-credential-expired',
        { credentialNumber: old.credentialNumber, validTo: old.validTo },
      ],
    ] as const;
    for (const [who, error, details] of cases) {
      const refused = await street(await token(who, ['officer'])).post(
        '/api/enforcement/warnings',
        warning,
      );
      expect({ who, status: refused.status, body: refused.body }).toMatchObject({
        who,
        status: 422,
        body: { error, details: { actorId: who, ...details } },
      });
    }

    // Withdrawn: from the withdrawal on, the holder may no longer warn.
    const withdrawals = `/api/credentials/${holder}/withdrawals`;
    const reason = { credentialNumber: number, reason: 'left the enforcement team' };
    expect((await officer.post(withdrawals, reason)).status).toBe(403);
    expect((await admin.post(withdrawals, reason)).status).toBe(201);
    const again = await admin.post(withdrawals, reason);
    expect(again.body).toMatchObject({ error: 'credential-already-withdrawn' });
    const unknown = await admin.post(withdrawals, { ...reason, credentialNumber: 'ZF-NONE' });
    expect(unknown.body).toMatchObject({ error: 'credential-unknown' });
    const withdrawn = await holding.post('/api/enforcement/warnings', warning);
    expect(withdrawn.status).toBe(422);
    expect(withdrawn.body).toMatchObject({
      error: 'enforcement-credential-withdrawn',
      details: { credentialNumber: number, withdrawnAt: expect.any(String) as unknown },
    });
    expect(await steps()).toBe(before + 1);

    // The registry history: who granted and withdrew what, when.
    const history = await admin.get<{
      credentials: { credentialNumber: string; status: string }[];
      history: { action: string; credentialNumber: string; by: string; at: string }[];
    }>(`/api/credentials/${holder}`);
    expect(history.status).toBe(200);
    expect(history.body.credentials).toEqual([
      expect.objectContaining({ credentialNumber: number, status: 'withdrawn' }),
    ]);
    expect(history.body.history).toEqual([
      expect.objectContaining({ action: 'granted', credentialNumber: number, by: 'admin-1' }),
      expect.objectContaining({
        action: 'withdrawn',
        credentialNumber: number,
        by: 'admin-1',
        reason: 'left the enforcement team',
      }),
    ]);
    expect((await officer.get(`/api/credentials/${holder}`)).status).toBe(403);
    expect((await admin.get(`/api/credentials/officer-${run}-none`)).status).toBe(404);

    // The admin page's list, a page of officers at a time.
    const listed = await eventually(async () => {
      let cursor: string | null = '';
      for (let pages = 0; pages < 100 && cursor !== null; pages++) {
        const page: {
          status: number;
          body: { items: { officerId: string }[]; nextCursor: string | null };
        } = await admin.get(
          `/api/credentials?status=withdrawn&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        );
        const mine = page.body.items.find((i) => i.officerId === holder);
        if (mine) return mine;
        cursor = page.body.nextCursor;
      }
      return undefined;
    }, 10_000);
    expect(listed).toMatchObject({
      credentials: [{ credentialNumber: number, status: 'withdrawn' }],
    });
    expect((await admin.get('/api/credentials?limit=500')).status).toBe(400);

    // The warning names the credential of the registry; the registry is on no case timeline.
    const exported = await eventually(async () => {
      const r = await coordinator.getText(`/api/exports?caseId=${caseId}`);
      return r.text.includes('warning-issued') ? r.text : undefined;
    }, 60_000);
    const warningLine = exported
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; data: { issuedBy?: unknown } })
      .find((l) => l.type === 'street.enforcement.warning-issued.v1');
    expect(warningLine?.data.issuedBy).toEqual({ officerId: holder, credentialId: number });
    expect(exported).not.toContain('street.credential.');
  });

  it('refuses an unknown decision with 404 and a bad body with 400 naming the fields', async () => {
    expect(
      (await officer.get(`/api/decisions/${'0'.repeat(8)}-0000-4000-8000-000000000000`)).status,
    ).toBe(404);
    const bad = await officer.post<{ problems: { field: string }[] }>('/api/enforcement/warnings', {
      category: 'Not A Category',
      evidence: [{ ...photo, sha256: 'xyz' }],
    });
    expect(bad.status).toBe(400);
    const fields = bad.body.problems.map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining(['/category', '/evidence/0/sha256', '/subjectId', '/caseId']),
    );
  });
});
