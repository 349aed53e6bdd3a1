import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  client,
  createTestIdentity,
  startApps,
  stopApps,
  VENDOR_STORY_ORDER,
  VENDOR_STORY_PLACE,
  vendorStory,
  createTestRealm,
  type TestRealm,
  type AppName,
  type RunningApp,
  type VendorStory,
  type VendorStoryEntry,
} from '@gridline/testing';
import {
  attributesOf,
  launchChromium,
  newConsolePage,
  screenshot,
  loginAtProvider,
  setFilter,
  signIn,
  timelineEntries as pageEntries,
  until,
  visible,
  type Account,
  type PageProblems,
} from '../support/browser.js';

/**
 * The web console (apps/console) in Debian's chromium, served by the gateway
 * from the build, against the five apps and the real servers: a coordinator
 * signs in, finds the vendor story's case on the board, reads its timeline
 * across the three agencies, travels back in time, watches the appeal arrive
 * live; analytics, the rebuild monitor, both languages. Only data-testids
 * (docs/console.md) and visible text. With GRIDLINE_SCREENSHOTS=1 it also takes
 * the screenshots of docs/screenshots.
 */
describe('the console in a browser', () => {
  const identity = createTestIdentity();
  // A grid hardly any other case is in: the board's grid filter narrows to a few.
  const grid = `Z-${String(randomBytes(2).readUInt16BE() % 10_000).padStart(4, '0')}`;
  let apps: Map<AppName, RunningApp> | undefined;
  let browser: Browser | undefined;
  let story: VendorStory;
  let caseId = '';
  let reportId = '';
  let decision = '';
  let base = '';
  let coordinatorToken = '';
  let realm: TestRealm | undefined;
  let coordinatorAccount: Account;
  let adminAccount: Account;
  let coordinator: { context: BrowserContext; page: Page; problems: PageProblems };
  const contexts: BrowserContext[] = [];
  const allProblems: PageProblems[] = [];

  const open = async (options: { acceptDownloads?: boolean } = {}) => {
    const made = await newConsolePage(browser!, { baseURL: base, ...options });
    contexts.push(made.context);
    allProblems.push(made.problems);
    return made;
  };
  const gatewayApi = (token: string) => client(base, token);
  const timeline = async () => {
    const r = await gatewayApi(coordinatorToken).get<{ entries: VendorStoryEntry[] }>(
      `/api/cases/${caseId}/timeline`,
    );
    if (r.status !== 200) throw new Error(`timeline: ${r.status}`);
    return r.body.entries;
  };

  beforeAll(async () => {
    // First, so a machine without chromium fails at once with what to install.
    browser = await launchChromium();
    // People sign in at a Keycloak realm of this test; the story is seeded with the test's own tokens.
    realm = await createTestRealm({ consoleOrigins: ['http://127.0.0.1:16000'] });
    apps = await startApps(identity, { basePort: 16000, env: realm.appEnv(identity) });
    base = apps.get('gateway')?.url ?? '';
    const index = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
    if (index.status !== 200)
      throw new Error(
        `the gateway does not serve the console (${index.status}): ${await index.text()}`,
      );
    story = await vendorStory(identity, apps, { place: { ...VENDOR_STORY_PLACE, grid } });
    // A pause between the enforcement and the DRC's project: time travel lands in it.
    const told = await story.toClosure({
      afterEnforcement: () => new Promise((r) => setTimeout(r, 3_000)),
    });
    ({ caseId, reportId, decision } = told);
    await story.timelineWith(
      caseId,
      VENDOR_STORY_ORDER.slice(0, VENDOR_STORY_ORDER.indexOf('swc.case.closed.v1') + 1),
    );
    coordinatorToken = await identity.token({
      sub: 'coord-1',
      agency: 'swc',
      roles: ['coordinator'],
    });
    coordinatorAccount = await realm.user({
      username: 'coord-1',
      agency: 'swc',
      roles: ['coordinator'],
    });
    adminAccount = await realm.user({ username: 'ops-1', agency: 'swc', roles: ['admin'] });
    coordinator = await open();
    await signIn(coordinator.page, coordinatorAccount);
  }, 240_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await stopApps(apps);
    await realm?.delete();
  });

  const row = (page: Page, id: string) =>
    page.locator(`[data-testid="case-row"][data-case-id="${id}"]`);
  const entriesOf = (page: Page, type: string) =>
    page.locator(`[data-testid="timeline-entry"][data-type="${type}"]`);
  async function liveState(page: Page): Promise<string | null> {
    return page.getByTestId('live-status').first().getAttribute('data-state');
  }

  it("signs in at the identity provider's login page and shows who is signed in; a wrong password is refused there", async () => {
    const { page } = await open();
    await page.goto('/');
    await visible(page.getByTestId('signin-submit'), 'the sign-in page at /');
    await screenshot(page, 'signin');
    await page.getByTestId('signin-submit').click();
    await loginAtProvider(page, { username: 'coord-1', password: 'not-the-password-1A' });
    // Keycloak shows its refusal on its own page; the console was never given a token.
    await visible(
      page.locator('#input-error, .kc-feedback-text, [id^=input-error]'),
      "the provider's refusal",
    );
    expect(new URL(page.url()).origin).not.toBe(base);

    await loginAtProvider(page, coordinatorAccount);
    await visible(page.getByTestId('whoami'), 'who is signed in');
    const whoami = await page.getByTestId('whoami').innerText();
    expect(whoami).toContain('coord-1');
    expect(whoami).toMatch(/swc/i);
    expect(whoami).toContain('coordinator');
    await until('the board after sign-in', () =>
      new URL(page.url()).pathname === '/board' ? true : undefined,
    );
    await page.getByTestId('signout').click();
    await visible(page.getByTestId('signin-submit'), 'the sign-in page after signing out');
  });

  it('lists the case on the board with its risk colour, live; filters narrow it', async () => {
    const { page } = coordinator;
    await page.goto('/board');
    await visible(page.getByTestId('board'), 'the board');
    await visible(row(page, caseId), `the vendor story's case ${caseId} on the board`);
    expect(await row(page, caseId).getAttribute('data-risk')).toBe('yellow');
    expect(await row(page, caseId).getAttribute('data-status')).toBe('closed');
    await until('the live indicator live', async () =>
      (await liveState(page)) === 'live' ? true : undefined,
    );
    await screenshot(page, 'board');

    await setFilter(page.getByTestId('filter-grid'), grid);
    // The cases of that grid, as the API lists them (earlier runs may have left some).
    const inGrid = await gatewayApi(coordinatorToken).get<{ items: { caseId: string }[] }>(
      `/api/cases?grid=${grid}&limit=100`,
    );
    const expected = inGrid.body.items.map((c) => c.caseId).sort();
    expect(expected).toContain(caseId);
    await until(`only the cases of grid ${grid}: ${expected.join(', ')}`, async () => {
      // One snapshot of the rows: a row located by index may vanish while the
      // filtered list re-renders, and reading it would wait 30 s.
      const ids = await attributesOf(page.getByTestId('case-row'), 'data-case-id');
      return JSON.stringify(ids.sort()) === JSON.stringify(expected) ? true : undefined;
    });
    expect(new URL(page.url()).searchParams.get('grid')).toBe(grid);
    await setFilter(page.getByTestId('filter-risk'), 'red');
    await until('no case left: it is yellow, not red', async () =>
      (await page.getByTestId('case-row').count()) === 0 ? true : undefined,
    );
    await setFilter(page.getByTestId('filter-risk'), 'yellow');
    await visible(row(page, caseId), 'the case again under the yellow filter');

    // A row opens its case (its link).
    await row(page, caseId).getByRole('link').first().click();
    await until(`the case page of ${caseId} from its row`, () =>
      new URL(page.url()).pathname === `/cases/${caseId}` ? true : undefined,
    );
  });

  it('shows the case with all three agencies in timeline order, with causation', async () => {
    const { page } = coordinator;
    await page.goto(`/cases/${caseId}`);
    await visible(
      page.locator(`[data-testid="case-page"][data-case-id="${caseId}"]`),
      'the case page',
    );
    // The page and the API agree on every entry and its order (the projector may still add some).
    const shown = await until(
      'the page showing the timeline the API serves, in order',
      async () => {
        const api = (await timeline()).map((e) => e.eventId);
        const onPage = await pageEntries(page);
        return JSON.stringify(onPage.map((e) => e.eventId)) === JSON.stringify(api)
          ? onPage
          : undefined;
      },
      30_000,
    );
    expect(shown.map((e) => e.index)).toEqual(shown.map((_, i) => i));
    for (const agency of ['swc', 'drc', 'street']) {
      const lane = page.getByTestId(`lane-${agency}`);
      const inLane = lane.getByTestId('timeline-entry');
      expect([agency, (await inLane.count()) > 0]).toEqual([agency, true]);
      for (const entry of await inLane.all())
        expect(await entry.getAttribute('data-agency')).toBe(agency);
    }
    // The report caused the SWC case: drawn as a link between them.
    expect(await page.getByTestId('causation-link').count()).toBeGreaterThan(0);
    const opened = (await timeline()).find((e) => e.type === 'swc.case.opened.v1');
    await visible(
      page.locator(
        `[data-testid="causation-link"][data-from="${reportId}"][data-to="${opened?.eventId}"]`,
      ),
      'the causation link from the report to the case it opened',
    );
    // The handling around the timeline: both assignments done, the 721 steps, evidence, publicity.
    const assignments = await Promise.all(
      (await page.getByTestId('assignment').all()).map(async (a) =>
        [await a.getAttribute('data-agency'), await a.getAttribute('data-status')].join(':'),
      ),
    );
    expect(assignments.sort()).toEqual(['drc:completed', 'street:completed']);
    const steps = page.getByTestId('enforcement-steps');
    for (const step of ['reminder', 'warning', 'penalty'])
      expect([
        step,
        await steps.locator(`[data-step="${step}"]`).getAttribute('data-state'),
      ]).toEqual([step, 'done']);
    expect(await page.getByTestId('evidence-digest').count()).toBeGreaterThan(0);
    await visible(page.getByTestId('publicity-state'), 'the publicity of the penalty');
    await screenshot(page, 'case');
  });

  it('is usable from the keyboard: arrows, Home and End move along the timeline, Enter opens an entry', async () => {
    const { page } = coordinator;
    await page.goto(`/cases/${caseId}`);
    const entries = page.getByTestId('timeline-entry');
    await visible(entries.first(), 'the timeline entries');
    const count = await entries.count();
    /** The data-index of the focused element (the page's document, typed here by hand). */
    const focusedIndex = () =>
      page.evaluate(
        () =>
          (
            globalThis as unknown as {
              document: { activeElement: { getAttribute(name: string): string | null } | null };
            }
          ).document.activeElement?.getAttribute('data-index') ?? null,
      );
    // Tab from the top of the page until an entry has the focus: no mouse.
    await page.locator('body').focus();
    let reached: string | null = null;
    for (let presses = 0; presses < 60 && reached === null; presses++) {
      await page.keyboard.press('Tab');
      reached = await focusedIndex();
    }
    expect(reached).not.toBeNull();
    await page.keyboard.press('Home');
    expect(await focusedIndex()).toBe('0');
    await page.keyboard.press('ArrowRight');
    expect(await focusedIndex()).toBe('1');
    await page.keyboard.press('End');
    expect(await focusedIndex()).toBe(String(count - 1));
    await page.keyboard.press('ArrowLeft');
    expect(await focusedIndex()).toBe(String(count - 2));
    await page.keyboard.press('Enter');
    const chosen = page.locator(`[data-testid="timeline-entry"][data-index="${count - 2}"]`);
    expect(await chosen.getAttribute('aria-pressed')).toBe('true');
    await visible(
      page.locator('.entry-details').getByText(`#${count - 1}`, { exact: true }),
      'the details of the entry chosen with Enter',
    );
  });

  it('travels back in time: fewer entries, the later ones absent, what changed since; then back to now', async () => {
    const { page } = coordinator;
    await page.goto(`/cases/${caseId}`);
    const entries = await timeline();
    const at = (type: string) => Date.parse(entries.find((e) => e.type === type)?.time ?? '');
    const before = at('street.decision.published.v1');
    const after = at('drc.project.proposed.v1');
    expect(after - before).toBeGreaterThan(2_000); // the pause the story made
    const wanted = before + (after - before) / 2;

    // The slider (over the case's first..last event time) if its step lands in the pause, else the picker.
    const slider = page.getByTestId('time-slider');
    await visible(slider, 'the time slider on the case page');
    const min = Number(await slider.getAttribute('min'));
    const max = Number(await slider.getAttribute('max'));
    const stepText = (await slider.getAttribute('step')) ?? '1';
    const unit = max > 1e11 ? 1 : 1_000; // epoch ms or seconds
    const step = stepText === 'any' ? 1 : Number(stepText);
    const value = min + Math.round((wanted / unit - min) / step) * step;
    let chosen = value * unit;
    if (chosen > before && chosen < after) await slider.fill(String(value));
    else {
      chosen = Math.floor(wanted / 1_000) * 1_000;
      // datetime-local in the browser's zone (Asia/Shanghai, UTC+8 all year).
      const local = new Date(chosen + 8 * 3_600_000).toISOString().slice(0, 19);
      await page.getByTestId('time-picker').fill(local);
      await page.getByTestId('time-picker').press('Enter');
    }
    await visible(page.getByTestId('as-of-label'), 'the as-of label once a time is set');
    const label = await page.getByTestId('as-of-label').innerText();
    expect(label).toContain(new Date(chosen).toISOString().slice(0, 16));
    await until('the case as it stood: published penalty in, DRC project not yet', async () =>
      (await entriesOf(page, 'drc.project.proposed.v1').count()) === 0 &&
      (await entriesOf(page, 'street.decision.published.v1').count()) === 1
        ? true
        : undefined,
    );
    const then = await pageEntries(page);
    expect(then.length).toBeLessThan(entries.length);
    expect(then.length).toBe(entries.filter((e) => Date.parse(e.time) <= chosen).length);
    expect(new URL(page.url()).searchParams.get('asOf')).not.toBeNull();
    await visible(page.getByTestId('diff-panel'), 'the diff panel (then → now)');
    await visible(page.getByTestId('diff-change'), 'at least one change since then');
    await screenshot(page, 'time-travel');
    await page.getByTestId('diff-panel').scrollIntoViewIfNeeded();
    await screenshot(page, 'time-travel-diff');

    await page.getByTestId('time-now').click();
    await visible(entriesOf(page, 'drc.project.proposed.v1'), 'the later entries back at now');
    await until('the as-of label gone at now', async () =>
      (await page.getByTestId('as-of-label').isVisible()) ? undefined : true,
    );
    expect((await pageEntries(page)).length).toBe((await timeline()).length);
  });

  it('shows a new event live, without reloading, as the vendor appeals', async () => {
    const { page } = coordinator;
    await page.goto(`/cases/${caseId}`);
    await visible(entriesOf(page, 'swc.case.closed.v1'), 'the case page at now');
    expect(await entriesOf(page, 'street.decision.appeal-filed.v1').count()).toBe(0);
    const appealBefore = await (
      await visible(page.getByTestId('appeal-state'), 'the appeal state (none yet)')
    )
      .first()
      .innerText();
    // A mark in this document: a reload would lose it.
    await page.evaluate(() => {
      (globalThis as Record<string, unknown>)['gridlineNoReload'] = true;
    });
    await story.appealUpheld(decision);
    await visible(
      entriesOf(page, 'street.decision.appeal-filed.v1'),
      'the appeal arriving live on the open case page',
      30_000,
    );
    await visible(
      entriesOf(page, 'street.decision.appeal-decided.v1'),
      'the appeal outcome, live',
      30_000,
    );
    await until('the appeal state changed on the page, live', async () =>
      (await page.getByTestId('appeal-state').first().innerText()) !== appealBefore
        ? true
        : undefined,
    );
    expect(
      await page.evaluate(() => (globalThis as Record<string, unknown>)['gridlineNoReload']),
    ).toBe(true);

    await page.getByTestId('nav-board').click();
    await visible(page.getByTestId('board'), 'the board from the navigation');
    await until('the live indicator live on the board', async () =>
      (await liveState(page)) === 'live' ? true : undefined,
    );
  });

  it('shows the three charts in analytics and exports each as CSV with a header row', async () => {
    const { page } = coordinator;
    await page.goto('/board');
    await page.getByTestId('nav-analytics').click();
    for (const chart of ['chart-721', 'chart-sla', 'chart-response']) {
      await visible(page.getByTestId(chart), `the ${chart} chart`);
      await until(`figures behind ${chart} (an SVG <title> per bar or point)`, async () =>
        (await page.getByTestId(chart).locator('rect title, circle title, path title').count()) > 0
          ? true
          : undefined,
      );
    }
    await screenshot(page, 'analytics');
    for (const name of ['721', 'sla', 'response']) {
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 15_000 }),
        page.getByTestId(`export-csv-${name}`).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/\.csv$/);
      const lines = readFileSync(await download.path(), 'utf8')
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/);
      const header = lines[0] ?? '';
      expect([name, header.split(',').length > 1, /[A-Za-z\u4e00-\u9fff]/.test(header)]).toEqual([
        name,
        true,
        true,
      ]);
    }
  });

  it('shows admins the rebuild monitor with the read-model version and the dead letters; others see no operations', async () => {
    const { page } = await open();
    await signIn(page, adminAccount);
    await visible(page.getByTestId('nav-operations'), 'the operations link for an admin');
    await page.getByTestId('nav-operations').click();
    await visible(page.getByTestId('rebuild-monitor'), 'the rebuild monitor');
    await page.getByTestId('readmodel-version').waitFor({ state: 'attached', timeout: 15_000 });
    const adminToken = await identity.token({ sub: 'ops-1', agency: 'swc', roles: ['admin'] });
    const { body } = await gatewayApi(adminToken).get<{
      topics: { topic: string; messages: number }[];
    }>('/api/admin/dead-letters');
    const topics = await until('a dead-letter count per topic', async () => {
      const shown = await Promise.all(
        (await page.getByTestId('deadletter-count').all()).map((c) => c.getAttribute('data-topic')),
      );
      return shown.length === body.topics.length ? shown : undefined;
    });
    expect([...topics].sort()).toEqual(body.topics.map((t) => t.topic).sort());
    await screenshot(page, 'operations');

    const coordinatorPage = coordinator.page;
    await coordinatorPage.goto('/board');
    await visible(coordinatorPage.getByTestId('board'), 'the board for a coordinator');
    expect(await coordinatorPage.getByTestId('nav-operations').count()).toBe(0);
    await coordinatorPage.goto('/operations');
    await visible(coordinatorPage.getByTestId('whoami'), 'the console at /operations');
    expect(await coordinatorPage.getByTestId('rebuild-start').count()).toBe(0);
  });

  it('switches between Chinese and English', async () => {
    const { page } = coordinator;
    await page.goto('/board');
    await visible(page.getByTestId('nav-board'), 'the navigation');
    const lang = () => page.locator('html').getAttribute('lang');
    expect(await lang()).toBe('zh-CN');
    const chinese = await page.getByTestId('nav-board').innerText();
    expect(chinese).toMatch(/[\u4e00-\u9fff]/);
    const toggle = async (to: string) => {
      const control = page.getByTestId('lang-switch');
      if ((await control.evaluate((e: { tagName: string }) => e.tagName)) === 'SELECT')
        await control.selectOption(to);
      else await control.click();
      await until(`<html lang="${to}">`, async () => ((await lang()) === to ? true : undefined));
    };
    await toggle('en');
    const english = await page.getByTestId('nav-board').innerText();
    expect(english).not.toBe(chinese);
    expect(english).toMatch(/[A-Za-z]/);
    await toggle('zh-CN');
    expect(await page.getByTestId('nav-board').innerText()).toBe(chinese);
  });

  it('ran under a strict Content-Security-Policy without a violation or an error in the page', async () => {
    const csp = (
      await fetch(`${base}/cases/${caseId}`, { headers: { accept: 'text/html' } })
    ).headers.get('content-security-policy');
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(allProblems.flatMap((p) => p.cspViolations)).toEqual([]);
    expect(allProblems.flatMap((p) => p.errors)).toEqual([]);
  });
});
