import { vendorStory, type ScriptedCase } from './vendor-story.fixture.js';

/**
 * A large, realistic history for benchmarks, deterministic from a seed: vendor
 * stories (the whole workflow of the three agencies, about two dozen events each)
 * moved to one of several streets and grids and to one of twelve months, with ids
 * drawn from the seed. The same seed gives the same events, byte for byte.
 */
export interface GeneratedHistoryOptions {
  readonly seed: number;
  /** At least this many events (whole cases: the last one may go a little over). */
  readonly events: number;
  /** The first month's first day (UTC); default 2026-01-01. */
  readonly start?: Date;
}

const STREETS = [
  { street: 'Xinjiekou', community: 'Zhaodengyu', grids: ['G-0312', 'G-0313', 'G-0320'] },
  { street: 'Jinrongjie', community: 'Fengsheng', grids: ['G-0101', 'G-0102'] },
  { street: 'Shichahai', community: 'Yandai', grids: ['G-0501', 'G-0502', 'G-0507'] },
  { street: 'Zhanlanlu', community: 'Baiwanzhuang', grids: ['G-0705', 'G-0711'] },
  { street: 'Desheng', community: 'Liupukang', grids: ['G-0902', 'G-0903'] },
  { street: 'Yuetan', community: 'Sanlihe', grids: ['G-1104', 'G-1108'] },
] as const;

/** The vendor story's own place and first time, replaced in each generated case. */
const STORY = { street: 'Xinjiekou', community: 'Zhaodengyu', grid: 'G-0312' };
const STORY_START = Date.parse('2026-03-09T00:00:00.000Z');
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const DAY = 86_400_000;

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Version-4-shaped UUIDs from a PRNG: deterministic, and valid where a uuid is required. */
export function seededUuids(random: () => number): () => string {
  const hex = (n: number) =>
    Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  return () =>
    `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(random() * 4)]}${hex(3)}-${hex(12)}`;
}

function relocate(value: unknown, place: Record<string, string>, shiftMs: number): unknown {
  if (typeof value === 'string') {
    if (ISO_TIME.test(value)) return new Date(Date.parse(value) + shiftMs).toISOString();
    return place[value] ?? value;
  }
  if (Array.isArray(value)) return value.map((v) => relocate(v, place, shiftMs));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, relocate(v, place, shiftMs)]),
    );
  return value;
}

/** The cases of a generated history, one at a time (memory stays at one case). */
export function* generatedHistory(options: GeneratedHistoryOptions): Generator<ScriptedCase> {
  const random = seededRandom(options.seed);
  const newId = seededUuids(random);
  const start = (options.start ?? new Date('2026-01-01T00:00:00.000Z')).getTime();
  let produced = 0;
  while (produced < options.events) {
    const where = STREETS[Math.floor(random() * STREETS.length)] ?? STREETS[0];
    const grid = where.grids[Math.floor(random() * where.grids.length)] ?? where.grids[0];
    // One of twelve months, any day in it, any minute of the day.
    const month = Math.floor(random() * 12);
    const shiftMs =
      start +
      month * 30 * DAY +
      Math.floor(random() * 28) * DAY -
      STORY_START +
      Math.floor(random() * 600) * 60_000;
    const place = {
      [STORY.street]: where.street,
      [STORY.community]: where.community,
      [STORY.grid]: grid,
    };
    const story = vendorStory(newId(), newId);
    const events = story.events.map(({ streamId, event }) => ({
      streamId,
      event: {
        ...event,
        occurredAt: new Date(Date.parse(event.occurredAt) + shiftMs).toISOString(),
        data: relocate(event.data, place, shiftMs),
      },
    }));
    produced += events.length;
    yield { caseId: story.caseId, events };
  }
}
