import { createHash, randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { openPostgresStore } from '@gridline/store-postgres';
import {
  createTestIdentity,
  createTestRealm,
  freshCredentialNumber,
  startApps,
  stopApps,
  testInfra,
  type AppName,
  type RunningApp,
  type TestRealm,
} from '@gridline/testing';
import {
  causationLinks,
  ConsolePages,
  decisionStatus,
  fillByTestId,
  attachPhoto,
  fillReportForm,
  launchChromium,
  openReportForm,
  attributesOf,
  PHONE,
  recorded,
  screenshot,
  setFilter,
  timelineEntries,
  until,
  visible,
  visibleInPages,
  type Account,
  type IssueReport,
} from '../support/browser.js';

type Store = Awaited<ReturnType<typeof openPostgresStore>>;

/**
 * The vendor story of docs/domain.md told through the console alone, in chromium
 * against the five apps and the real servers, each step done by the person whose
 * work it is, signed in at Keycloak: the grid worker reports from a phone; the SWC
 * coordinator triages (the street office leading, the DRC co-handling); both
 * agencies accept; the street admin grants the officer a credential and publishes
 * the category's discretion standard, none being published; the officer registers
 * the vendor, reminds, warns, drafts a penalty inside the range; a legal reviewer
 * approves it from the review queue; the officer issues and publishes it; both
 * agencies complete their assignments, the coordinator verifies and closes; the
 * officer records the vendor's appeal and a legal reviewer its outcome, revoked.
 * Nobody reopens the case: SWC's reaction to the revocation does (docs/workflow.md,
 * "Reactions"), and the coordinator finds it reopened, to verify again. The case
 * page's timeline then shows every step once with who did it or what caused it,
 * and the event store holds each step's event once. No step goes through the API.
 */
describe('the vendor story, told in the console', () => {
  const identity = createTestIdentity();
  const basePort = 16700;
  let realm: TestRealm | undefined;
  let apps: Map<AppName, RunningApp> | undefined;
  let browser: Browser | undefined;
  let store: Store | undefined;
  let pages: ConsolePages;
  let caseId = '';
  let reportPhoto: Buffer = Buffer.alloc(0);
  let warningPhoto: Buffer = Buffer.alloc(0);
  let subjectId = '';
  let decisionId = '';
  // Names of this run: the event store outlives runs, and the credential registry
  // and a category's published standard with it.
  const run = randomBytes(3).toString('hex');
  const category = `street-vending-${run}`;
  const people = {
    worker: { username: `vs-worker-${run}`, agency: 'street', roles: ['grid-worker'] },
    coordinator: { username: `vs-coord-${run}`, agency: 'swc', roles: ['coordinator'] },
    officer: { username: `vs-officer-${run}`, agency: 'street', roles: ['officer'] },
    drc: { username: `vs-drc-${run}`, agency: 'drc', roles: ['coordinator'] },
    admin: { username: `vs-admin-${run}`, agency: 'street', roles: ['admin'] },
    reviewer: { username: `vs-reviewer-${run}`, agency: 'street', roles: ['legal-reviewer'] },
  } as const;
  type Person = keyof typeof people;
  const accounts = {} as Record<Person, Account>;
  const report: IssueReport = {
    grid: 'G-0312',
    category,
    place: 'school gate, north side',
    description: 'Unlicensed vending at the school gate at pick-up time',
  };

  const signedIn = (who: Person, options: { viewport?: typeof PHONE } = {}) =>
    pages.open(accounts[who], options);
  /** My work's item of this case of one kind, opened: it leads to the case page. */
  const fromMyWork = async (page: Page, kind: string) => {
    await page.getByTestId('nav-my-work').click();
    const item = page.locator(
      `[data-testid="my-work-item"][data-kind="${kind}"][data-case="${caseId}"]`,
    );
    await visible(item, `"${kind}" of the case in My work`, 60_000);
    await item.getByTestId('my-work-link').click();
    await casePage(page);
  };
  const casePage = (page: Page) =>
    visible(
      page.locator(`[data-testid="case-page"][data-case-id="${caseId}"]`),
      'the case page',
      30_000,
    );
  /** From the case page to the decision's page, by its link there. */
  const toDecision = async (page: Page) => {
    const link = page.locator(`[data-testid="decision-link"][data-decision-id="${decisionId}"]`);
    await visible(link, 'the decision on the case page', 30_000);
    await link.click();
    await visible(
      page.locator(`[data-testid="decision-page"][data-decision-id="${decisionId}"]`),
      'the decision page',
    );
  };
  /** An agency's inbox entry of the case on the case page, once in `status`. */
  const inboxEntry = (page: Page, agency: 'street' | 'drc', status: string) =>
    visible(
      page
        .getByTestId(`inbox-${agency}`)
        .locator(`[data-testid="inbox-entry"][data-status="${status}"]`),
      `the ${agency} assignment ${status}`,
      60_000,
    );

  /**
   * One person's step of the story. The story goes on from where the last step
   * left it: after a failed step the later ones are not tried, and say which broke.
   */
  let broken: string | undefined;
  const step = (name: string, body: () => Promise<void>) =>
    it(name, async () => {
      if (broken) throw new Error(`not tried: the story broke at "${broken}"`);
      try {
        await body();
      } catch (error) {
        broken = name;
        throw error;
      }
    });

  beforeAll(async () => {
    browser = await launchChromium();
    realm = await createTestRealm({ consoleOrigins: [`http://127.0.0.1:${basePort}`] });
    apps = await startApps(identity, { basePort, env: realm.appEnv(identity) });
    pages = new ConsolePages(browser, apps.get('gateway')?.url ?? '');
    store = await openPostgresStore(testInfra().databaseUrl, { poolSize: 2 });
    for (const [who, person] of Object.entries(people))
      accounts[who as Person] = await realm.user({
        username: person.username,
        agency: person.agency,
        roles: [...person.roles],
      });
  }, 240_000);

  // Each step is one person's session; its page is closed when the step ends.
  afterEach(() => pages.close());

  afterAll(async () => {
    await pages?.close();
    await browser?.close();
    await store?.close();
    await stopApps(apps);
    await realm?.delete();
  });

  step(
    'the grid worker reports the vending from a phone, the grid chosen from the grid map',
    async () => {
      const page = await signedIn('worker', { viewport: PHONE });
      await openReportForm(page, report.grid);
      reportPhoto = await fillReportForm(page, report);
      await page.getByTestId('submit-report-issue').click();
      const link = page.getByTestId('report-open-case');
      await visible(link, 'the case the report opened');
      caseId = (await link.getAttribute('href'))?.split('/').pop() ?? '';
      expect(caseId).toMatch(/^[0-9a-f-]{36}$/);
      expect(await page.getByTestId('recorded-report-issue').innerText()).toContain(caseId);
    },
  );

  step(
    'the SWC coordinator finds the case on the board and triages it: yellow, the street office leading, the DRC co-handling',
    async () => {
      const page = await signedIn('coordinator');
      await visible(page.getByTestId('board'), 'the board, where SWC lands');
      await setFilter(page.getByTestId('filter-grid'), report.grid);
      const row = page.locator(`[data-testid="case-row"][data-case-id="${caseId}"]`);
      await visible(row, 'the reported case on the board', 30_000);
      await row.getByRole('link').first().click();
      await casePage(page);
      await visible(page.getByTestId('form-triage-case'), 'the triage form', 30_000);
      expect(await page.getByTestId('triage-category').inputValue()).toBe(category);
      await page.getByTestId('triage-risk').selectOption('yellow');
      // Routine yellow: 72 hours (apps/swc-service/src/cases/sla.ts), shown before saving
      // once the SLA table is read.
      await until('the deadline of a yellow case shown', async () =>
        (await page.getByTestId('sla-preview').innerText()).includes('72 小时') ? true : undefined,
      );
      await page.getByTestId('triage-lead').selectOption('street');
      await page.getByTestId('triage-co-drc').check();
      await page.getByTestId('submit-triage-case').click();
      await visible(page.getByTestId('form-assign-agency'), 'the forms of a triaged case');
      await until('both assignments on the case page', async () => {
        // One snapshot of the rows (a row located by index may vanish on re-render).
        const agencies = await attributesOf(page.getByTestId('assignment'), 'data-agency');
        return agencies.sort().join() === 'drc,street' ? true : undefined;
      });
    },
  );

  step(
    'the street office accepts its lead assignment: the officer finds it in My work',
    async () => {
      const page = await signedIn('officer');
      await fromMyWork(page, 'accept-assignment');
      await inboxEntry(page, 'street', 'received');
      await page.getByTestId('inbox-street').getByTestId('submit-accept-assignment').click();
      await inboxEntry(page, 'street', 'accepted');
    },
  );

  step('the DRC accepts its co-handling assignment, found in its My work', async () => {
    const page = await signedIn('drc');
    await fromMyWork(page, 'accept-assignment');
    await inboxEntry(page, 'drc', 'received');
    await page.getByTestId('inbox-drc').getByTestId('submit-accept-assignment').click();
    await inboxEntry(page, 'drc', 'accepted');
  });

  step(
    'the street admin grants the officer a credential, sees no standard published for the category and publishes one',
    async () => {
      const page = await signedIn('admin');
      await page.getByTestId('nav-credentials').click();
      await visible(page.getByTestId('credentials-page'), 'the credential registry');
      await fillByTestId(page, {
        'grant-officer': people.officer.username,
        'grant-number': freshCredentialNumber('ZF-VS'),
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
        "the officer's valid credential in the registry",
      );

      await page.getByTestId('discretion-work').scrollIntoViewIfNeeded();
      await page.getByTestId('standard-category').fill(category);
      const current = page.getByTestId('standard-current');
      await visible(
        page.locator('[data-testid="standard-current"][data-state="none"]'),
        'that no standard is published for the category',
      );
      expect(await current.innerText()).toContain('尚未发布裁量基准');
      await screenshot(page, 'story-standard-none');
      await page.getByTestId('standard-first-offence-on').check();
      await page.getByTestId('standard-repeat-on').check();
      await fillByTestId(page, {
        'standard-first-offence-min': '50',
        'standard-first-offence-max': '200',
        'standard-repeat-min': '200',
        'standard-repeat-max': '2000',
        'standard-legal-basis': 'City appearance and environmental sanitation regulations, art. 17',
      });
      await page.getByTestId('submit-publish-standard').click();
      await recorded(page, 'publish-standard');
      await visible(
        page.locator('[data-testid="standard-current"][data-state="published"][data-version="1"]'),
        'version 1 in force',
      );
      const ranges: (string | null)[][] = [];
      for (const r of await current.getByTestId('standard-current-range').all())
        ranges.push(
          await Promise.all(['circumstance', 'min', 'max'].map((a) => r.getAttribute(`data-${a}`))),
        );
      expect(ranges).toEqual([
        ['first-offence', '50', '200'],
        ['repeat', '200', '2000'],
      ]);
    },
  );

  step('the officer registers the vendor, reminds, then warns with evidence', async () => {
    const page = await signedIn('officer');
    await fromMyWork(page, 'handle-assignment');
    await visible(page.getByTestId('street-work'), 'the enforcement work on the case page');
    // The case's category is the standard's: nothing to type again.
    expect(await page.getByTestId('enforcement-category').inputValue()).toBe(category);
    await fillByTestId(page, {
      'register-name': 'Wang Wei',
      'register-identifier': '110105199001011234',
    });
    await page.getByTestId('submit-register-subject').click();
    await recorded(page, 'register-subject');
    subjectId = await page.getByTestId('subject-select').inputValue();
    expect(subjectId).toMatch(/^[0-9a-f-]{36}$/);

    await fillByTestId(page, {
      'issue-reminder-explanation':
        'Vending at the gate blocks pupils; the market has free pitches',
      'issue-reminder-place-description': 'school gate',
    });
    await page.getByTestId('submit-issue-reminder').click();
    await recorded(page, 'issue-reminder');
    await fillByTestId(page, {
      'issue-warning-explanation': 'Second time: a fine follows next time',
      'issue-warning-place-description': 'school gate',
      'issue-warning-evidence-description': 'stall at the gate at pick-up',
      'issue-warning-evidence-place-description': 'school gate',
    });
    // The photo goes to the evidence store; its SHA-256 fills the digest field.
    warningPhoto = await attachPhoto(page, 'issue-warning-evidence');
    await page.getByTestId('submit-issue-warning').click();
    await recorded(page, 'issue-warning');
  });

  step(
    'the officer drafts a penalty inside the published range and asks for legal review',
    async () => {
      const page = await signedIn('officer');
      await page.goto(`/cases/${caseId}`);
      await visible(page.getByTestId('form-propose-penalty'), 'the penalty form', 30_000);
      await page.getByTestId('subject-select').selectOption(subjectId);
      await page.getByTestId('penalty-circumstance').selectOption('repeat');
      const range = page.locator('[data-testid="discretion-range"][data-max]');
      await visible(range, 'the published range beside the amount');
      expect(
        await Promise.all(['min', 'max', 'version'].map((a) => range.getAttribute(`data-${a}`))),
      ).toEqual(['200', '2000', '1']);
      await fillByTestId(page, {
        'penalty-amount': '1500',
        'penalty-facts': 'Third time vending at the school gate after a reminder and a warning',
        'penalty-legal-basis': 'City appearance and environmental sanitation regulations, art. 17',
        'propose-penalty-evidence-sha256': 'b7'.repeat(32),
        'propose-penalty-evidence-description': 'stall at the gate during pick-up',
        'propose-penalty-evidence-place-description': 'school gate',
      });
      // Closing the stall makes the decision major: it needs a legal reviewer's approval.
      await page.getByTestId('penalty-measure').selectOption('closure');
      await page.getByTestId('submit-propose-penalty').click();
      await recorded(page, 'propose-penalty');
      await page.getByTestId('proposed-decision-link').click();
      await visible(page.getByTestId('decision-page'), 'the decision page');
      decisionId = (await page.getByTestId('decision-page').getAttribute('data-decision-id')) ?? '';
      expect(decisionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(await page.getByTestId('form-issue-decision').count()).toBe(0);
      await page.getByTestId('submit-request-review').click();
      await decisionStatus(page, 'review-requested');
    },
  );

  step('a legal reviewer, not its drafter, approves it from the review queue', async () => {
    const page = await signedIn('reviewer');
    await page.getByTestId('nav-reviews').click();
    const item = page.locator(`[data-testid="review-item"][data-decision-id="${decisionId}"]`);
    await visible(item, 'the draft in the review queue');
    await item.locator('a').first().click();
    await visible(page.getByTestId('form-approve-draft'), 'the approval form');
    await page.getByTestId('approve-note').fill('Facts proven; within the range');
    await page.getByTestId('submit-approve-draft').click();
    await decisionStatus(page, 'approved');
  });

  step('the officer issues the decision and publishes it', async () => {
    const page = await signedIn('officer');
    await page.goto(`/cases/${caseId}`);
    await toDecision(page);
    await page.getByTestId('submit-issue-decision').click();
    await decisionStatus(page, 'issued');
    await page.getByTestId('submit-publish-decision').click();
    await visible(
      page.locator('[data-testid="decision-publicity"][data-state="published"]'),
      'the decision published',
    );
    await page.getByTestId('decision-case-link').click();
    await visible(
      page.locator('[data-testid="publicity-state"][data-state="published"]'),
      'the publicity on the case page',
      30_000,
    );
  });

  step('the street office completes its lead assignment', async () => {
    const page = await signedIn('officer');
    await page.goto(`/cases/${caseId}`);
    await inboxEntry(page, 'street', 'accepted');
    const inbox = page.getByTestId('inbox-street');
    await inbox
      .getByTestId('complete-assignment-outcome')
      .fill('Penalty issued and published; the gate is clear');
    await inbox.getByTestId('submit-complete-assignment').click();
    await inboxEntry(page, 'street', 'completed');
  });

  step('the DRC completes its co-handling', async () => {
    const page = await signedIn('drc');
    await page.goto(`/cases/${caseId}`);
    await inboxEntry(page, 'drc', 'accepted');
    const inbox = page.getByTestId('inbox-drc');
    await inbox
      .getByTestId('complete-assignment-outcome')
      .fill('Stall offered on the market square');
    await inbox.getByTestId('submit-complete-assignment').click();
    await inboxEntry(page, 'drc', 'completed');
  });

  step(
    'the coordinator, told by My work that the case awaits verification, verifies and closes it',
    async () => {
      const page = await signedIn('coordinator');
      await fromMyWork(page, 'verify');
      await visible(page.getByTestId('form-verify-outcome'), 'the verification form');
      await page.getByTestId('verify-note').fill('Gate clear at pick-up on three visits');
      await page.getByTestId('submit-verify-outcome').click();
      await visible(page.getByTestId('form-close-case'), 'the close form of a verified case');
      await page.getByTestId('submit-close-case').click();
      await visible(
        page.locator('[data-testid="swc-work"][data-status="closed"]'),
        'the case closed',
      );
      await visible(page.getByTestId('form-reopen-case'), 'the reopen form of a closed case');
    },
  );

  step("the officer records the vendor's appeal", async () => {
    const page = await signedIn('officer');
    await page.goto(`/cases/${caseId}`);
    await toDecision(page);
    await page.getByTestId('appeal-appellant').selectOption('subject');
    await page.getByTestId('appeal-grounds').fill('I had nowhere else to sell');
    await page.getByTestId('submit-file-appeal').click();
    await visible(
      page.locator('[data-testid="decision-appeal"][data-state="pending"]'),
      'the appeal pending',
    );
  });

  step(
    'a legal reviewer, told by My work, records the outcome from the case page: revoked',
    async () => {
      const page = await signedIn('reviewer');
      await fromMyWork(page, 'appeal-outcome');
      await visible(page.getByTestId('street-decisions'), "the case's decisions for a reviewer");
      await toDecision(page);
      await page.getByTestId('appeal-outcome').selectOption('revoked');
      await page.getByTestId('appeal-outcome-reasons').fill('The closure was disproportionate');
      await page.getByTestId('submit-record-appeal-outcome').click();
      await decisionStatus(page, 'revoked');
      // Revoked, it is no longer in force: its publicity is retracted with it.
      await visible(
        page.locator('[data-testid="decision-publicity"][data-state="retracted"]'),
        'the publicity retracted',
      );
    },
  );

  step(
    'nobody reopens the case: the revocation does, and the coordinator finds it in My work to verify again',
    async () => {
      const page = await signedIn('coordinator');
      await fromMyWork(page, 'verify');
      await visible(
        page.locator('[data-testid="swc-work"][data-status="open"]'),
        'the case open again',
      );
      await visible(page.getByTestId('form-verify-outcome'), 'the verification form again');
      expect(await page.getByTestId('form-reopen-case').count()).toBe(0);
      await until('the reopening counted', async () =>
        (await page.getByTestId('reopen-count').innerText()) === '1' ? true : undefined,
      );
      // On the timeline: the reopening, drawn as caused by the appeal's outcome.
      const entry = (type: string) =>
        page.locator(`[data-testid="timeline-entry"][data-type="${type}"]`);
      await visible(entry('swc.case.reopened.v1'), 'the reopening on the timeline', 30_000);
      const [decided, reopened] = await Promise.all(
        ['street.decision.appeal-decided.v1', 'swc.case.reopened.v1'].map((type) =>
          entry(type).getAttribute('data-event-id'),
        ),
      );
      await visible(
        page.locator(
          `[data-testid="causation-link"][data-from="${decided}"][data-to="${reopened}"]`,
        ),
        'the link from the appeal outcome to the reopening',
      );
      await entry('swc.case.reopened.v1').focus();
      await page.getByTestId('entry-details').scrollIntoViewIfNeeded();
      await screenshot(page, 'story-reopened');
    },
  );

  /** Each step: the person who did it, or (a reaction) the event of the case that caused it. */
  const STEPS: readonly [type: string, by: Person | { causedBy: string }][] = [
    ['street.issue.reported.v1', 'worker'],
    ['swc.case.opened.v1', { causedBy: 'street.issue.reported.v1' }],
    ['swc.case.triaged.v1', 'coordinator'],
    ['swc.case.assignment-made.v1', 'coordinator'],
    ['swc.case.assignment-made.v1', 'coordinator'],
    ['street.assignment.received.v1', { causedBy: 'swc.case.assignment-made.v1' }],
    ['drc.assignment.received.v1', { causedBy: 'swc.case.assignment-made.v1' }],
    ['street.assignment.accepted.v1', 'officer'],
    ['swc.case.assignment-accepted.v1', { causedBy: 'street.assignment.accepted.v1' }],
    ['drc.assignment.accepted.v1', 'drc'],
    ['swc.case.assignment-accepted.v1', { causedBy: 'drc.assignment.accepted.v1' }],
    ['street.subject.registered.v1', 'officer'],
    ['street.enforcement.reminder-issued.v1', 'officer'],
    ['street.enforcement.warning-issued.v1', 'officer'],
    ['street.decision.penalty-proposed.v1', 'officer'],
    ['street.decision.review-requested.v1', 'officer'],
    ['street.decision.approved.v1', 'reviewer'],
    ['street.decision.issued.v1', 'officer'],
    ['street.decision.published.v1', 'officer'],
    ['street.assignment.completed.v1', 'officer'],
    ['swc.case.assignment-completed.v1', { causedBy: 'street.assignment.completed.v1' }],
    ['drc.assignment.completed.v1', 'drc'],
    ['swc.case.assignment-completed.v1', { causedBy: 'drc.assignment.completed.v1' }],
    ['swc.case.outcome-verified.v1', 'coordinator'],
    ['swc.case.closed.v1', 'coordinator'],
    ['street.decision.appeal-filed.v1', 'officer'],
    ['street.decision.appeal-decided.v1', 'reviewer'],
    ['street.decision.publicity-retracted.v1', 'reviewer'],
    ['swc.case.reopened.v1', { causedBy: 'street.decision.appeal-decided.v1' }],
  ];
  const described = (type: string, by: string) => `${type} ${by}`;

  step(
    "the case page's timeline shows every step once, with who did it or what caused it",
    async () => {
      const page = await signedIn('coordinator');
      await page.goto(`/cases/${caseId}`);
      await casePage(page);
      // Each agency's topic is projected on its own: the page is live until all are in.
      const shown = await until(
        `the ${STEPS.length} steps on the timeline`,
        async () => {
          const entries = await timelineEntries(page);
          return entries.length >= STEPS.length ? entries : undefined;
        },
        60_000,
      );
      const byId = new Map(shown.map((e) => [e.eventId, e]));
      const links = await causationLinks(page);
      const seen: string[] = [];
      for (const entry of shown) {
        // Focused (as the arrow keys do), an entry's details say who acted and what caused it.
        await page
          .locator(`[data-testid="timeline-entry"][data-event-id="${entry.eventId}"]`)
          .focus();
        const details = page.locator(
          `[data-testid="entry-details"][data-event-id="${entry.eventId}"]`,
        );
        await visible(details, `the details of ${entry.type}`);
        const actor = details.getByTestId('entry-actor');
        const cause = await details.getByTestId('entry-caused-by').getAttribute('data-event-id');
        if (cause) {
          // A reaction: a service acted, caused by an event of this case, drawn as a link.
          expect([entry.type, await actor.getAttribute('data-kind')]).toEqual([
            entry.type,
            'service',
          ]);
          expect(links).toContainEqual({ from: cause, to: entry.eventId });
          seen.push(described(entry.type, `causedBy ${byId.get(cause)?.type ?? cause}`));
        } else {
          // A person's own act: nothing of the case caused it.
          const id = (await actor.getAttribute('data-actor')) ?? '';
          const who = Object.entries(people).find(([, p]) => p.username === id)?.[0] ?? id;
          seen.push(described(entry.type, who));
        }
      }
      const expected = STEPS.map(([type, by]) =>
        described(type, typeof by === 'string' ? by : `causedBy ${by.causedBy}`),
      );
      expect([...seen].sort()).toEqual([...expected].sort());
    },
  );

  step("the event store holds each step's event exactly once", async () => {
    const events = await store!.store.readCase(caseId);
    const history = events.map((e) => e.type);
    expect([...history].sort()).toEqual(STEPS.map(([type]) => type).sort());
    // Both photos are in the record as stored files, with the digests of the bytes chosen.
    const digest = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    const reported = events.find((e) => e.type === 'street.issue.reported.v1')?.data as {
      photos?: { files: { sha256: string; file: { contentType: string; size: number } }[] };
    };
    expect(reported.photos?.files).toHaveLength(1);
    expect(reported.photos?.files[0]).toMatchObject({
      sha256: digest(reportPhoto),
      file: { contentType: 'image/jpeg', size: reportPhoto.length },
    });
    const warned = events.find((e) => e.type === 'street.enforcement.warning-issued.v1')?.data as {
      evidence: { sha256: string; file?: { size: number } }[];
    };
    expect(warned.evidence[0]).toMatchObject({
      sha256: digest(warningPhoto),
      file: { size: warningPhoto.length },
    });
    // The street office's governance facts are streams of their own, outside the case.
    const stream = async (id: string) => (await store!.store.readStream(id)).map((e) => e.type);
    expect(await stream(`street-credential-${people.officer.username}`)).toEqual([
      'street.credential.granted.v1',
    ]);
    expect(await stream(`street-discretion-${category}`)).toEqual([
      'street.discretion.standard-published.v1',
    ]);
  });

  it('no page error or CSP violation throughout', () => {
    expect(pages.problems()).toEqual([]);
  });
});
