import { randomBytes } from 'node:crypto';
import { grantCredential } from './credentials.js';
import {
  eventually,
  signedInClients,
  type AppName,
  type RunningApp,
  type TestIdentity,
} from './apps.js';

/** Where the vendor stands: the street, community and grid of docs/domain.md. */
export const VENDOR_STORY_PLACE = {
  street: 'Xinjiekou',
  community: 'Zhaodengyu',
  grid: 'G-0312',
  description: 'school gate',
};

/** The event types of the whole vendor story, in the order they happen. */
export const VENDOR_STORY_ORDER = [
  'street.issue.reported.v1',
  'swc.case.opened.v1',
  'swc.case.triaged.v1',
  'street.enforcement.reminder-issued.v1',
  'street.enforcement.warning-issued.v1',
  'street.decision.penalty-proposed.v1',
  'street.decision.issued.v1',
  'street.decision.published.v1',
  'drc.project.proposed.v1',
  'drc.project.completed.v1',
  'swc.case.outcome-verified.v1',
  'swc.case.feedback-recorded.v1',
  'swc.case.closed.v1',
  'street.decision.appeal-filed.v1',
  'street.decision.appeal-decided.v1',
] as const;

export interface VendorStoryEntry {
  eventId: string;
  agency: string;
  type: string;
  summary: string;
  time: string;
  causationId: string;
}

/**
 * The vendor story of docs/domain.md, told through the public APIs of the five
 * apps: a grid worker's report, SWC's case with the street office leading and
 * the DRC co-handling, the 721 progression ending in a published penalty, the
 * DRC's vending zone, verification, rating and closure, then the vendor's appeal.
 * Shared by the end-to-end spec (test/e2e/vendor-story.e2e.spec.ts), which checks
 * the platform's side, and the browser spec, which shows the same case in the console.
 */
