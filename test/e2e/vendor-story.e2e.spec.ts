import {
  createTestIdentity,
  startApps,
  stopApps,
  VENDOR_STORY_ORDER,
  vendorStory,
  type AppName,
  type RunningApp,
  type VendorStory,
} from '@gridline/testing';

/**
 * The vendor story of docs/domain.md across the five processes and the real
 * servers: a grid worker's report, SWC's case with the street office leading and
 * the DRC co-handling (due in 3 days), the 721 progression ending in a penalty
 * within the discretion range, published masked; the DRC's vending zone; SWC's
 * verification, the resident's rating and closure; the vendor's appeal upheld —
 * all on one timeline. A second vendor's penalty revoked on appeal reopens the
 * closed case. The steps are in test/support/vendor-story.ts (the browser tests
 * show the same story in the console).
 */
describe('the vendor story', () => {
  let apps: Map<AppName, RunningApp> | undefined;
  const identity = createTestIdentity();
  let story: VendorStory;

  beforeAll(async () => {
    apps = await startApps(identity, { basePort: 13400 });
    story = await vendorStory(identity, apps);
  });

  afterAll(async () => {
    await stopApps(apps);
  });

  it('runs from the report to closure, and the appeal shows on the same timeline', async () => {
    const { caseId, reportId, decision } = await story.toClosure();
    await story.appealUpheld(decision);

    // Agencies' topics are projected independently: wait until every one has arrived.
    const entries = await story.timelineWith(caseId, VENDOR_STORY_ORDER);
    const types = entries.map((e) => e.type);
    for (const type of VENDOR_STORY_ORDER) expect(types).toContain(type);
    const positions = VENDOR_STORY_ORDER.map((type) => types.indexOf(type));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(new Set(entries.map((e) => e.agency))).toEqual(new Set(['street', 'swc', 'drc']));
    expect(entries.find((e) => e.type === 'swc.case.opened.v1')?.causationId).toBe(reportId);
    // Publicity masks the vendor; the timeline never shows personal data.
    expect(entries.find((e) => e.type === 'street.decision.published.v1')?.summary).toContain(
      'W**',
    );
    expect(JSON.stringify(entries)).not.toMatch(/Wang Wei|138 0013/);
    // Upheld: the case stays closed.
    expect((await story.swcCase(caseId)).body.status).toBe('closed');
  });

  it('a penalty revoked on appeal reopens the closed case', async () => {
    const { ok, until, swcCase } = story;
    const { officer, drcCoordinator, coordinator } = story.clients;
    const opened = await story.openCoordinatedCase('Vending again on the bridge');
    const { caseId } = opened;
    await ok(officer.post(`/api/assignments/${opened.street}/accept`), 200);
    await ok(
      drcCoordinator.post(`/api/assignments/${opened.drc}/decline`, {
        reason: 'No livelihood angle here',
      }),
      200,
    );
    const { decision } = await story.remindWarnPenalise(caseId, 'Li Na');
    await ok(
      officer.post(`/api/assignments/${opened.street}/complete`, { outcome: 'Fined; stall gone' }),
      200,
    );
    await until('handoffs recorded', async () => {
      const a = Object.values((await swcCase(caseId)).body.assignments);
      return a.some((x) => x.status === 'completed') && a.some((x) => x.status === 'declined')
        ? true
        : undefined;
    });
    await ok(coordinator.post(`/api/cases/${caseId}/verification`, { note: 'Bridge clear' }), 200);
    await ok(coordinator.post(`/api/cases/${caseId}/close`), 200);

    await ok(
      officer.post(`${decision}/appeals`, {
        appellant: 'representative',
        grounds: 'Wrong person identified',
      }),
    );
    await ok(
      officer.post(`${decision}/appeal-outcome`, {
        outcome: 'revoked',
        reasons: 'Identity not proven',
      }),
    );
    const reopened = await until('the case reopened', async () => {
      const { body } = await swcCase(caseId);
      return body.status === 'open' ? body : undefined;
    });
    expect(reopened.status).toBe('open');
    // Revocation retracted the publicity too.
    const view = await officer.get<{ publicity: string }>(decision);
    expect(view.body.publicity).not.toBe('published');
  });
});
