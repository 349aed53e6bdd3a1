import { createHash, randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { openPostgresStore } from '@gridline/store-postgres';
import {
  client,
  createTestIdentity,
  createTestRealm,
  freshCredentialNumber,
  grantCredential,
  startApps,
  stopApps,
  testInfra,
  vendorStory,
  type AppName,
  type RunningApp,
  type TestRealm,
  type VendorStory,
} from '@gridline/testing';
import {
  attachPhoto,
  ConsolePages,
  decisionStatus,
  fillByTestId as fill,
  launchChromium,
  recorded,
  refusal,
  screenshot,
  visible,
  visibleInPages,
  type Account,
} from '../support/browser.js';

type Store = Awaited<ReturnType<typeof openPostgresStore>>;

/**
 * The street office's enforcement work in the console (pages/work), in chromium
 * against the five apps and the real servers, people signed in at Keycloak: the
 * street admin grants an officer a credential; the officer accepts the case,
 * registers the subject, reminds (a double click records once), warns with
 * evidence, proposes a penalty with the discretion range beside the amount; a
 * warning without a reminder, a penalty outside the range and a reviewer's
 * approval of their own draft are refused with the decider's words in Chinese
 * and record nothing (the event store says so); someone else approves; the
 * officer issues and publishes; an appeal is revoked; the timeline shows it all.
 */
describe('enforcement work in the console', () => {
  const identity = createTestIdentity();
  const basePort = 16600;
  let realm: TestRealm | undefined;
  let apps: Map<AppName, RunningApp> | undefined;
  let browser: Browser | undefined;
  let store: Store | undefined;
  let story: VendorStory;
  let pages: ConsolePages;
  let caseId = '';
  let subjectId = '';
  let decisionId = '';
  const accounts: Record<string, Account> = {};
  // Fresh names: the test database outlives runs, and the registry keeps every officer's grants.
  const run = randomBytes(3).toString('hex');
  const people = {
    admin: { username: `st-admin-${run}`, roles: ['admin'] },
    officer: { username: `st-officer-${run}`, roles: ['officer'] },
    reviewer: { username: `st-reviewer-${run}`, roles: ['legal-reviewer'] },
    // Both an officer and a legal reviewer: never offered the review of their own draft.
    dual: { username: `st-dual-${run}`, roles: ['officer', 'legal-reviewer'] },
  } as const;

  const open = (who: keyof typeof people | 'drc'): Promise<Page> => pages.open(accounts[who]);
  const events = async (streamId: string) =>
    (await store!.store.readStream(streamId)).map((e) => e.type);
  const caseEvents = async () => (await store!.store.readCase(caseId)).map((e) => e.type);
  const count = (types: readonly string[], type: string) => types.filter((t) => t === type).length;

  beforeAll(async () => {
    browser = await launchChromium();
    realm = await createTestRealm({ consoleOrigins: [`http://127.0.0.1:${basePort}`] });
    apps = await startApps(identity, { basePort, env: realm.appEnv(identity) });
    pages = new ConsolePages(browser, apps.get('gateway')?.url ?? '');
    store = await openPostgresStore(testInfra().databaseUrl, { poolSize: 2 });
    // A published standard (repeat: 200–2000 yuan) and a case the street office leads, DRC co-handling.
    story = await vendorStory(identity, apps);
    ({ caseId } = await story.openCoordinatedCase('Vending at the school gate, console work'));
    for (const [key, person] of Object.entries(people))
      accounts[key] = await realm.user({
        username: person.username,
        agency: 'street',
        roles: [...person.roles],
      });
    accounts['drc'] = await realm.user({
      username: 'drc-co',
      agency: 'drc',
      roles: ['coordinator'],
    });
    await grantCredential(story.clients.streetAdmin, people.dual.username);
  }, 240_000);

  afterAll(async () => {
    await pages?.close();
    await browser?.close();
    await store?.close();
    await stopApps(apps);
    await realm?.delete();
  });

  it('the street admin grants the officer a credential and sees it in the registry with its history', async () => {
    const page = await open('admin');
    await page.getByTestId('nav-credentials').click();
    await visible(page.getByTestId('credentials-page'), 'the credential registry');
    const number = freshCredentialNumber('ZF-UI');
    await fill(page, {
      'grant-officer': people.officer.username,
      'grant-number': number,
      'grant-issuing-body': 'Xicheng District Urban Management Bureau',
      'grant-valid-from': '2000-01-01T00:00',
      'grant-valid-to': '2100-01-01T00:00',
    });
    await page.getByTestId('submit-grant-credential').click();
    await recorded(page, 'grant-credential');
    await visibleInPages(
      page,
      page.locator(
        `[data-testid="credential-row"][data-officer-id="${people.officer.username}"][data-status="valid"]`,
      ),
      'credentials-more',
      "the officer's valid credential in the list",
    );
    await fill(page, { 'history-officer': people.officer.username });
    await page.getByTestId('history-show').click();
    const entry = page.locator(
      `[data-testid="history-entry"][data-action="granted"][data-credential="${number}"]`,
    );
    await visible(entry, 'the grant in the history');
    expect(await entry.innerText()).toContain(people.admin.username);
    expect(await events(`street-credential-${people.officer.username}`)).toEqual([
      'street.credential.granted.v1',
    ]);
  });

  it('the officer registers the subject, is refused a warning before a reminder, reminds once on a double click, then warns with evidence', async () => {
    const page = await open('officer');
    await page.goto(`/cases/${caseId}`);
    await visible(page.getByTestId('street-work'), 'the street work on the case page');
    // The street office's inbox: accept the lead assignment.
    await visible(page.getByTestId('submit-accept-assignment'), 'the inbox entry', 60_000);
    await page.getByTestId('submit-accept-assignment').click();
    await visible(
      page.locator('[data-testid="inbox-entry"][data-status="accepted"]'),
      'the assignment accepted',
    );

    const name = 'Zhang Sanfeng';
    const identifier = '110105199001011234';
    await fill(page, { 'register-name': name, 'register-identifier': identifier });
    await page.getByTestId('submit-register-subject').click();
    await recorded(page, 'register-subject');
    subjectId = await page.getByTestId('subject-select').inputValue();
    expect(subjectId).toMatch(/^[0-9a-f-]{36}$/);
    // Typed once: the page never shows it back.
    expect(await page.getByTestId('register-name').inputValue()).toBe('');
    await page.getByTestId('enforcement-category').fill(story.category);

    const evidence = (form: string) => ({
      [`${form}-evidence-sha256`]: 'a1'.repeat(32),
      [`${form}-evidence-description`]: 'stall at the gate at pick-up',
      [`${form}-evidence-place-description`]: 'school gate',
    });
    await fill(page, {
      'issue-warning-explanation': 'Second time: a fine follows next time',
      'issue-warning-place-description': 'school gate',
      ...evidence('issue-warning'),
    });
    // The photo itself goes to the evidence store; its SHA-256 replaces the one typed.
    const photo = await attachPhoto(page, 'issue-warning-evidence');
    const digest = createHash('sha256').update(photo).digest('hex');
    expect(await page.getByTestId('issue-warning-evidence-sha256').inputValue()).toBe(digest);
    await page.getByTestId('submit-issue-warning').click();
    const early = await refusal(page, 'issue-warning');
    expect(early.code).toBe('progression-721');
    expect(early.text).toContain('不符合“721”工作法');
    expect(early.text).toContain('责令改正（提醒）');
    const stream = `street-enforcement-${subjectId}-${story.category}`;
    expect(await events(stream)).toEqual([]);

    await fill(page, {
      'issue-reminder-explanation':
        'Vending at the gate blocks pupils; the market has free pitches',
      'issue-reminder-place-description': 'school gate',
    });
    await page.getByTestId('submit-issue-reminder').dblclick();
    await recorded(page, 'issue-reminder');
    await page.getByTestId('submit-issue-warning').click();
    await recorded(page, 'issue-warning');
    const steps = await events(stream);
    expect(count(steps, 'street.enforcement.reminder-issued.v1')).toBe(1);
    expect(count(steps, 'street.enforcement.warning-issued.v1')).toBe(1);
    // The refused first try released the upload; the warning holds the file.
    const warning = (await store!.store.readStream(stream)).find(
      (e) => e.type === 'street.enforcement.warning-issued.v1',
    );
    const recordedEvidence = (warning?.data as { evidence: { sha256: string; file?: object }[] })
      .evidence[0];
    expect(recordedEvidence?.sha256).toBe(digest);
    expect(recordedEvidence?.file).toMatchObject({ contentType: 'image/jpeg', size: photo.length });
    expect(page.url()).toContain(caseId);
    expect(await page.content()).not.toContain(identifier);
    expect(await page.content()).not.toContain(name);
  });

  it('shows the published range beside the amount, refuses a fine outside it in Chinese, and drafts one inside it', async () => {
    const page = await open('officer');
    await page.goto(`/cases/${caseId}`);
    await visible(page.getByTestId('form-propose-penalty'), 'the penalty form');
    await page.getByTestId('subject-select').selectOption(subjectId);
    await page.getByTestId('enforcement-category').fill(story.category);
    await page.getByTestId('penalty-circumstance').selectOption('repeat');
    const range = page.getByTestId('discretion-range');
    await visible(page.locator('[data-testid="discretion-range"][data-max]'), 'the range');
    expect([await range.getAttribute('data-min'), await range.getAttribute('data-max')]).toEqual([
      '200',
      '2000',
    ]);
    expect(await range.innerText()).toContain('200–2000');
    await fill(page, {
      'penalty-amount': '5000',
      'penalty-facts': 'Third time vending at the school gate after a reminder and a warning',
      'penalty-legal-basis': 'City appearance and environmental sanitation regulations, art. 17',
      'propose-penalty-evidence-sha256': 'b7'.repeat(32),
      'propose-penalty-evidence-description': 'stall at the gate during pick-up',
      'propose-penalty-evidence-place-description': 'school gate',
    });
    // A closure makes the decision major: it needs legal review.
    await page.getByTestId('penalty-measure').selectOption('closure');
    await page.getByTestId('submit-propose-penalty').click();
    const outside = await refusal(page, 'propose-penalty');
    expect(outside.code).toBe('penalty-out-of-range');
    expect(outside.text).toContain('罚款 5000 元超出裁量基准允许的 200–2000 元');
    expect(count(await caseEvents(), 'street.decision.penalty-proposed.v1')).toBe(0);

    await page.getByTestId('penalty-amount').fill('1500');
    await page.getByTestId('penalty-circumstance').scrollIntoViewIfNeeded();
    await screenshot(page, 'work-street-penalty');
    await page.getByTestId('submit-propose-penalty').click();
    await recorded(page, 'propose-penalty');
    await page.getByTestId('proposed-decision-link').click();
    await visible(page.getByTestId('decision-page'), 'the decision page');
    decisionId = (await page.getByTestId('decision-page').getAttribute('data-decision-id')) ?? '';
    expect(await page.getByTestId('form-issue-decision').count()).toBe(0); // major: review first
    await page.getByTestId('submit-request-review').click();
    await decisionStatus(page, 'review-requested');
  });

  it('a reviewer who drafted the decision is not offered its review, and is refused in Chinese when the form went stale', async () => {
    const page = await open('dual');
    await page.getByTestId('nav-reviews').click();
    const item = page.locator(`[data-testid="review-item"][data-decision-id="${decisionId}"]`);
    await visible(item, 'the decision in the review queue');
    await page.goto(`/decisions/${decisionId}`);
    await visible(
      page.getByTestId('form-approve-draft'),
      'the approval form (not their draft yet)',
    );

    // Meanwhile the same person returns the draft, revises it as an officer and sends it back.
    const token = (await realm!.signIn(people.dual.username, accounts['dual']!.password))
      .access_token;
    const street = client(apps!.get('street-service')?.url ?? '', token);
    const decision = `/api/decisions/${decisionId}`;
    for (const [path, body] of [
      ['return', { reasons: ['Name the market square offered'] }],
      [
        'revisions',
        {
          penalty: { circumstance: 'repeat', amountYuan: 1400, additionalMeasure: 'closure' },
          facts: 'Third time at the gate; the free pitch on the market square was refused',
          legalBasis: 'City appearance and environmental sanitation regulations, art. 17',
        },
      ],
      ['review-requests', undefined],
    ] as const)
      expect((await street.post(`${decision}/${path}`, body)).status).toBe(201);

    const before = await events(`street-decision-${decisionId}`);
    await page.getByTestId('submit-approve-draft').click();
    const own = await refusal(page, 'approve-draft');
    expect(own.code).toBe('reviewer-is-drafter');
    expect(own.text).toBe('起草人不能审核自己起草的处罚决定。');
    expect(await events(`street-decision-${decisionId}`)).toEqual(before);

    // Read again: neither the queue nor the decision page offers it now.
    await page.goto('/reviews');
    await visible(page.getByTestId('own-drafts-hidden'), 'the note on their own drafts');
    expect(await item.count()).toBe(0);
    await page.goto(`/decisions/${decisionId}`);
    await visible(page.getByTestId('own-draft-note'), 'the note that someone else reviews it');
    expect(await page.getByTestId('form-approve-draft').count()).toBe(0);
  });

  it('someone else approves; the officer issues and publishes; an appeal is revoked; the timeline shows each step', async () => {
    const reviewer = await open('reviewer');
    await reviewer.getByTestId('nav-reviews').click();
    await reviewer
      .locator(`[data-testid="review-item"][data-decision-id="${decisionId}"] a`)
      .first()
      .click();
    await visible(reviewer.getByTestId('form-approve-draft'), 'the approval form');
    await reviewer.getByTestId('approve-note').fill('Facts proven; within the range');
    await reviewer.getByTestId('submit-approve-draft').click();
    await decisionStatus(reviewer, 'approved');

    const officer = await open('officer');
    await officer.goto(`/decisions/${decisionId}`);
    await officer.getByTestId('submit-issue-decision').click();
    await decisionStatus(officer, 'issued');
    await officer.getByTestId('submit-publish-decision').click();
    await visible(
      officer.locator('[data-testid="decision-publicity"][data-state="published"]'),
      'published',
    );
    await officer.getByTestId('appeal-grounds').fill('I had nowhere else to sell');
    await officer.getByTestId('submit-file-appeal').click();
    await visible(
      officer.locator('[data-testid="decision-appeal"][data-state="pending"]'),
      'the appeal pending',
    );
    await officer.getByTestId('appeal-outcome').selectOption('revoked');
    await officer.getByTestId('appeal-outcome-reasons').fill('The closure was disproportionate');
    await officer.getByTestId('submit-record-appeal-outcome').click();
    await decisionStatus(officer, 'revoked');
    const types = await events(`street-decision-${decisionId}`);
    expect(count(types, 'street.decision.approved.v1')).toBe(1);
    expect(count(types, 'street.decision.issued.v1')).toBe(1);

    const steps = [
      'street.enforcement.reminder-issued.v1',
      'street.enforcement.warning-issued.v1',
      'street.decision.penalty-proposed.v1',
      'street.decision.review-requested.v1',
      'street.decision.returned.v1',
      'street.decision.approved.v1',
      'street.decision.issued.v1',
      'street.decision.published.v1',
      'street.decision.appeal-filed.v1',
      'street.decision.appeal-decided.v1',
    ];
    // Projected (each agency's topic arrives on its own), then shown on the case page.
    await story.timelineWith(caseId, steps);
    await officer.goto(`/cases/${caseId}`);
    await visible(officer.getByTestId('timeline-entry'), 'the timeline');
    const shown = await Promise.all(
      (await officer.getByTestId('timeline-entry').all()).map((n) => n.getAttribute('data-type')),
    );
    expect(steps.filter((step) => !shown.includes(step))).toEqual([]);

    // The warning's photo is in the evidence panel; the officer opens it, and the opening is on record.
    const file = officer.locator('[data-testid="evidence-item"]', {
      has: officer.getByTestId('evidence-file'),
    });
    await visible(file.first(), 'the evidence file on the case page');
    expect(await file.first().getByTestId('evidence-file').innerText()).toContain('image/jpeg');
    const [tab] = await Promise.all([
      officer.context().waitForEvent('page'),
      file.first().getByTestId('evidence-open').click(),
    ]);
    expect(tab.url()).toMatch(/^blob:/);
    await tab.close();
    await officer.reload();
    await visible(officer.getByTestId('evidence-accesses'), 'the file accesses');
    await officer.getByTestId('evidence-accesses').locator('summary').click();
    expect(await officer.getByTestId('evidence-access').first().innerText()).toContain(
      people.officer.username,
    );
    await screenshot(officer, 'work-evidence-panel');
  });

  it('the DRC accepts its co-handling assignment on the case page', async () => {
    const page = await open('drc');
    await page.goto(`/cases/${caseId}`);
    await visible(page.getByTestId('inbox-drc'), "the DRC's inbox on the case page", 60_000);
    await visible(page.getByTestId('submit-accept-assignment'), 'the accept form', 60_000);
    await page.getByTestId('inbox-drc').scrollIntoViewIfNeeded();
    await screenshot(page, 'work-drc-inbox');
    await page.getByTestId('submit-accept-assignment').click();
    await visible(
      page.locator('[data-testid="inbox-entry"][data-status="accepted"]'),
      'the DRC assignment accepted',
    );
    await visible(page.getByTestId('form-propose-project'), "the DRC's project form");
    expect(pages.problems()).toEqual([]);
  });
});
