import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  client,
  createTestIdentity,
  createTestRealm,
  startApps,
  stopApps,
  VENDOR_STORY_PLACE,
  vendorStory,
  type AppName,
  type RunningApp,
  type TestRealm,
} from '@gridline/testing';
import {
  launchChromium,
  newConsolePage,
  screenshot,
  signIn,
  until,
  visible,
  type PageProblems,
} from '../support/browser.js';

/**
 * The board's map (docs/console.md): the street offices' grids drawn from the
 * street service's grid map (the built-in demo map here), the cases as markers
 * on their grids in their risk colour, the board's filters and time travel
 * applied to it. Real servers, the real build in chromium; data-testids only.
 */
describe('the board as a map', () => {
  const identity = createTestIdentity();
  const basePort = 16500;
  let realm: TestRealm | undefined;
  let apps: Map<AppName, RunningApp> | undefined;
  let browser: Browser | undefined;
  let base = '';
  let token = '';
  let page: Page;
  let problems: PageProblems;
  const contexts: BrowserContext[] = [];
  // The vendor story's case in G-0312; a later one in G-0315 (a polygon); one off the map.
  let first = '';
  let later = '';
  let offMap = '';
  let between = '';

  const marker = (id: string) => page.locator(`[data-testid="map-marker"][data-case-id="${id}"]`);
  // In one go: the markers re-render as pages load.
  const markerIds = async () =>
    (
      await page
        .getByTestId('map-marker')
        .evaluateAll((all: { getAttribute(name: string): string | null }[]) =>
          all.map((m) => m.getAttribute('data-case-id')),
        )
    ).sort();

  beforeAll(async () => {
    browser = await launchChromium();
    realm = await createTestRealm({ consoleOrigins: [`http://127.0.0.1:${basePort}`] });
    apps = await startApps(identity, { basePort, env: realm.appEnv(identity) });
    base = apps.get('gateway')?.url ?? '';
    token = await identity.token({ sub: 'coord-1', agency: 'swc', roles: ['coordinator'] });
    const gateway = client(base, token);
    const triaged = (caseId: string) =>
      until(
        `case ${caseId} triaged on the gateway`,
        async () => {
          const r = await gateway.get<{ riskLevel?: string }>(`/api/cases/${caseId}`);
          return r.status === 200 && r.body.riskLevel === 'yellow' ? true : undefined;
        },
        60_000,
      );

    const story = await vendorStory(identity, apps);
    ({ caseId: first } = await story.openCoordinatedCase('Stalls at the school gate'));
    await triaged(first);
    const off = await vendorStory(identity, apps, {
      place: { ...VENDOR_STORY_PLACE, grid: 'Z-9931' },
    });
    ({ caseId: offMap } = await off.openCoordinatedCase('Stalls outside the mapped grids'));
    await triaged(offMap);
    await new Promise((r) => setTimeout(r, 1_500));
    between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 1_500));
    const south = await vendorStory(identity, apps, {
      place: { ...VENDOR_STORY_PLACE, grid: 'G-0315' },
    });
    ({ caseId: later } = await south.openCoordinatedCase('Stalls by the metro exit'));
    await triaged(later);

    const account = await realm.user({
      username: 'coord-1',
      agency: 'swc',
      roles: ['coordinator'],
    });
    const made = await newConsolePage(browser, { baseURL: base });
    contexts.push(made.context);
    ({ page, problems } = made);
    await signIn(page, account);
  }, 300_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await stopApps(apps);
    await realm?.delete();
  });

  it('serves the grid map as GeoJSON through the gateway, to staff only', async () => {
    const grids = await client(base, token).get<{
      type: string;
      features: { id: string; properties: Record<string, string>; geometry: { type: string } }[];
    }>('/api/agencies/street/grids');
    expect(grids.status).toBe(200);
    expect(grids.body.type).toBe('FeatureCollection');
    const g0312 = grids.body.features.find((f) => f.id === 'G-0312');
    expect(g0312).toEqual({
      type: 'Feature',
      id: 'G-0312',
      properties: { street: 'Xinjiekou', community: 'Zhaodengyu', grid: 'G-0312' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [116.364, 39.938],
            [116.37, 39.938],
            [116.37, 39.942],
            [116.364, 39.942],
            [116.364, 39.938],
          ],
        ],
      },
    });
    expect(grids.body.features.find((f) => f.id === 'G-0418')?.geometry.type).toBe('MultiPolygon');
    expect((await fetch(`${base}/api/agencies/street/grids`)).status).toBe(401);
    const app = await identity.token({ sub: 'app-1', agency: 'street', roles: ['reporting-app'] });
    expect((await client(base, app).get('/api/agencies/street/grids')).status).toBe(403);
  });

  it("draws the grids and the story's case as a marker on its grid in its risk colour", async () => {
    await page.goto('/board');
    await visible(page.getByTestId('board'), 'the board as a list');
    await page.getByTestId('view-map').click();
    await visible(page.getByTestId('board-map'), 'the map');
    expect(new URL(page.url()).searchParams.get('view')).toBe('map');
    expect(await page.getByTestId('map-grid').count()).toBeGreaterThanOrEqual(14);
    await visible(marker(first), `the case ${first} on the map`);
    expect(await marker(first).getAttribute('data-grid')).toBe('G-0312');
    expect(await marker(first).getAttribute('data-risk')).toBe('yellow');
    // Inside its grid's drawn shape, not only tagged with it.
    // In the page (typed by hand: this tsconfig has no DOM).
    const onItsGrid = await marker(first).evaluate(
      (element: {
        parentElement: { getAttribute(name: string): string | null } | null;
        ownerSVGElement: {
          querySelector(selector: string): { isPointInFill(p: object): boolean } | null;
        } | null;
      }) => {
        const [x = NaN, y = NaN] =
          (element.parentElement?.getAttribute('transform') ?? '').match(/[\d.]+/g)?.map(Number) ??
          [];
        const inFill = (grid: string) =>
          element.ownerSVGElement
            ?.querySelector(`path[data-grid="${grid}"]`)
            ?.isPointInFill({ x, y });
        return [inFill('G-0312'), inFill('G-0313')];
      },
    );
    expect(onItsGrid).toEqual([true, false]);
    // The badges' colour and text.
    const dot = marker(first).locator('circle');
    expect(
      await dot.evaluate(
        (element) =>
          (
            globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } }
          ).getComputedStyle(element).fill,
      ),
    ).toBe('rgb(212, 166, 0)');
    const yellow = await page.getByTestId('map-legend').locator('[data-risk="yellow"]').innerText();
    expect(await marker(first).getAttribute('aria-label')).toContain(yellow.trim());
    expect(await marker(first).getAttribute('aria-label')).toContain('G-0312');
    // The grid label, and the case off the map listed beside it.
    expect(await page.getByTestId('map-label').allTextContents()).toContain('G-0315');
    await visible(
      page.locator(`[data-testid="map-unplaced-case"][data-case-id="${offMap}"]`),
      'the case of a grid not on the map, beside it',
    );
    expect(
      Number(await page.getByTestId('map-unplaced').getAttribute('data-count')),
    ).toBeGreaterThan(0);
    expect(await marker(offMap).count()).toBe(0);
    await screenshot(page, 'board-map');
  });

  it('narrows the markers with the filters', async () => {
    await page.goto('/board?view=map');
    await visible(marker(later), 'the later case');
    await page.getByTestId('filter-grid').fill('G-0315');
    await page.getByTestId('filter-grid').press('Enter');
    const inGrid = await client(base, token).get<{ items: { caseId: string }[] }>(
      '/api/cases?grid=G-0315&limit=100',
    );
    const expected = inGrid.body.items.map((c) => c.caseId).sort();
    expect(expected).toContain(later);
    await until('only the markers of G-0315', async () =>
      JSON.stringify(await markerIds()) === JSON.stringify(expected) ? true : undefined,
    );
    expect(await marker(first).count()).toBe(0);
    const url = new URL(page.url());
    expect([url.searchParams.get('view'), url.searchParams.get('grid')]).toEqual(['map', 'G-0315']);
    await page.getByTestId('filter-risk').selectOption('red');
    await until('no marker: no red case in G-0315', async () =>
      (await markerIds()).length === 0 ? true : undefined,
    );
  });

  it('shows the map as it stood at a time in the past: the later case is absent', async () => {
    await page.goto(`/board?view=map&asOf=${encodeURIComponent(between)}`);
    await visible(page.getByTestId('board-as-of'), 'the time-travel banner');
    await visible(marker(first), 'the earlier case, then');
    expect(await marker(first).getAttribute('data-risk')).toBe('yellow');
    expect(await marker(later).count()).toBe(0);
    // Back to now: the later case is there.
    await page.getByTestId('time-now').click();
    await visible(marker(later), 'the later case, now');
    expect(new URL(page.url()).searchParams.get('view')).toBe('map');
  });

  it('reaches a marker with the keyboard and opens its case', async () => {
    await page.goto('/board?view=map');
    await visible(marker(first), 'the marker');
    await marker(first).focus();
    expect(await page.evaluate("document.activeElement?.getAttribute('data-case-id')")).toBe(first);
    await page.keyboard.press('Enter');
    await until('the case page', () =>
      new URL(page.url()).pathname === `/cases/${first}` ? true : undefined,
    );
    await visible(page.getByTestId('case-page'), 'the case page');
    expect(problems.errors).toEqual([]);
    expect(problems.cspViolations).toEqual([]);
  });
});
