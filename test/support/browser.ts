/**
 * Browser tests (test/browser/*.browser.spec.ts): Debian's chromium driven by
 * playwright-core (no browser download). CI installs the package (scripts/lib.mjs
 * `ensureChromium`); anywhere else a missing chromium fails the tests at once
 * with what to install. Not exported from @gridline/testing: only the browser
 * tier loads playwright.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { jpegBytes } from './evidence.js';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];
/** The size the screenshots in docs/ are taken at. */
export const VIEWPORT = { width: 1366, height: 768 };

const root = path.resolve(import.meta.dirname, '..', '..');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: the browser tests run Debian's chromium. Install it as root with ` +
        '`apt-get install chromium` (`npm test` does so itself when it runs as root).',
    );
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

/**
 * What went wrong in the page while a test ran: uncaught errors, console errors
 * (a Content-Security-Policy violation among them), failed requests to the
 * gateway. Tests assert it stays empty where nothing should fail.
 */
export interface PageProblems {
  readonly errors: string[];
  readonly cspViolations: string[];
}

export async function newConsolePage(
  browser: Browser,
  options: { baseURL: string; acceptDownloads?: boolean },
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({
    baseURL: options.baseURL,
    viewport: VIEWPORT,
    acceptDownloads: options.acceptDownloads ?? true,
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  const problems: PageProblems = { errors: [], cspViolations: [] };
  page.on('pageerror', (error) => problems.errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (/Content Security Policy/i.test(text)) problems.cspViolations.push(text);
  });
  return { context, page, problems };
}

/** Waits until the element is visible, failing with `what` and the wait. */
export async function visible(
  locator: Locator,
  what: string,
  timeoutMs = 15_000,
): Promise<Locator> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    throw new Error(`${what}: not visible after ${timeoutMs} ms (${String(locator)})`);
  }
  return locator;
}

/**
 * Waits until the element is visible in a paged list, pressing the list's "load
 * more" button (`moreTestId`) as a person would while it is not shown yet: a
 * shared test database holds more rows than a page.
 */
export async function visibleInPages(
  page: Page,
  locator: Locator,
  moreTestId: string,
  what: string,
  timeoutMs = 30_000,
): Promise<Locator> {
  await until(
    what,
    async () => {
      if (await locator.first().isVisible()) return true;
      const more = page.getByTestId(moreTestId);
      if (await more.isVisible()) await more.click();
      return undefined;
    },
    timeoutMs,
  );
  return locator;
}

/** An attribute of every element `locator` matches, read in one snapshot of the page. */
export function attributesOf(locator: Locator, name: string): Promise<(string | null)[]> {
  return locator.evaluateAll(
    (elements: { getAttribute(name: string): string | null }[], attribute: string) =>
      elements.map((element) => element.getAttribute(attribute)),
    name,
  );
}

/** Polls `probe` in the test until it returns a value; fails with `what` and the last value seen. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = 'not yet';
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not reached in ${timeoutMs} ms (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * A screenshot of the current view into docs/screenshots/<name>.png, only when
 * GRIDLINE_SCREENSHOTS=1 (so test runs, CI among them, leave docs/ alone).
 * Returns the file written, if any.
 */
export async function screenshot(page: Page, name: string): Promise<string | undefined> {
  if (process.env['GRIDLINE_SCREENSHOTS'] !== '1') return undefined;
  const dir = path.join(root, 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false, animations: 'disabled' });
  return file;
}

/** A person's account at the identity provider. */
export interface Account {
  readonly username: string;
  readonly password: string;
}

/**
 * Signs in as a person would: the console's sign-in button, then the identity
 * provider's login page (Keycloak), then back in the console, signed in.
 */
export async function signIn(page: Page, account: Account): Promise<void> {
  await page.goto('/');
  await visible(page.getByTestId('signin-submit'), 'the sign-in page');
  await page.getByTestId('signin-submit').click();
  await loginAtProvider(page, account);
  await visible(page.getByTestId('whoami'), 'who is signed in, after sign-in');
}

/** Fills in the provider's login page (Keycloak's form fields). */
export async function loginAtProvider(page: Page, account: Account): Promise<void> {
  await visible(page.locator('#username'), "the identity provider's login page", 30_000);
  await page.locator('#username').fill(account.username);
  await page.locator('#password').fill(account.password);
  await page.locator('#kc-login').click();
}

/**
 * Chooses a photo (a JPEG made here) in the evidence file input `testId`, and
 * waits until the console says the evidence store kept it. Answers its bytes.
 */
export async function attachPhoto(page: Page, testId: string, size = 60_000): Promise<Buffer> {
  const bytes = jpegBytes(size);
  await page
    .getByTestId(`${testId}-file`)
    .setInputFiles({ name: 'scene.jpg', mimeType: 'image/jpeg', buffer: bytes });
  await visible(
    page.locator(`[data-testid="${testId}-file-status"][data-state="stored"]`),
    `the photo stored (${testId})`,
  );
  return bytes;
}

/**
 * The console pages a spec opens: each a browser context of its own (one
 * person's session), signed in at the provider when given an account. What
 * went wrong in any of them is kept after they are closed, for the spec's
 * last check.
 */
