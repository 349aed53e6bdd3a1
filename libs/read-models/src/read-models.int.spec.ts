import { randomUUID } from 'node:crypto';
import type { EventEnvelope, EventMetadata } from '@gridline/contracts';
import { InMemoryEventStore, toEnvelope } from '@gridline/eventsourcing';
import { freshReadModelSet } from '@gridline/testing';
import { CaseTimelineProjection } from './case-timeline.projection.js';
import type { ReadModelCollections } from './collections.js';
import { CaseQueries, PublicityQueries } from './queries.js';
import { QueryValidationError } from './query-params.js';
import { StatisticsQueries } from './statistics.queries.js';

const set = freshReadModelSet('test');
let collections: ReadModelCollections;
let store: InMemoryEventStore;
let projection: CaseTimelineProjection;

beforeAll(() => {
  collections = set.collections;
  store = new InMemoryEventStore();
  projection = new CaseTimelineProjection(collections, store);
});

const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Appends events to a stream of the in-memory store, as the agencies would. */
function writer(caseId: string) {
  const meta = (agency: 'street' | 'swc' | 'drc', causationId: string): EventMetadata => ({
    caseId,
    correlationId: caseId,
    causationId,
    actor: { id: `${agency}-1`, agency, kind: 'user' },
  });
  return async (
    streamId: string,
    type: string,
    at: number,
    data: Record<string, unknown>,
    causationId = caseId,
  ): Promise<EventEnvelope> => {
    const agency = streamId.split('-')[0] as 'street' | 'swc' | 'drc';
    const [recorded] = (
      await store.appendToStream(streamId, [
        {
          id: randomUUID(),
          type,
          metadata: meta(agency, causationId),
          occurredAt: iso(at),
          data: { caseId, ...data },
        },
      ])
    ).events;
    return toEnvelope(recorded!);
  };
}

const place = (street: string) => ({
  street,
  community: 'Zhaodengyu',
  grid: 'G-0312',
  description: 'school gate',
});

/** Report → case → triage (street lead, DRC co-handling) → handoffs; returns the envelopes. */
async function coordinatedCase(street: string, t0: number) {
  const caseId = randomUUID();
  const write = writer(caseId);
  const swc = `swc-case-${caseId}`;
  const lead = randomUUID();
  const co = randomUUID();
  const report = await write(`street-issue-${caseId}`, 'street.issue.reported.v1', t0, {
    category: 'street-vending',
    severity: 'medium',
    location: place(street),
    reportedAt: iso(t0),
  });
  const events = [report];
  const swcEvent = async (type: string, at: number, data: Record<string, unknown>) => {
    const e = await write(swc, type, at, data);
    events.push(e);
    return e;
  };
  events.push(
    await write(
      swc,
      'swc.case.opened.v1',
      t0 + 0.5 * H,
      {
        origin: 'street-report',
        category: 'street-vending',
        location: { street, community: 'Zhaodengyu', grid: 'G-0312' },
        severity: 'medium',
        openedAt: iso(t0 + 0.5 * H),
      },
      report.id,
    ),
  );
  await swcEvent('swc.case.triaged.v1', t0 + H, {
    riskLevel: 'yellow',
    category: 'street-vending',
    leadAgency: 'street',
    coHandlers: ['drc'],
  });
  for (const [id, agency, role] of [
    [lead, 'street', 'lead'],
    [co, 'drc', 'co-handler'],
  ] as const)
    await swcEvent('swc.case.assignment-made.v1', t0 + H, {
      assignmentId: id,
      agency,
      role,
      assignedAt: iso(t0 + H),
      dueAt: iso(t0 + 73 * H),
    });
  return { caseId, write, swcEvent, events, lead, co, report };
}

async function applyAll(events: readonly EventEnvelope[]) {
  for (const e of events) await projection.apply(e);
}