export async function vendorStory(
  identity: TestIdentity,
  apps: ReadonlyMap<AppName, RunningApp>,
  options: { place?: typeof VENDOR_STORY_PLACE } = {},
) {
  const category = `vending-${randomBytes(3).toString('hex')}`;
  const place = options.place ?? VENDOR_STORY_PLACE;
  const photo = {
    kind: 'photo',
    sha256: 'b7'.repeat(32),
    description: 'stall at the gate during pick-up',
    capturedAt: '2026-03-09T07:40:00.000Z',
    place,
  };
  const as = signedInClients(identity, apps);
  const worker = await as('street-service', 'worker-17', 'street', ['grid-worker']);
  const officer = await as('street-service', 'officer-5', 'street', ['officer']);
  const streetAdmin = await as('street-service', 'admin-1', 'street', ['admin']);
  await grantCredential(streetAdmin, 'officer-5');
  const coordinator = await as('swc-service', 'coord-1', 'swc', ['coordinator']);
  const drcCoordinator = await as('drc-service', 'drc-coord', 'drc', ['coordinator']);
  const drcOfficer = await as('drc-service', 'drc-officer', 'drc', ['officer']);
  const gateway = await as('gateway', 'coord-1', 'swc', ['coordinator']);

  const ok = async <T>(call: Promise<{ status: number; body: T }>, status = 201): Promise<T> => {
    const response = await call;
    if (response.status !== status)
      throw new Error(
        `expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`,
      );
    return response.body;
  };
  const swcCase = (caseId: string) =>
    coordinator.get<{
      status: string;
      assignments: Record<
        string,
        { agency: string; status: string; dueAt: string; assignedAt: string }
      >;
    }>(`/api/cases/${caseId}`);
  const until = <T>(what: string, probe: () => Promise<T | undefined>) =>
    eventually(probe, 60_000, what);

  const standard = await streetAdmin.post(`/api/discretion-standards/${category}`, {
    ranges: [
      { circumstance: 'first-offence', minYuan: 50, maxYuan: 200 },
      { circumstance: 'repeat', minYuan: 200, maxYuan: 2000 },
    ],
    legalBasis: 'City appearance and environmental sanitation regulations, art. 17',
  });
  expect(standard.status).toBe(201);

  /** Report, case, triage, inboxes: the story's first two steps. */
  async function openCoordinatedCase(description: string) {
    const { caseId, eventId } = await ok(
      worker.post<{ caseId: string; eventId: string }>('/api/issues', {
        category: 'street-vending',
        severity: 'medium',
        location: place,
        description,
      }),
    );
    await until('the SWC case', async () =>
      (await swcCase(caseId)).status === 200 ? true : undefined,
    );
    await ok(
      coordinator.post(`/api/cases/${caseId}/triage`, {
        riskLevel: 'yellow',
        category: 'street-vending',
        leadAgency: 'street',
        coHandlers: ['drc'],
        instructions: 'Serve first: explain the rules; look for a legal pitch',
      }),
      200,
    );
    const assignments = (await swcCase(caseId)).body.assignments;
    const idOf = (agency: string) =>
      Object.entries(assignments).find(([, a]) => a.agency === agency)?.[0] ?? '';
    for (const [who, id] of [
      [officer, idOf('street')],
      [drcCoordinator, idOf('drc')],
    ] as const)
      await until(`assignment ${id} in its inbox`, async () =>
        (await who.get(`/api/assignments/${id}`)).status === 200 ? true : undefined,
      );
    return { caseId, reportId: eventId, assignments, street: idOf('street'), drc: idOf('drc') };
  }

  /** The 721 progression for one vendor, ending in an issued, published penalty. */
  async function remindWarnPenalise(caseId: string, name: string) {
    const { subjectId } = await ok(
      officer.post<{ subjectId: string }>('/api/subjects', {
        caseId,
        kind: 'person',
        name,
        identifier: `1101051990${randomBytes(4).toString('hex')}`,
        contact: '+86 138 0013 8000',
      }),
    );
    const step = { subjectId, category, caseId, place };
    await ok(
      worker.post('/api/enforcement/reminders', {
        ...step,
        explanation: 'Vending at the gate blocks pupils; the market has free pitches',
      }),
    );
    // Penalising before a warning is refused: the 721 order.
    const penalty = {
      subjectId,
      category,
      caseId,
      facts: 'Third time vending at the school gate after a reminder and a warning',
      legalBasis: 'City appearance and environmental sanitation regulations, art. 17',
      evidence: [photo],
      penalty: { circumstance: 'repeat', amountYuan: 500 },
    };
    const tooEarly = await officer.post<{ error: string }>('/api/enforcement/penalties', penalty);
    expect(tooEarly.status).toBe(422);
    await ok(
      officer.post('/api/enforcement/warnings', {
        ...step,
        explanation: 'Second time: a fine follows next time',
        evidence: [photo],
      }),
    );
    const { decisionId, major } = await ok(
      officer.post<{ decisionId: string; major: boolean }>('/api/enforcement/penalties', penalty),
    );
    expect(major).toBe(false); // 500 yuan is below the major-decision threshold
    const decision = `/api/decisions/${decisionId}`;
    await ok(officer.post(`${decision}/issue`));
    await ok(officer.post(`${decision}/publish`));
    return { subjectId, decision, decisionId };
  }

  /**
   * The first vendor's story from the report to closure: enforcement, the DRC's
   * vending zone, verification, the rating, closure. `afterEnforcement` runs
   * between the published penalty and the DRC's project (a pause, to tell the
   * two apart in time).
   */
  async function toClosure(options: { afterEnforcement?: () => Promise<void> } = {}) {
    const story = await openCoordinatedCase(
      'Unlicensed vending near the school gate at pick-up time',
    );
    const { caseId } = story;
    // Due in 3 days (yellow, routine).
    for (const a of Object.values(story.assignments))
      expect(Date.parse(a.dueAt) - Date.parse(a.assignedAt)).toBe(72 * 3_600_000);
    await ok(officer.post(`/api/assignments/${story.street}/accept`), 200);
    await ok(drcCoordinator.post(`/api/assignments/${story.drc}/accept`), 200);

    const { decision } = await remindWarnPenalise(caseId, 'Wang Wei');
    await options.afterEnforcement?.();

    // DRC: a designated vending zone near the school, funded; the vendor is offered a stall.
    const { projectId } = await ok(
      drcOfficer.post<{ projectId: string }>('/api/projects', {
        caseId,
        title: 'Designated vending zone, Zhaodengyu school',
        description: 'Twelve stalls on the market square, 150 m from the gate, free for a year',
        budget: 180_000,
        location: { ...place, description: 'market square' },
      }),
    );
    await ok(drcCoordinator.post(`/api/projects/${projectId}/approve`, {}));
    await ok(drcCoordinator.post(`/api/projects/${projectId}/fundings`, { amount: 180_000 }));
    await ok(
      drcOfficer.post(`/api/projects/${projectId}/complete`, {
        outcome: 'Zone open; the vendor took stall 4',
      }),
    );
    await ok(
      drcCoordinator.post(`/api/assignments/${story.drc}/complete`, {
        outcome: 'Vending zone funded and open',
      }),
      200,
    );
    await ok(
      officer.post(`/api/assignments/${story.street}/complete`, {
        outcome: 'Vendor moved to the zone; gate clear',
      }),
      200,
    );

    // SWC verifies, the resident rates the outcome, the case closes.
    await until('both completions recorded', async () => {
      const a = Object.values((await swcCase(caseId)).body.assignments);
      return a.every((x) => x.status === 'completed') ? true : undefined;
    });
    await ok(
      coordinator.post(`/api/cases/${caseId}/verification`, {
        note: 'Gate clear at pick-up on three visits',
      }),
      200,
    );
    await ok(
      coordinator.post(`/api/cases/${caseId}/feedback`, { satisfaction: 5, channel: 'phone' }),
    );
    await ok(coordinator.post(`/api/cases/${caseId}/close`), 200);
    return { caseId, reportId: story.reportId, decision };
  }

  /** The vendor appeals; the reconsideration body upholds the penalty. */
  async function appealUpheld(decision: string) {
    await ok(
      officer.post(`${decision}/appeals`, {
        appellant: 'subject',
        grounds: 'I had nowhere else to sell',
      }),
    );
    await ok(
      officer.post(`${decision}/appeal-outcome`, {
        outcome: 'upheld',
        reasons: 'Facts proven; fine within the range',
      }),
    );
  }

  /** The case's timeline once every one of `types` has been projected (agencies' topics arrive independently). */
  function timelineWith(caseId: string, types: readonly string[]) {
    return until(`${types.length} event types on the timeline of ${caseId}`, async () => {
      const r = await gateway.get<{ entries: VendorStoryEntry[] }>(`/api/cases/${caseId}/timeline`);
      const seen = new Set(r.status === 200 ? r.body.entries.map((e) => e.type) : []);
      return types.every((type) => seen.has(type)) ? r.body.entries : undefined;
    });
  }

  return {
    category,
    place,
    clients: { worker, officer, streetAdmin, coordinator, drcCoordinator, drcOfficer, gateway },
    ok,
    until,
    swcCase,
    openCoordinatedCase,
    remindWarnPenalise,
    toClosure,
    appealUpheld,
    timelineWith,
  };
}

export type VendorStory = Awaited<ReturnType<typeof vendorStory>>;
