import type { Browser, Page } from 'playwright-core';
import {
  client,
  createTestIdentity,
  createTestRealm,
  startApps,
  stopApps,
  type AppName,
  type RunningApp,
  type TestRealm,
} from '@gridline/testing';
import {
  ConsolePages,
  fillReportForm,
  launchChromium,
  openReportForm,
  PHONE,
  screenshot,
  until,
  visible,
  type Account,
} from '../support/browser.js';

interface SwcCase {
  readonly revision: number;
  readonly status: string;
  readonly verified: boolean;
  readonly assignments: Record<string, { agency: 'drc' | 'street'; role: string; status: string }>;
}

/**
 * The workbench (docs/console.md, "Work"): people act in the console against
 * the five apps and the real servers. A grid worker at phone width reports an
 * issue; a coordinator triages the case it opened (the deadline shown before
 * saving), assigns, verifies and closes it. A refused action shows the
 * decider's words in Chinese and records nothing; a double click records once;
 * a change made meanwhile (through the API) makes the form say so, with it.
 */
describe('the workbench in a browser', () => {
  const identity = createTestIdentity();
  let apps: Map<AppName, RunningApp> | undefined;
  let browser: Browser | undefined;
  let realm: TestRealm | undefined;
  let pages: ConsolePages;
  let worker: Account;
  let coordinatorAccount: Account;
  let coordinatorToken = '';
  let caseId = '';

  const swc = () => client(apps!.get('swc-service')!.url, coordinatorToken);
  const swcCase = async (): Promise<SwcCase> => {
    const r = await swc().get<SwcCase>(`/api/cases/${caseId}`);
    if (r.status !== 200) throw new Error(`swc case: ${r.status}`);
    return r.body;
  };
  const revisionShown = async (page: Page) =>
    Number(await page.getByTestId('swc-work').getAttribute('data-revision'));

  beforeAll(async () => {
    browser = await launchChromium();
    realm = await createTestRealm({ consoleOrigins: ['http://127.0.0.1:16300'] });
    apps = await startApps(identity, { basePort: 16300, env: realm.appEnv(identity) });
    pages = new ConsolePages(browser, apps.get('gateway')?.url ?? '');
    worker = await realm.user({ username: 'worker-w', agency: 'street', roles: ['grid-worker'] });
    coordinatorAccount = await realm.user({
      username: 'coord-w',
      agency: 'swc',
      roles: ['coordinator'],
    });
    coordinatorToken = await identity.token({
      sub: 'coord-w',
      agency: 'swc',
      roles: ['coordinator'],
    });
  }, 240_000);

  afterAll(async () => {
    await pages?.close();
    await browser?.close();
    await stopApps(apps);
    await realm?.delete();
  });

  it('a grid worker reports an issue from a phone, the grid chosen from the grid map', async () => {
    const page = await pages.open(worker, { viewport: PHONE });
    await openReportForm(page, 'G-0312');
    // The camera's photo goes to the evidence store first; the report names it.
    await fillReportForm(page, {
      grid: 'G-0312',
      category: 'street-vending',
      place: 'school gate, north side',
      description: 'Unlicensed vending at the school gate',
    });
    expect(await page.getByTestId('report-photo-file-status').innerText()).toContain('image/jpeg');
    await screenshot(page, 'work-report-issue');
    await page.getByTestId('submit-report-issue').click();
    const link = page.getByTestId('report-open-case');
    await visible(link, 'the reported case');
    caseId = (await link.getAttribute('href'))?.split('/').pop() ?? '';
    expect(caseId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await page.getByTestId('recorded-report-issue').innerText()).toContain(caseId);
  });

  it('a coordinator sees the deadline before saving a triage, then triages', async () => {
    const page = await pages.open(coordinatorAccount);
    await page.goto(`/cases/${caseId}`);
    await visible(page.getByTestId('form-triage-case'), 'the triage form');
    const before = await swcCase();
    await page.getByTestId('triage-risk').selectOption('orange');
    // Routine orange: 48 hours (apps/swc-service/src/cases/sla.ts), shown before saving
    // once the SLA table is read.
    await until('the deadline of an orange case shown', async () =>
      (await page.getByTestId('sla-preview').innerText()).includes('48 小时') ? true : undefined,
    );
    expect((await swcCase()).revision).toBe(before.revision);
    await page.getByTestId('triage-lead').selectOption('street');
    await screenshot(page, 'work-triage');
    await page.getByTestId('submit-triage-case').click();
    await visible(page.getByTestId('form-assign-agency'), 'the forms of a triaged case');
    const triaged = await swcCase();
    expect(Object.values(triaged.assignments)).toEqual([
      expect.objectContaining({ agency: 'street', role: 'lead' }),
    ]);
  });

  it("a refused action shows the decider's words in Chinese and records nothing", async () => {
    const page = await pages.open(coordinatorAccount);
    await page.goto(`/cases/${caseId}`);
    await visible(page.getByTestId('form-verify-outcome'), 'the verification form');
    const before = await swcCase();
    await page.getByTestId('verify-note').fill('checked on site');
    await page.getByTestId('submit-verify-outcome').click();
    const refusal = page.getByTestId('refusal-verify-outcome');
    await visible(refusal, 'the refusal');
    expect(await refusal.getAttribute('data-code')).toBe('assignments-open');
    expect(await refusal.innerText()).toBe('还有部门未办结：街道办。全部指派完成后才能核验。');
    expect((await swcCase()).revision).toBe(before.revision);

    // A schema problem is shown at its field, in Chinese.
    await page.getByTestId('verify-note').fill('');
    await page.getByTestId('submit-verify-outcome').click();
    await visible(page.getByTestId('field-error-note'), 'the problem next to the note');
    expect(await page.getByTestId('field-error-note').innerText()).toBe('必填');
    expect((await swcCase()).revision).toBe(before.revision);
  });

  it('a double click assigns once', async () => {
    const page = await pages.open(coordinatorAccount);
    await page.goto(`/cases/${caseId}`);
    await visible(page.getByTestId('form-assign-agency'), 'the assignment form');
    await page.getByTestId('assign-agency').selectOption('drc');
    await page.getByTestId('assign-role').selectOption('co-handler');
    await page.getByTestId('submit-assign-agency').dblclick();
    await until('the assignment recorded', async () =>
      (await page.getByTestId('recorded-assign-agency').innerText()) ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    const drc = Object.values((await swcCase()).assignments).filter((a) => a.agency === 'drc');
    expect(drc).toHaveLength(1);
  });

  it('a change made meanwhile is a 409 that shows it; then verify and close', async () => {
    // The agencies finish their assignments (their own work, through their APIs).
    const assignments = Object.entries((await swcCase()).assignments);
    for (const [assignmentId, a] of assignments) {
      const service = apps!.get(a.agency === 'drc' ? 'drc-service' : 'street-service')!;
      const token = await identity.token({
        sub: `${a.agency}-officer`,
        agency: a.agency,
        roles: ['officer'],
      });
      const inbox = client(service.url, token);
      await until(`the ${a.agency} inbox holds ${assignmentId}`, async () =>
        (await inbox.get(`/api/assignments/${assignmentId}`)).status === 200 ? true : undefined,
      );
      expect((await inbox.post(`/api/assignments/${assignmentId}/accept`, {})).status).toBeLessThan(
        300,
      );
      expect(
        (await inbox.post(`/api/assignments/${assignmentId}/complete`, { outcome: 'done' })).status,
      ).toBeLessThan(300);
    }
    await until('the SWC recorded the completions', async () =>
      Object.values((await swcCase()).assignments).every((a) => a.status === 'completed')
        ? true
        : undefined,
    );

    const page = await pages.open(coordinatorAccount);
    await page.goto(`/cases/${caseId}`);
    await visible(page.getByTestId('form-verify-outcome'), 'the verification form');
    const seen = await revisionShown(page);
    expect(seen).toBe((await swcCase()).revision);
    await page.getByTestId('verify-note').fill('checked on site: the gate is clear');
    // Someone else changes the case between loading and submitting.
    const changed = await swc().post(`/api/cases/${caseId}/mode`, {
      mode: 'emergency',
      reason: 'a crowd at the gate',
    });
    expect(changed.status).toBe(200);
    await page.getByTestId('submit-verify-outcome').click();
    const refusal = page.getByTestId('refusal-verify-outcome');
    await visible(refusal, 'the conflict');
    expect(await refusal.getAttribute('data-kind')).toBe('conflict');
    await until('the new entry listed in the form', async () =>
      (await page.getByTestId('changed-verify-outcome').getByTestId('changed-entry').count()) > 0
        ? true
        : undefined,
    );
    expect(await page.getByTestId('changed-verify-outcome').innerText()).toContain('coord-w');
    expect((await swcCase()).verified).toBe(false);
    await until('the newer revision loaded', async () =>
      (await revisionShown(page)) > seen ? true : undefined,
    );
    await screenshot(page, 'work-conflict');

    // Submitted again on the state now shown, it is recorded.
    await page.getByTestId('submit-verify-outcome').click();
    await visible(page.getByTestId('form-close-case'), 'the close form of a verified case');
    expect((await swcCase()).verified).toBe(true);
    await page.getByTestId('submit-close-case').click();
    await visible(page.getByTestId('form-reopen-case'), 'the reopen form of a closed case');
    expect((await swcCase()).status).toBe('closed');
  });

  it('no page error or CSP violation throughout', () => {
    expect(pages.problems()).toEqual([]);
  });
});
