import { validateEventData } from '@gridline/contracts';
import { InMemoryEventStore } from '@gridline/eventsourcing';
import { generatedHistory, seededRandom, seededUuids } from './generated-history.js';
import { foldCaseHistory } from './case-history.js';
import { appendScripted } from './vendor-story.fixture.js';

const all = (seed: number, events: number) => [...generatedHistory({ seed, events })];

describe('generated history', () => {
  it('is the same for the same seed, event for event, and differs for another seed', () => {
    const a = all(7, 500);
    expect(all(7, 500)).toEqual(a);
    const other = all(8, 500);
    expect(other.map((c) => c.caseId)).not.toEqual(a.map((c) => c.caseId));
  });

  it('gives at least the events asked for, in whole cases, every one schema-valid', () => {
    const cases = all(1, 1_000);
    const events = cases.flatMap((c) => c.events);
    expect(events.length).toBeGreaterThanOrEqual(1_000);
    expect(events.length - 1_000).toBeLessThan(cases[0]!.events.length);
    for (const { event } of events)
      expect({ type: event.type, problems: validateEventData(event.type, event.data) }).toEqual({
        type: event.type,
        problems: [],
      });
    expect(new Set(events.map((e) => e.event.id)).size).toBe(events.length);
  });

  it('spreads cases over streets and months, with event times and data times moved together', () => {
    const cases = all(3, 5_000);
    const reports = cases.map((c) => c.events[0]!.event);
    const streets = new Set(
      reports.map((e) => (e.data as { location: { street: string } }).location.street),
    );
    const months = new Set(reports.map((e) => e.occurredAt.slice(0, 7)));
    expect(streets.size).toBeGreaterThanOrEqual(5);
    expect(months.size).toBeGreaterThanOrEqual(10);
    for (const e of reports)
      expect((e.data as { reportedAt: string }).reportedAt).toBe(e.occurredAt);
  });

  it('folds like the story it comes from (the whole workflow, closed and reopened)', async () => {
    const store = new InMemoryEventStore();
    const [first] = all(11, 1);
    await appendScripted(store, first!);
    const view = foldCaseHistory(first!.caseId, await store.readCase(first!.caseId));
    expect(view).toMatchObject({ status: 'reopened' });
    expect(view?.agencies).toEqual(expect.arrayContaining(['swc', 'drc', 'street']));
  });

  it('draws uuids of version-4 shape from the seed', () => {
    const ids = seededUuids(seededRandom(5));
    const drawn = Array.from({ length: 100 }, ids);
    for (const id of drawn)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(drawn).size).toBe(100);
  });
});
