/**
 * Browser tests (test/browser/*.browser.spec.ts): Debian's chromium driven by
 * playwright-core (no browser download). CI installs the package (scripts/lib.mjs
 * `ensureChromium`); anywhere else a missing chromium fails the tests at once
 * with what to install. Not exported from @gridline/testing: only the browser
 * tier loads playwright.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
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
  const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size - 4)]);
  await page
    .getByTestId(`${testId}-file`)
    .setInputFiles({ name: 'scene.jpg', mimeType: 'image/jpeg', buffer: bytes });
  await visible(
    page.locator(`[data-testid="${testId}-file-status"][data-state="stored"]`),
    `the photo stored (${testId})`,
  );
  return bytes;
}