export class ConsolePages {
  private readonly contexts: BrowserContext[] = [];
  private readonly seen: PageProblems[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly baseURL: string,
  ) {}

  async open(
    account?: Account,
    options: { viewport?: { width: number; height: number } } = {},
  ): Promise<Page> {
    const made = await newConsolePage(this.browser, { baseURL: this.baseURL });
    this.contexts.push(made.context);
    this.seen.push(made.problems);
    if (options.viewport) await made.page.setViewportSize(options.viewport);
    if (account) await signIn(made.page, account);
    return made.page;
  }

  /** Every page error and Content-Security-Policy violation seen in any page. */
  problems(): string[] {
    return this.seen.flatMap((p) => [...p.errors, ...p.cspViolations]);
  }

  /** Closes the pages opened so far (their problems stay). */
  async close(): Promise<void> {
    for (const context of this.contexts.splice(0)) await context.close().catch(() => undefined);
  }
}

/** Fills inputs by test id, in the order given. */
export async function fillByTestId(page: Page, values: Record<string, string>): Promise<void> {
  for (const [id, value] of Object.entries(values)) await page.getByTestId(id).fill(value);
}

/** The "recorded" note of a command form (`recorded-<form>`, docs/console.md), once it says something. */
export function recorded(page: Page, form: string): Promise<string> {
  return until(
    `${form} recorded`,
    async () => (await page.getByTestId(`recorded-${form}`).innerText()).trim() || undefined,
  );
}

/** The refusal a command form shows (`refusal-<form>`): its code and its words. */
export async function refusal(
  page: Page,
  form: string,
): Promise<{ code: string | null; text: string }> {
  const notice = page.getByTestId(`refusal-${form}`);
  await visible(notice, `the refusal of ${form}`);
  return { code: await notice.getAttribute('data-code'), text: await notice.innerText() };
}

/** Waits until the decision page shows the decision in `status`. */
export function decisionStatus(page: Page, status: string): Promise<Locator> {
  return visible(
    page.locator(`[data-testid="decision-status"][data-status="${status}"]`),
    `the decision ${status}`,
  );
}

/** Sets a board filter whatever control the console uses for it (a select, or a text field applied on Enter). */
export async function setFilter(control: Locator, value: string): Promise<void> {
  const tag = await control.evaluate((element: { tagName: string }) => element.tagName);
  if (tag === 'SELECT') await control.selectOption(value);
  else {
    await control.fill(value);
    await control.press('Enter');
  }
}

/** A timeline entry as the case page shows it (`timeline-entry`). */
export interface ShownEntry {
  readonly index: number;
  readonly eventId: string;
  readonly type: string;
  readonly agency: string;
}

/** The case page's timeline entries in index order. */
export async function timelineEntries(page: Page): Promise<ShownEntry[]> {
  const found: ShownEntry[] = [];
  for (const entry of await page.getByTestId('timeline-entry').all())
    found.push({
      index: Number(await entry.getAttribute('data-index')),
      eventId: (await entry.getAttribute('data-event-id')) ?? '',
      type: (await entry.getAttribute('data-type')) ?? '',
      agency: (await entry.getAttribute('data-agency')) ?? '',
    });
  return found.sort((a, b) => a.index - b.index);
}

/** The causation links drawn on the case page's timeline: cause → effect, by event id. */
export async function causationLinks(page: Page): Promise<{ from: string; to: string }[]> {
  const links = [];
  for (const link of await page.getByTestId('causation-link').all())
    links.push({
      from: (await link.getAttribute('data-from')) ?? '',
      to: (await link.getAttribute('data-to')) ?? '',
    });
  return links;
}

/** A phone's viewport: the grid worker's report form is laid out for it. */
export const PHONE = { width: 375, height: 812 };

/**
 * From the navigation to the report form, at phone width: one column that fits,
 * a submit button big enough to touch, the grids of the grid map loaded into the
 * grid field (`grid` among them).
 */
export async function openReportForm(page: Page, grid: string): Promise<void> {
  await page.getByTestId('nav-report').click();
  await visible(page.getByTestId('form-report-issue'), 'the report form');
  const form = await page.getByTestId('form-report-issue').boundingBox();
  expect(form!.width).toBeLessThanOrEqual(page.viewportSize()!.width);
  const button = await page.getByTestId('submit-report-issue').boundingBox();
  expect(button!.height).toBeGreaterThanOrEqual(44);
  await until('the grids from GET /api/grids', async () =>
    (await page.getByTestId('report-grid').locator(`option[value="${grid}"]`).count()) > 0
      ? true
      : undefined,
  );
}

/** What a grid worker reports. */
export interface IssueReport {
  readonly grid: string;
  readonly category: string;
  readonly place: string;
  readonly description: string;
}

/**
 * Fills the report form and attaches a photo of the scene, which goes to the
 * evidence store before the report is sent. Answers the photo's bytes.
 */
export async function fillReportForm(page: Page, report: IssueReport): Promise<Buffer> {
  await page.getByTestId('report-grid').selectOption(report.grid);
  await page.getByTestId('report-category').fill(report.category);
  await page.getByTestId('report-place').fill(report.place);
  await page.getByTestId('report-description').fill(report.description);
  return attachPhoto(page, 'report-photo');
}
