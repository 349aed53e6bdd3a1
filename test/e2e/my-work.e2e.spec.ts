import { randomBytes } from 'node:crypto';
import {
  createTestIdentity,
  eventually,
  signedInClients,
  startApps,
  stopApps,
  vendorStory,
  type AppName,
  type RunningApp,
  type TestIdentity,
} from '@gridline/testing';

/**
 * "My work" over HTTP (GET /api/my-work, docs/console.md): after the vendor
 * story's first steps and a major penalty under legal review, each person sees
 * what waits on them — the officer their assignment, the DRC coordinator theirs,
 * a legal reviewer the draft (its drafting officer never as a review), and once
 * approved the review is gone and the decision waits on its officer to issue.
 * The test database is shared: every look is narrowed to this run's case.
 */
interface Item {
  id: string;
  kind: string;
  caseId: string;
  dueAt: string | null;
  sla: string | null;
  queue: string | null;
  personal: boolean;
}
interface MyWork {
  items: Item[];
  counts: Record<string, number>;
  total: number;
}

describe('GET /api/my-work', () => {
  let identity: TestIdentity;
  let apps: Map<AppName, RunningApp> | undefined;

  beforeAll(async () => {
    identity = createTestIdentity();
    apps = await startApps(identity, { basePort: 14600 });
  });
  afterAll(async () => {
    await stopApps(apps);
  });

  it('shows each person the work that waits on them, and takes it away once done', async () => {
    const story = await vendorStory(identity, apps ?? new Map());
    const as = signedInClients(identity, apps);
    const gateway = (sub: string, agency: string, roles: string[]) =>
      as('gateway', sub, agency as 'street', roles as ['officer']);
    const people = {
      officer: await gateway('officer-5', 'street', ['officer']),
      reviewer: await gateway(`reviewer-${randomBytes(3).toString('hex')}`, 'street', [
        'legal-reviewer',
      ]),
      // The drafting officer also holds the legal-reviewer role: still not theirs to review.
      drafterAsReviewer: await gateway('officer-5', 'street', ['officer', 'legal-reviewer']),
      drc: await gateway('drc-coord', 'drc', ['coordinator']),
      coordinator: await gateway('coord-1', 'swc', ['coordinator']),
    };
    const { officer, streetAdmin, worker } = story.clients;

    const { caseId, street, drc } = await story.openCoordinatedCase('Vending at the gate again');
    const work = async (who: keyof typeof people) => {
      const r = await people[who].get<MyWork>('/api/my-work');
      expect(r.status).toBe(200);
      return r.body.items.filter((i) => i.caseId === caseId).map((i) => `${i.kind} ${i.id}`);
    };
    const until = (who: keyof typeof people, expected: string[]) =>
      eventually(
        async () => {
          const seen = await work(who);
          return JSON.stringify(seen) === JSON.stringify(expected) ? seen : undefined;
        },
        30_000,
        `${who} sees ${expected.join(', ') || 'nothing'} on case ${caseId}`,
      );

    // Triaged with two assignments, each due by its SLA.
    await until('officer', [`accept-assignment assignment:${street}`]);
    await until('drc', [`accept-assignment assignment:${drc}`]);
    await until('coordinator', []);
    const mine = (await people.officer.get<MyWork>('/api/my-work')).body;
    const item = mine.items.find((i) => i.id === `assignment:${street}`);
    expect(item).toMatchObject({ queue: 'street:officer', personal: false, sla: 'on-time' });
    expect(Date.parse(item?.dueAt ?? '')).toBeGreaterThan(Date.now() + 71 * 3_600_000);
    expect(mine.counts['accept-assignment']).toBeGreaterThanOrEqual(1);
    expect(mine.total).toBe(mine.items.length);

    await story.ok(officer.post(`/api/assignments/${street}/accept`), 200);
    await until('officer', [`handle-assignment assignment:${street}`]);

    // A major penalty (above 10,000 yuan) after a reminder and a warning, then legal review.
    const category = `my-work-${randomBytes(3).toString('hex')}`;
    await story.ok(
      streetAdmin.post(`/api/discretion-standards/${category}`, {
        ranges: [{ circumstance: 'aggravated', minYuan: 1000, maxYuan: 20000 }],
        legalBasis: 'City appearance regulations, art. 17',
      }),
    );
    const { subjectId } = await story.ok(
      officer.post<{ subjectId: string }>('/api/subjects', {
        caseId,
        kind: 'person',
        name: 'Li Na',
        identifier: `1101051990${randomBytes(4).toString('hex')}`,
      }),
    );
    const step = { subjectId, category, caseId, place: story.place };
    const photo = {
      kind: 'photo',
      sha256: 'c4'.repeat(32),
      description: 'stall at the gate',
      capturedAt: '2026-03-09T07:40:00.000Z',
      place: story.place,
    };
    await story.ok(worker.post('/api/enforcement/reminders', { ...step, explanation: 'rules' }));
    await story.ok(
      officer.post('/api/enforcement/warnings', {
        ...step,
        explanation: 'next: a fine',
        evidence: [photo],
      }),
    );
    const { decisionId, major } = await story.ok(
      officer.post<{ decisionId: string; major: boolean }>('/api/enforcement/penalties', {
        subjectId,
        category,
        caseId,
        facts: 'Blocking the school exit a third time',
        legalBasis: 'City appearance regulations, art. 17',
        evidence: [photo],
        penalty: { circumstance: 'aggravated', amountYuan: 15000 },
      }),
    );
    expect(major).toBe(true);
    const decision = `decision:${decisionId}`;
    const assignment = `handle-assignment assignment:${street}`;
    await until('officer', [assignment, `request-review ${decision}`]);

    await story.ok(officer.post(`/api/decisions/${decisionId}/review-requests`));
    await until('reviewer', [`legal-review ${decision}`]);
    // The drafter: the assignment, never their own draft as a review.
    await until('drafterAsReviewer', [assignment]);
    await until('officer', [assignment]);

    const reviewer = await as('street-service', 'reviewer-9', 'street', ['legal-reviewer']);
    await story.ok(reviewer.post(`/api/decisions/${decisionId}/approve`, { note: 'facts proven' }));
    await until('reviewer', []);
    await until('officer', [assignment, `issue-decision ${decision}`]);

    // Anything but no parameters is refused; no token, no work.
    expect((await people.officer.get('/api/my-work?limit=5')).status).toBe(400);
  });
});
