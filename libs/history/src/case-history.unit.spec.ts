import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { sealedKeyIds, validateEventData } from '@gridline/contracts';
import { InMemoryEventStore, sealWithKey, type RecordedEvent } from '@gridline/eventsourcing';
import { foldCaseHistory } from './case-history.js';
import { diffCaseViews } from './diff.js';
import {
  exportEvents,
  ImportLineError,
  importEvents,
  linesOf,
  toNdjson,
  verifyExport,
} from './export-import.js';
import { appendScripted, vendorStory } from './vendor-story.fixture.js';

async function storyStore() {
  const story = vendorStory();
  const store = new InMemoryEventStore();
  await appendScripted(store, story);
  return { story, store };
}

const until = (events: readonly RecordedEvent[], iso: string) =>
  events.filter((e) => Date.parse(e.occurredAt) <= Date.parse(iso));

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('foldCaseHistory', () => {
  it('every scripted event is schema-valid', () => {
    for (const { event } of vendorStory().events)
      expect([event.type, validateEventData(event.type, event.data)]).toEqual([event.type, []]);
  });

  it('no events: the case did not exist yet', () => {
    expect(foldCaseHistory('c', [])).toBeUndefined();
  });

  it('given only the street report, the case is reported with its place', async () => {
    const { story, store } = await storyStore();
    const events = await store.readCase(story.caseId);
    const view = foldCaseHistory(story.caseId, until(events, '2026-03-09T07:45:00.000Z'));
    expect(view).toMatchObject({
      status: 'reported',
      category: 'street-vending',
      severity: 'medium',
      location: { street: 'Xinjiekou', community: 'Zhaodengyu', grid: 'G-0312' },
      agencies: ['street'],
      issues: [{ status: 'reported' }],
      assignments: [],
    });
  });

  it('after triage and assignments: lead, co-handler, assignments with due times', async () => {
    const { story, store } = await storyStore();
    const events = await store.readCase(story.caseId);
    const view = foldCaseHistory(story.caseId, until(events, '2026-03-10T12:00:00.000Z'));
    expect(view).toMatchObject({
      status: 'triaged',
      origin: 'street-report',
      riskLevel: 'yellow',
      mode: 'routine',
      leadAgency: 'street',
      coHandlers: ['drc'],
      agencies: ['street', 'swc', 'drc'],
      verified: false,
      enforcementSteps: [{ kind: 'reminder', category: 'street-vending', evidenceCount: 0 }],
      projects: [{ status: 'proposed', budget: 80_000, fundedTotal: 0 }],
    });
    expect(view?.assignments).toEqual([
      expect.objectContaining({
        agency: 'street',
        role: 'lead',
        status: 'accepted',
        escalated: false,
      }),
      expect.objectContaining({
        agency: 'drc',
        role: 'co-handler',
        status: 'assigned',
        dueAt: '2026-03-12T09:01:00.000Z',
      }),
    ]);
  });

  it('after closure: verified, rated, closed, every assignment completed, the late one escalated', async () => {
    const { story, store } = await storyStore();
    const events = await store.readCase(story.caseId);
    const view = foldCaseHistory(story.caseId, until(events, '2026-03-31T00:00:00.000Z'));
    expect(view).toMatchObject({
      status: 'closed',
      verified: true,
      satisfaction: 5,
      closedAt: '2026-03-22T09:30:00.000Z',
      reopenCount: 0,
      projects: [{ status: 'completed', approvedBudget: 60_000, fundedTotal: 60_000 }],
    });
    expect(view?.assignments.map((a) => [a.status, a.escalated])).toEqual([
      ['completed', false],
      ['completed', true],
    ]);
  });

  it('a reopening clears closure and verification and counts', async () => {
    const { story, store } = await storyStore();
    const view = foldCaseHistory(story.caseId, await store.readCase(story.caseId));
    expect(view).toMatchObject({ status: 'reopened', verified: false, reopenCount: 1 });
    expect(view).not.toHaveProperty('closedAt');
    expect(view?.eventCount).toBe(story.events.length);
  });
});

describe('diffCaseViews', () => {
  it('names the fields that changed, items by their id', async () => {
    const { story, store } = await storyStore();
    const events = await store.readCase(story.caseId);
    const before = foldCaseHistory(story.caseId, until(events, '2026-03-20T00:00:00.000Z'));
    const after = foldCaseHistory(story.caseId, until(events, '2026-03-22T10:00:00.000Z'));
    const changes = diffCaseViews(before, after);
    const drc = after?.assignments[1]?.assignmentId ?? '';
    expect(changes).toEqual(
      expect.arrayContaining([
        { path: 'status', from: 'triaged', to: 'closed' },
        { path: 'verified', from: false, to: true },
        { path: 'satisfaction', to: 5 },
        { path: `assignments[${drc}].status`, from: 'assigned', to: 'completed' },
      ]),
    );
    expect(changes.map((c) => c.path)).not.toContain('eventCount');
    expect(diffCaseViews(after, after)).toEqual([]);
  });
});