describe('read models on the MongoDB wire protocol (FerretDB)', () => {
  it('keeps the case fields across the SWC events, with SLA states at read time', async () => {
    const t0 = Date.parse('2026-03-02T08:00:00.000Z');
    const c = await coordinatedCase('Xinjiekou', t0);
    await c.swcEvent('swc.case.mode-switched.v1', t0 + 2 * H, { mode: 'emergency' });
    await c.swcEvent('swc.case.risk-level-changed.v1', t0 + 2 * H, { from: 'yellow', to: 'red' });
    await c.swcEvent('swc.case.assignment-accepted.v1', t0 + 3 * H, {
      assignmentId: c.lead,
      agency: 'street',
      at: iso(t0 + 3 * H),
    });
    await c.swcEvent('swc.case.assignment-completed.v1', t0 + 10 * H, {
      assignmentId: c.lead,
      agency: 'street',
      at: iso(t0 + 10 * H),
    });
    await applyAll(c.events);
    const queries = new CaseQueries(collections);

    // 60 h into the 72 h window of the DRC's assignment: less than a quarter is left.
    const view = await queries.getCase(c.caseId, new Date(t0 + 61 * H));
    expect(view).toMatchObject({
      status: 'open',
      origin: 'street-report',
      riskLevel: 'red',
      mode: 'emergency',
      category: 'street-vending',
      severity: 'medium',
      location: { street: 'Xinjiekou', grid: 'G-0312' },
      leadAgency: 'street',
      coHandlers: ['drc'],
      openedAt: iso(t0 + 0.5 * H),
      firstResponseAt: iso(t0 + 3 * H),
      lastEventAt: iso(t0 + 10 * H),
    });
    expect(view?.participatingAgencies).toEqual(expect.arrayContaining(['street', 'swc', 'drc']));
    const byAgency = (agency: string) => view?.assignments.find((a) => a.agency === agency);
    expect(byAgency('street')).toMatchObject({ status: 'completed', sla: 'met' });
    expect(byAgency('drc')).toMatchObject({
      status: 'pending',
      role: 'co-handler',
      sla: 'due-soon',
    });
    expect((await queries.getCase(c.caseId, new Date(t0 + 2 * H)))?.assignments[1]?.sla).toBe(
      'on-time',
    );
    expect((await queries.getCase(c.caseId, new Date(t0 + 74 * H)))?.assignments[1]?.sla).toBe(
      'overdue',
    );

    // Escalation, a decline, verification, feedback, closure and reopening.
    const more = [
      await c.swcEvent('swc.case.assignment-escalated.v1', t0 + 74 * H, {
        assignmentId: c.co,
        agency: 'drc',
        dueAt: iso(t0 + 73 * H),
      }),
      await c.swcEvent('swc.case.assignment-declined.v1', t0 + 75 * H, {
        assignmentId: c.co,
        agency: 'drc',
        at: iso(t0 + 75 * H),
      }),
      await c.swcEvent('swc.case.outcome-verified.v1', t0 + 76 * H, {
        verifiedAt: iso(t0 + 76 * H),
      }),
      await c.swcEvent('swc.case.feedback-recorded.v1', t0 + 77 * H, { satisfaction: 4 }),
      await c.swcEvent('swc.case.closed.v1', t0 + 78 * H, { closedAt: iso(t0 + 78 * H) }),
    ];
    await applyAll(more);
    const closed = await queries.getCase(c.caseId, new Date(t0 + 80 * H));
    expect(closed).toMatchObject({ status: 'closed', satisfaction: 4, closedAt: iso(t0 + 78 * H) });
    expect(closed?.assignments.find((a) => a.agency === 'drc')).toMatchObject({
      status: 'declined',
      escalated: true,
      sla: 'released',
    });
    const reopened = await c.swcEvent('swc.case.reopened.v1', t0 + 100 * H, {
      reopenedAt: iso(t0 + 100 * H),
    });
    await applyAll([reopened, reopened]);
    expect(await queries.getCase(c.caseId)).toMatchObject({
      status: 'open',
      reopenCount: 1,
      closedAt: null,
    });
  });

  it('links causes and effects on the timeline whatever the arrival order', async () => {
    const c = await coordinatedCase('Causeway', Date.parse('2026-03-03T08:00:00.000Z'));
    await applyAll([...c.events].reverse());
    const timeline = await new CaseQueries(collections).getTimeline(c.caseId);
    const opened = timeline.find((e) => e.type === 'swc.case.opened.v1');
    expect(opened?.causedBy).toBe(c.report.id);
    expect(timeline[0]).toMatchObject({ eventId: c.report.id, causes: [opened?.eventId] });
    expect(timeline[0]?.causedBy).toBeUndefined();
  });

  it('counts the 721 steps, responses, closures and SLA once, under redelivery and any order', async () => {
    const street = `Street-${randomUUID().slice(0, 6)}`;
    const t0 = Date.parse('2026-04-06T08:00:00.000Z');
    const c = await coordinatedCase(street, t0);
    const subject = randomUUID();
    const step = (type: string, at: number, extra: Record<string, unknown> = {}) =>
      c.write(`street-enforcement-${subject}-vending`, type, at, {
        stepId: randomUUID(),
        subjectId: subject,
        category: 'vending',
        place: place(street),
        issuedBy: { staffId: 'officer-5', officerId: 'officer-5' },
        evidence: [],
        ...extra,
      });
    const decisionId = randomUUID();
    const decision = (type: string, at: number, data: Record<string, unknown>) =>
      c.write(`street-decision-${decisionId}`, type, at, { decisionId, ...data });
    const reminder = await step('street.enforcement.reminder-issued.v1', t0 + 2 * H);
    const warning = await step('street.enforcement.warning-issued.v1', t0 + 26 * H);
    // A second subject, reminded once: a first step, not a repeat.
    const other = await c.write(
      `street-enforcement-${randomUUID()}-vending`,
      'street.enforcement.reminder-issued.v1',
      t0 + 30 * H,
      {
        subjectId: randomUUID(),
        category: 'vending',
        place: place(street),
        issuedBy: { staffId: 'worker-17' },
      },
    );
    const penalty = { circumstance: 'repeat', amountYuan: 500 };
    const proposed = await decision('street.decision.penalty-proposed.v1', t0 + 50 * H, {
      subjectId: subject,
      category: 'vending',
      penalty,
      checkedAgainst: { version: 1, minYuan: 200, maxYuan: 2000 },
      evidence: [{ place: place(street) }],
    });
    const issued = await decision('street.decision.issued.v1', t0 + 51 * H, {
      penalty,
      standardVersion: 1,
      issuedAt: iso(t0 + 51 * H),
    });
    const published = await decision('street.decision.published.v1', t0 + 52 * H, {
      subjectLabel: 'Individual W**',
      category: 'vending',
      penalty,
      standardVersion: 1,
      issuedAt: iso(t0 + 51 * H),
      publishedAt: iso(t0 + 52 * H),
    });
    const swc = [
      await c.swcEvent('swc.case.assignment-accepted.v1', t0 + 4.5 * H, {
        assignmentId: c.lead,
        agency: 'street',
        at: iso(t0 + 4.5 * H),
      }),
      await c.swcEvent('swc.case.assignment-accepted.v1', t0 + 6 * H, {
        assignmentId: c.co,
        agency: 'drc',
        at: iso(t0 + 6 * H),
      }),
      await c.swcEvent('swc.case.assignment-completed.v1', t0 + 60 * H, {
        assignmentId: c.lead,
        agency: 'street',
        at: iso(t0 + 60 * H),
      }),
      await c.swcEvent('swc.case.assignment-completed.v1', t0 + 80 * H, {
        assignmentId: c.co,
        agency: 'drc',
        at: iso(t0 + 80 * H),
      }),
      await c.swcEvent('swc.case.outcome-verified.v1', t0 + 81 * H, {}),
      await c.swcEvent('swc.case.closed.v1', t0 + 82.5 * H, { closedAt: iso(t0 + 82.5 * H) }),
    ];
    // Street topic before the SWC one, the penalty before the earlier steps of its subject,
    // and every event delivered twice.
    const street721 = [proposed, issued, published, warning, other, reminder];
    const order = [...c.events, ...street721, ...swc];
    for (const e of order) {
      await projection.apply(e);
      await projection.apply(e);
    }
    // A redelivery that slipped past the case guard still counts nothing twice.
    const { EnforcementProjection, applyStatIncrement } =
      await import('./statistics.projection.js');
    await new EnforcementProjection(collections).apply(issued);
    await applyStatIncrement(collections, {
      kind: 'agency',
      agency: 'street',
      month: '2026-04',
      marker: swc[2]!.id,
      inc: { completedOnTime: 1 },
    });

    const stats = new StatisticsQueries(collections);
    const ratio = await stats.ratio721({ street, from: '2026-04', to: '2026-04' });
    expect(ratio.rows).toEqual([
      expect.objectContaining({
        street,
        month: '2026-04',
        service: 2,
        management: 1,
        enforcement: 1,
        steps: 4,
        shares: { service: 0.5, management: 0.25, enforcement: 0.25 },
        // The warning and the penalty follow an earlier step of the same subject.
        repeats: 2,
        repeatRate: 0.5,
      }),
    ]);
    const times = await stats.responseTimes({ street });
    expect(times.rows[0]).toMatchObject({
      firstResponse: { count: 1, sumMs: 4 * H, maxMs: 4 * H, averageMs: 4 * H },
      closure: { count: 1, sumMs: 82 * H, averageMs: 82 * H },
    });
    const sla = await stats.sla({ from: '2026-04', to: '2026-04' });
    const of = (agency: string) => sla.rows.find((r) => r.agency === agency);
    // Share the agency buckets with the other tests of this run: compare the differences.
    expect(of('street')?.completedOnTime).toBeGreaterThanOrEqual(1);
    expect(of('drc')?.completedLate).toBeGreaterThanOrEqual(1);
    const streetBucket = await collections.agencyStats.findOne({ _id: '2026-04|street' });
    expect(streetBucket?.applied.filter((m) => m === swc[2]!.id)).toHaveLength(1);

    const feed = await new PublicityQueries(collections).list({});
    const entry = feed.items.find((i) => i.decisionId === decisionId);
    expect(entry).toMatchObject({ subjectLabel: 'Individual W**', amountYuan: 500, street });
    expect(JSON.stringify(entry)).not.toContain(subject);
  });

  it('sums durations past 2^31 ms exactly (FerretDB wraps 32-bit integer sums)', async () => {
    const { applyStatIncrement } = await import('./statistics.projection.js');
    const street = `Street-${randomUUID().slice(0, 6)}`;
    const ms = 2 ** 31 - 1_000; // about 24.9 days: a slow closure
    for (const marker of [randomUUID(), randomUUID()])
      await applyStatIncrement(collections, {
        kind: 'street',
        street,
        month: '2026-06',
        marker,
        inc: { 'closure.count': 1, 'closure.sumMs': ms },
        max: { 'closure.maxMs': ms },
      });
    const bucket = await collections.streetStats.findOne({ street, month: '2026-06' });
    expect(bucket?.closure).toEqual({ count: 2, sumMs: 2 * ms, maxMs: ms });
  });

  it('marks retracted publicity and leaves it out by default', async () => {
    const caseId = randomUUID();
    const write = writer(caseId);
    const decisionId = randomUUID();
    const d = (type: string, at: number, data: Record<string, unknown>) =>
      write(`street-decision-${decisionId}`, type, at, { decisionId, ...data });
    const t = Date.parse('2026-05-01T08:00:00.000Z');
    const penalty = { circumstance: 'first-offence', amountYuan: 100 };
    await applyAll([
      await d('street.decision.penalty-proposed.v1', t, {
        subjectId: randomUUID(),
        category: 'vending',
        penalty,
        checkedAgainst: { version: 1, minYuan: 50, maxYuan: 200 },
        evidence: [{ place: place('Retraction Road') }],
      }),
      await d('street.decision.issued.v1', t + H, { penalty, standardVersion: 1 }),
      await d('street.decision.published.v1', t + 2 * H, {
        subjectLabel: 'Business L**',
        category: 'vending',
        penalty,
        standardVersion: 1,
        issuedAt: iso(t + H),
        publishedAt: iso(t + 2 * H),
      }),
      await d('street.decision.publicity-retracted.v1', t + 3 * H, {
        reason: 'revoked on appeal',
        retractedAt: iso(t + 3 * H),
      }),
    ]);
    const publicity = new PublicityQueries(collections);
    expect((await publicity.list({})).items.map((i) => i.decisionId)).not.toContain(decisionId);
    const all = await publicity.list({ includeRetracted: 'true' });
    expect(all.items.find((i) => i.decisionId === decisionId)).toMatchObject({ retracted: true });
  });

  it('filters and pages the case list; refuses operators and unknown parameters', async () => {
    const street = `Page-${randomUUID().slice(0, 6)}`;
    const t0 = Date.parse('2026-06-01T08:00:00.000Z');
    const made = [];
    for (let i = 0; i < 5; i++) {
      const c = await coordinatedCase(street, t0 + i * H);
      await applyAll(c.events);
      made.push(c.caseId);
    }
    const closer = await coordinatedCase(street, t0 + 10 * H);
    await closer.swcEvent('swc.case.closed.v1', t0 + 11 * H, { closedAt: iso(t0 + 11 * H) });
    await applyAll(closer.events);
    const queries = new CaseQueries(collections);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<CaseQueries['listCases']>> = await queries.listCases({
        street,
        status: 'open',
        limit: '2',
        ...(cursor ? { cursor } : {}),
      });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.caseId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());
    const closed = await queries.listCases({ street, status: 'closed' });
    expect(closed.items.map((i) => i.caseId)).toEqual([closer.caseId]);
    // Due 73 h after t0 + i h: at t0 + 75 h the first three are overdue.
    const overdue = await queries.listCases(
      { street, status: 'open', overdue: 'true' },
      { all: true },
      new Date(t0 + 75.5 * H),
    );
    expect(overdue.items.map((i) => i.caseId).sort()).toEqual(made.slice(0, 3).sort());
    expect(
      (await queries.listCases({ street, agency: 'drc', riskLevel: 'yellow' })).items,
    ).toHaveLength(6);
    expect(
      (await queries.listCases({ street }, { all: false, agency: 'street' })).items,
    ).toHaveLength(6);

    const refused = async (raw: unknown) => {
      const error: unknown = await queries.listCases(raw).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueryValidationError);
      return (error as QueryValidationError).problems.map((p) => p.parameter);
    };
    expect(await refused({ status: { $ne: 'x' } })).toEqual(['status']);
    expect(await refused({ street: ['a', 'b'], 'status[$ne]': 'x', limit: '0' })).toEqual([
      'street',
      'status[$ne]',
      'limit',
    ]);
    expect(await refused({ cursor: 'bm90LWEtY3Vyc29y' })).toEqual(['cursor']);
  });
});
