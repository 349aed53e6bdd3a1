import { randomBytes } from 'node:crypto';
import {
  grantCredential,
  type client,
  createTestIdentity,
  eventually,
  signedInClients,
  startApps,
  stopApps,
  type AppName,
  type RunningApp,
} from '@gridline/testing';

type Client = ReturnType<typeof client>;

/**
 * The gateway's read API over HTTP against the five processes: the case list
 * with filters and pagination, a case with SLA states, the statistics the
 * projector keeps, the public publicity feed, and the SSE stream resumed with
 * Last-Event-ID.
 */
describe('gateway read models', () => {
  let apps: Map<AppName, RunningApp> | undefined;
  const identity = createTestIdentity();
  const street = `Street-${randomBytes(3).toString('hex')}`;
  const category = `vending-${randomBytes(3).toString('hex')}`;
  const place = { street, community: 'Zhaodengyu', grid: 'G-0312', description: 'school gate' };
  const photo = {
    kind: 'photo',
    sha256: 'c4'.repeat(32),
    description: 'stall at the gate',
    capturedAt: '2026-03-09T07:40:00.000Z',
    place,
  };
  let worker: Client;
  let officer: Client;
  let coordinator: Client;
  let gateway: Client;
  let drcStaff: Client;
  let token: string;
  let url: string;
  let caseId = '';

  const ok = async <T>(call: Promise<{ status: number; body: T }>, status = 201): Promise<T> => {
    const response = await call;
    if (response.status !== status)
      throw new Error(
        `expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`,
      );
    return response.body;
  };

  beforeAll(async () => {
    apps = await startApps(identity, { basePort: 13600 });
    const at = (name: AppName) => apps?.get(name)?.url ?? '';
    const as = signedInClients(identity, apps);
    worker = await as('street-service', 'worker-17', 'street', ['grid-worker']);
    officer = await as('street-service', 'officer-5', 'street', ['officer']);
    coordinator = await as('swc-service', 'coord-1', 'swc', ['coordinator']);
    gateway = await as('gateway', 'coord-1', 'swc', ['coordinator']);
    drcStaff = await as('gateway', 'drc-1', 'drc', ['grid-worker']);
    token = await identity.token({ sub: 'analyst-1', agency: 'swc', roles: ['analyst'] });
    url = at('gateway');
    const admin = await as('street-service', 'admin-1', 'street', ['admin']);
    await grantCredential(admin, 'officer-5');
    await ok(
      admin.post(`/api/discretion-standards/${category}`, {
        ranges: [
          { circumstance: 'first-offence', minYuan: 50, maxYuan: 200 },
          { circumstance: 'repeat', minYuan: 200, maxYuan: 2000 },
        ],
        legalBasis: 'City appearance regulations, art. 17',
      }),
    );

    // Two reported cases on our street; the first triaged, with a 721 progression.
    for (const description of ['Vending at the gate', 'Vending on the bridge']) {
      const { caseId: id } = await ok(
        worker.post<{ caseId: string }>('/api/issues', {
          category: 'street-vending',
          severity: 'medium',
          location: place,
          description,
        }),
      );
      caseId ||= id;
      await eventually(
        async () =>
          (await gateway.get(`/api/cases/${id}`)).body['status'] === 'open' ? true : undefined,
        60_000,
        'case opened',
      );
    }
    await ok(
      coordinator.post(`/api/cases/${caseId}/triage`, {
        riskLevel: 'yellow',
        category: 'street-vending',
        leadAgency: 'street',
        coHandlers: ['drc'],
      }),
      200,
    );
    const { subjectId } = await ok(
      officer.post<{ subjectId: string }>('/api/subjects', {
        caseId,
        kind: 'person',
        name: 'Wang Wei',
        identifier: `1101051990${randomBytes(4).toString('hex')}`,
      }),
    );
    const step = { subjectId, category, caseId, place, explanation: 'The market has free pitches' };
    await ok(worker.post('/api/enforcement/reminders', step));
    await ok(officer.post('/api/enforcement/warnings', { ...step, evidence: [photo] }));
    const { decisionId } = await ok(
      officer.post<{ decisionId: string }>('/api/enforcement/penalties', {
        subjectId,
        category,
        caseId,
        facts: 'Third time at the gate',
        legalBasis: 'City appearance regulations, art. 17',
        evidence: [photo],
        penalty: { circumstance: 'repeat', amountYuan: 500 },
      }),
    );
    await ok(officer.post(`/api/decisions/${decisionId}/issue`));
    await ok(officer.post(`/api/decisions/${decisionId}/publish`));
  });

  afterAll(async () => {
    await stopApps(apps);
  });

  it('shows the evidence digests of an enforcement step on its timeline entry, and nothing more of the evidence', async () => {
    const warning = await eventually(
      async () => {
        const r = await gateway.get<{ entries: { type: string; evidence?: unknown[] }[] }>(
          `/api/cases/${caseId}/timeline`,
        );
        return r.body.entries.find((e) => e.type === 'street.enforcement.warning-issued.v1');
      },
      60_000,
      'the warning on the timeline',
    );
    expect(warning.evidence).toEqual([
      {
        evidenceId: expect.any(String) as unknown,
        kind: 'photo',
        sha256: photo.sha256,
        capturedAt: photo.capturedAt,
      },
    ]);
  });

  it('lists cases with filters and cursor pagination; a case carries assignments with SLA state', async () => {
    const first = await ok(
      gateway.get<{ items: { caseId: string }[]; nextCursor: string }>(
        `/api/cases?street=${street}&limit=1`,
      ),
      200,
    );
    expect(first.items).toHaveLength(1);
    const second = await ok(
      gateway.get<{ items: { caseId: string }[]; nextCursor: string | null }>(
        `/api/cases?street=${street}&limit=1&cursor=${first.nextCursor}`,
      ),
      200,
    );
    expect(second.items).toHaveLength(1);
    expect(second.items[0]?.caseId).not.toBe(first.items[0]?.caseId);
    expect(second.nextCursor).toBeNull();

    const triaged = await eventually(
      async () => {
        const r = await gateway.get<{ items: { caseId: string }[] }>(
          `/api/cases?street=${street}&riskLevel=yellow&agency=drc`,
        );
        return r.body.items.length === 1 ? r.body.items : undefined;
      },
      60_000,
      'triaged case listed',
    );
    expect(triaged[0]?.caseId).toBe(caseId);
    // Triage (risk level, co-handling agencies) and each assignment are separate events,
    // projected one after another: wait until both assignments are in the view.
    const view = await eventually(
      async () => {
        const r = await gateway.get<{
          assignments: { agency: string; sla: string; status: string }[];
          leadAgency: string;
          mode: string;
        }>(`/api/cases/${caseId}`);
        return r.status === 200 && r.body.assignments.length >= 2 ? r.body : undefined;
      },
      60_000,
      'both assignments projected',
    );
    expect(view).toMatchObject({ leadAgency: 'street', mode: 'routine' });
    expect(view.assignments.map((a) => [a.agency, a.sla]).sort()).toEqual([
      ['drc', 'on-time'],
      ['street', 'on-time'],
    ]);
    // The DRC takes part now (its assignment): its staff see the case.
    expect((await drcStaff.get(`/api/cases/${caseId}`)).status).toBe(200);
  });

  it('refuses operators and unknown parameters with 400 naming them', async () => {
    const bad = await gateway.get<{ problems: { parameter: string }[] }>(
      '/api/cases?status[$ne]=x&limit=500',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.problems.map((p) => p.parameter).sort()).toEqual(['limit', 'status[$ne]']);
    expect((await gateway.get('/api/cases?status=open&status=closed')).status).toBe(400);
    expect((await gateway.get('/api/stats/721?from=2026-13')).status).toBe(400);
  });

  it('serves the 721 statistics and the public publicity feed without a token', async () => {
    const stats = await eventually(
      async () => {
        const r = await gateway.get<{
          totals: { service: number; management: number; enforcement: number; repeats: number };
        }>(`/api/stats/721?street=${street}`);
        // A step is counted before its repeats are: wait for both.
        const { enforcement, repeats } = r.body.totals;
        return enforcement === 1 && repeats >= 2 ? r.body.totals : undefined;
      },
      60_000,
      '721 statistics',
    );
    expect(stats).toMatchObject({ service: 1, management: 1, enforcement: 1, repeats: 2 });
    expect((await gateway.get('/api/stats/sla')).status).toBe(200);
    expect((await gateway.get(`/api/stats/response-times?street=${street}`)).status).toBe(200);

    const feed = await eventually(
      async () => {
        const r = await fetch(`${url}/api/publicity?limit=100`);
        const body = (await r.json()) as {
          items: { street: string; subjectLabel: string; amountYuan: number }[];
        };
        return r.status === 200 && body.items.some((i) => i.street === street) ? body : undefined;
      },
      60_000,
      'publicity entry',
    );
    const entry = feed.items.find((i) => i.street === street);
    expect(entry).toMatchObject({
      subjectLabel: expect.stringContaining('W**') as unknown,
      amountYuan: 500,
    });
    expect(JSON.stringify(feed)).not.toMatch(/Wang Wei|subjectId|caseId/);
    expect((await fetch(`${url}/api/cases`)).status).toBe(401);
  });

  it('streams timeline entries as SSE and resumes after Last-Event-ID', async () => {
    const entries = (
      await ok(
        gateway.get<{
          entries: {
            eventId: string;
            position: { commit: number; prepare: number };
            causedBy?: string;
          }[];
        }>(`/api/cases/${caseId}/timeline`),
        200,
      )
    ).entries;
    expect(entries.find((e) => e.causedBy === entries[0]?.eventId)).toBeDefined();
    const from = entries[0]!.position;
    const received = await readStream(`${from.commit}/${from.prepare}`, 3);
    const after = (p: { commit: number; prepare: number }) =>
      p.commit > from.commit || (p.commit === from.commit && p.prepare > from.prepare);
    expect(received).toHaveLength(3);
    for (const r of received) {
      expect(after(r.position)).toBe(true);
      expect(r.id).toBe(`${r.position.commit}/${r.position.prepare}`);
    }
    // Resuming from the second event continues exactly after it.
    const resumed = await readStream(received[1]!.id, 1);
    expect(resumed[0]?.id).toBe(received[2]?.id);
    expect((await fetch(`${url}/api/stream`)).status).toBe(401);
  });

  it('pushes new entries live to a feed opened without Last-Event-ID, only to those who may see them', async () => {
    const analyst = await follow(token);
    const drc = await follow(
      await identity.token({ sub: 'drc-1', agency: 'drc', roles: ['grid-worker'] }),
    );
    try {
      const { caseId: fresh } = await ok(
        worker.post<{ caseId: string }>('/api/issues', {
          category: 'street-vending',
          severity: 'low',
          location: place,
          description: 'a stall reported while the feeds listen',
        }),
      );
      const seen = (type: string) => () =>
        Promise.resolve(
          analyst.events.some((e) => e.caseId === fresh && e.type === type) ? true : undefined,
        );
      await eventually(seen('street.issue.reported.v1'), 30_000, 'report pushed');
      await eventually(seen('swc.case.opened.v1'), 30_000, 'case opening pushed');
      // The DRC takes no part in the case: nothing of it reaches the DRC's feed.
      expect(drc.events.filter((e) => e.caseId === fresh)).toEqual([]);
      expect(drc.connected).toBe(true);
    } finally {
      analyst.stop();
      drc.stop();
    }
  });

  /** A feed followed in the background from now on (no Last-Event-ID), once connected. */
  async function follow(bearer: string) {
    const controller = new AbortController();
    const response = await fetch(`${url}/api/stream`, {
      headers: { authorization: `Bearer ${bearer}` },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const feed = {
      events: [] as { caseId: string; type: string }[],
      connected: false,
      stop: () => controller.abort(),
    };
    let buffer = '';
    let connected: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (connected = resolve));
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          // The gateway listens before it says so: what comes next reaches this feed.
          if (block.startsWith(': connected')) {
            feed.connected = true;
            connected();
          }
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (data) feed.events.push(JSON.parse(data) as { caseId: string; type: string });
        }
      }
    })().catch(() => undefined);
    await ready;
    return feed;
  }

  async function readStream(lastEventId: string, count: number) {
    const controller = new AbortController();
    const response = await fetch(`${url}/api/stream`, {
      headers: { authorization: `Bearer ${token}`, 'last-event-id': lastEventId },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const events: { id: string; position: { commit: number; prepare: number } }[] = [];
    let buffer = '';
    const deadline = Date.now() + 30_000;
    while (events.length < count && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (id && data)
          events.push({
            id,
            ...(JSON.parse(data) as { position: { commit: number; prepare: number } }),
          });
      }
    }
    controller.abort();
    return events.slice(0, count);
  }
});