describe('export and import (in memory)', () => {
  it('round-trips a case into an empty store: same events, same fold', async () => {
    const { story, store } = await storyStore();
    const lines = await collect(toNdjson(exportEvents(store, { caseId: story.caseId })));
    expect(lines).toHaveLength(story.events.length);
    const target = new InMemoryEventStore();
    const result = await importEvents(target, linesOf(Readable.from(lines.join(''))));
    expect(result.events).toBe(story.events.length);
    const strip = (e: RecordedEvent) => ({ ...e, position: undefined });
    const original = await store.readCase(story.caseId);
    expect((await target.readCase(story.caseId)).map(strip)).toEqual(original.map(strip));
    expect(foldCaseHistory(story.caseId, await target.readCase(story.caseId))).toEqual(
      foldCaseHistory(story.caseId, original),
    );
  });

  it('marks sealed values of erased subjects; the marked export still verifies and imports', async () => {
    const { story, store } = await storyStore();
    // A resident complaint on the same case, its reporter's contact sealed.
    const [first] = await store.readCase(story.caseId);
    if (first?.type !== 'street.issue.reported.v1')
      throw new Error('the story starts with a report');
    const issueId = randomUUID();
    await store.appendToStream(`street-issue-${issueId}`, [
      {
        ...first,
        id: randomUUID(),
        data: {
          ...(first.data as Record<string, unknown>),
          issueId,
          source: 'resident-complaint',
          reporterContact: {
            dataSubjectId: randomUUID(),
            contact: sealWithKey(randomBytes(32), 'subject-key-reporter', '+86 139 0000 1111'),
          },
        },
      },
    ]);
    const events = await store.readCase(story.caseId);
    const withSealed = events.filter((e) => sealedKeyIds(e.data).length > 0);
    expect(withSealed.length).toBeGreaterThan(0);
    const erasedKey = sealedKeyIds(withSealed[0]?.data)[0] ?? '';
    const lines = await collect(
      toNdjson(exportEvents(store, { caseId: story.caseId }), new Set([erasedKey])),
    );
    const marked = lines
      .map((l) => JSON.parse(l) as { id: string; erasedkeys?: string })
      .filter((l) => l.erasedkeys);
    expect(marked.map((l) => l.erasedkeys)).toEqual(marked.map(() => erasedKey));
    expect(marked.map((l) => l.id)).toContain(withSealed[0]?.id);
    expect((await verifyExport(linesOf(Readable.from(lines.join(''))))).intact).toBe(true);
    const target = new InMemoryEventStore();
    const result = await importEvents(target, linesOf(Readable.from(lines.join(''))));
    expect(result.events).toBe(events.length);
  });

  it('resumes an interrupted import: events already there are recognised', async () => {
    const { story, store } = await storyStore();
    const lines = await collect(toNdjson(exportEvents(store, { caseId: story.caseId })));
    const target = new InMemoryEventStore();
    await importEvents(target, Readable.from(lines.slice(0, 5)) as AsyncIterable<string>);
    const again = await importEvents(target, Readable.from(lines) as AsyncIterable<string>);
    expect(again.events).toBe(lines.length);
    expect(await target.readCase(story.caseId)).toHaveLength(lines.length);
  });

  it('selects by agency and by time range', async () => {
    const { story, store } = await storyStore();
    await appendScripted(store, vendorStory());
    const drc = await collect(exportEvents(store, { agency: 'drc' }, { batchSize: 3 }));
    expect(drc.length).toBeGreaterThan(0);
    expect(drc.every((e) => e.streamId.startsWith('drc-'))).toBe(true);
    const range = await collect(
      exportEvents(store, {
        from: new Date('2026-03-20T00:00:00.000Z'),
        to: new Date('2026-03-21T23:59:59.000Z'),
      }),
    );
    expect(range.length).toBeGreaterThan(0);
    expect(
      range.every(
        (e) =>
          e.occurredAt >= '2026-03-20T00:00:00.000Z' && e.occurredAt <= '2026-03-21T23:59:59.000Z',
      ),
    ).toBe(true);
    const ofCase = await collect(
      exportEvents(store, { caseId: story.caseId, from: new Date('2026-03-22T00:00:00.000Z') }),
    );
    expect(ofCase.map((e) => e.type)).toEqual([
      'swc.case.feedback-recorded.v1',
      'swc.case.closed.v1',
      'swc.case.reopened.v1',
    ]);
  });

  it('stops at the first bad line with its number', async () => {
    const { story, store } = await storyStore();
    const lines = await collect(toNdjson(exportEvents(store, { caseId: story.caseId })));
    const bad = JSON.parse(lines[2] ?? '{}') as { data: Record<string, unknown> };
    bad.data['riskLevel'] = 'purple';
    const broken = [lines[0], lines[1], `${JSON.stringify(bad)}\n`, lines[3]].join('');
    const target = new InMemoryEventStore();
    const attempt = importEvents(target, linesOf(Readable.from(broken)));
    await expect(attempt).rejects.toBeInstanceOf(ImportLineError);
    await expect(attempt).rejects.toMatchObject({ line: 3 });
    expect(await target.readCase(story.caseId)).toHaveLength(2);
    await expect(
      importEvents(new InMemoryEventStore(), linesOf(Readable.from('{"no":\n'))),
    ).rejects.toMatchObject({ line: 1, message: expect.stringMatching(/not JSON/) as unknown });
  });

  it('refuses an event whose stream lacks its earlier events', async () => {
    const { story, store } = await storyStore();
    const lines = await collect(toNdjson(exportEvents(store, { caseId: story.caseId })));
    await expect(
      importEvents(new InMemoryEventStore(), linesOf(Readable.from(lines.slice(2).join('')))),
    ).rejects.toMatchObject({
      line: 1,
      message: expect.stringMatching(/earlier events/) as unknown,
    });
  });
});
