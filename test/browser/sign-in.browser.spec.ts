import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import {
  createTestIdentity,
  createTestRealm,
  startApps,
  stopApps,
  type AppName,
  type RunningApp,
  type TestRealm,
} from '@gridline/testing';
import {
  launchChromium,
  loginAtProvider,
  newConsolePage,
  signIn,
  until,
  visible,
  type Account,
} from '../support/browser.js';

/**
 * People sign in to the console through the identity provider (a Keycloak realm
 * made from deploy/keycloak/gridline-realm.json): authorization code with PKCE,
 * Keycloak's own login page, tokens in memory, refreshed before they expire,
 * and a sign-out that ends the provider's session.
 */
describe('signing in to the console through Keycloak', () => {
  const identity = createTestIdentity();
  const basePort = 16100;
  /** Short, so the refresh test waits for an expiry; the realm file says 300 s. */
  const accessTokenLifespan = 20;
  let realm: TestRealm | undefined;
  let apps: Map<AppName, RunningApp> | undefined;
  let browser: Browser | undefined;
  let base = '';
  const contexts: BrowserContext[] = [];
  const accounts = new Map<string, Account>();

  /** Who signs in, and the navigation their roles allow (docs/console.md). */
  const people = [
    {
      username: 'swc-coordinator',
      agency: 'swc',
      roles: ['coordinator'],
      operations: false,
      lands: '/board',
    },
    {
      username: 'street-officer',
      agency: 'street',
      roles: ['officer'],
      operations: false,
      lands: '/my-work',
    },
    {
      username: 'street-reviewer',
      agency: 'street',
      roles: ['legal-reviewer'],
      operations: false,
      lands: '/my-work',
    },
    {
      username: 'drc-analyst',
      agency: 'drc',
      roles: ['analyst'],
      operations: false,
      lands: '/my-work',
    },
    { username: 'swc-admin', agency: 'swc', roles: ['admin'], operations: true, lands: '/board' },
  ] as const;

  beforeAll(async () => {
    browser = await launchChromium();
    realm = await createTestRealm({
      consoleOrigins: [`http://127.0.0.1:${basePort}`],
      accessTokenLifespan,
    });
    apps = await startApps(identity, {
      basePort,
      only: ['gateway'],
      env: realm.appEnv(identity),
    });
    base = apps.get('gateway')?.url ?? '';
    for (const person of people)
      accounts.set(
        person.username,
        await realm.user({
          username: person.username,
          agency: person.agency,
          roles: [...person.roles],
        }),
      );
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await stopApps(apps);
    await realm?.delete();
  });

  const open = async (): Promise<Page> => {
    const made = await newConsolePage(browser!, { baseURL: base });
    contexts.push(made.context);
    return made.page;
  };
  const navigation = async (page: Page) =>
    Promise.all(
      ['nav-my-work', 'nav-board', 'nav-analytics', 'nav-operations', 'nav-accounts'].map(
        async (id) => (await page.getByTestId(id).count()) > 0,
      ),
    );

  it.each(people)(
    "signs in as $username ($roles) at the provider's login page and sees the navigation the role allows",
    async (person) => {
      const page = await open();
      await signIn(page, accounts.get(person.username)!);
      const whoami = await page.getByTestId('whoami').innerText();
      expect(whoami).toContain(person.username);
      expect(whoami).toContain(person.agency);
      for (const role of person.roles) expect(whoami).toContain(role);
      // Admins also reach the provider's account administration (Keycloak's admin console).
      expect(await navigation(page)).toEqual([
        true,
        true,
        true,
        person.operations,
        person.operations,
      ]);
      if (person.operations)
        expect(await page.getByTestId('nav-accounts').getAttribute('href')).toBe(
          `${realm!.url}/admin/${realm!.name}/console/`,
        );
      // Each lands where their work is, and the board answers for every one of them.
      await until(`${person.username} lands on ${person.lands}`, () =>
        new URL(page.url()).pathname === person.lands ? true : undefined,
      );
      await page.getByTestId('nav-board').click();
      await visible(page.getByTestId('board'), `the board for ${person.username}`, 20_000);
      await page.context().close();
    },
  );

  it('keeps no token in localStorage or sessionStorage', async () => {
    const page = await open();
    await signIn(page, accounts.get('swc-coordinator')!);
    const stored = await page.evaluate<string>(
      'JSON.stringify({ ...localStorage, ...sessionStorage })',
    );
    expect(stored).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
  });

  it("stays signed in past the access token's expiry (silent refresh), then signs out at the provider", async () => {
    const page = await open();
    const bearers: string[] = [];
    page.on('request', (request: Request) => {
      const header = request.headers()['authorization'];
      if (header && request.url().startsWith(`${base}/api/`)) bearers.push(header);
    });
    await signIn(page, accounts.get('swc-coordinator')!);
    await visible(page.getByTestId('board'), 'the board');
    const first = bearers[0];
    expect(first).toBeDefined();
    // Past the first token's expiry.
    await new Promise((r) => setTimeout(r, (accessTokenLifespan + 5) * 1000));
    await page.getByTestId('nav-analytics').click();
    await page.getByTestId('nav-board').click();
    await visible(page.getByTestId('board'), 'the board after the first token expired');
    const answered = await until('a gateway answer with a refreshed token', () => {
      const last = bearers.at(-1);
      return last && last !== first ? last : undefined;
    });
    expect(answered).not.toBe(first);
    expect(await page.getByTestId('whoami').count()).toBe(1);
    expect(await page.getByTestId('signin-error').count()).toBe(0);

    const sessionIds = async () =>
      (await realm!.admin.userSessions(realm!.name, 'swc-coordinator')).map((x) => x['id']);
    const before = await sessionIds();
    await page.getByTestId('signout').click();
    await visible(page.getByTestId('signin-submit'), 'the sign-in page after signing out');
    // The provider's session ended too: signing in again asks for the password.
    await page.getByTestId('signin-submit').click();
    await visible(page.locator('#username'), "the provider's login page, asking again", 30_000);
    // This tab's session at the provider is gone (another test's may remain).
    const after = await until('one session fewer at the provider', async () => {
      const now = await sessionIds();
      return now.length < before.length ? now : undefined;
    });
    expect(before.filter((id) => !after.includes(id))).toHaveLength(1);
  }, 120_000);

  it('refuses a wrong password on the login page and signs in with the right one', async () => {
    const page = await open();
    await page.goto('/');
    await page.getByTestId('signin-submit').click();
    await loginAtProvider(page, { username: 'street-officer', password: 'Wrong-password-1' });
    await visible(
      page.locator('#input-error, .kc-feedback-text, [id^=input-error]'),
      "the provider's refusal",
    );
    expect(await page.getByTestId('whoami').count()).toBe(0);
    await loginAtProvider(page, accounts.get('street-officer')!);
    await visible(page.getByTestId('whoami'), 'who is signed in');
  });
});
