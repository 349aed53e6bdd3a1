import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '@gridline/contracts';
import { InMemoryEventStore, toEnvelope, type RecordedEvent } from '@gridline/eventsourcing';
import { liveArrival, readModelContents, testInfra } from '@gridline/testing';
import { CaseTimelineProjection } from './case-timeline.projection.js';
import {
  dropReadModelCollections,
  ensureReadModelIndexes,
  readModelCollections,
} from './collections.js';
import { openMongo, type MongoHandle } from './mongo.js';
import { rebuildReadModels } from './rebuild.js';
import { WorkQueries, type WorkPrincipal } from './work-queries.js';

let mongo: MongoHandle;
const run = randomUUID().slice(0, 8);
const suffixes: string[] = [];
const suffix = (name: string) => {
  const s = `_work_${name}_${run}`;
  suffixes.push(s);
  return s;
};

beforeAll(async () => {
  mongo = await openMongo(testInfra().mongoUrl);
});
afterAll(async () => {
  for (const s of suffixes) await dropReadModelCollections(mongo.db, s);
  await mongo.close();
});

const H = 3_600_000;
const t0 = Date.parse('2026-03-09T08:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const place = { street: 'Xinjiekou', community: 'Zhaodengyu', grid: 'G-0312', description: 'gate' };

const people = {
  coordinator: { id: 'coord-1', agency: 'swc', roles: ['coordinator'] },
  officer: { id: 'officer-5', agency: 'street', roles: ['officer'] },
  reviewer: { id: 'reviewer-2', agency: 'street', roles: ['legal-reviewer'] },
  // Both an officer and a legal reviewer: drafts D2, so may not review it.
  both: { id: 'lr-1', agency: 'street', roles: ['officer', 'legal-reviewer'] },
  drcCoordinator: { id: 'drc-coord', agency: 'drc', roles: ['coordinator'] },
  drcOfficer: { id: 'drc-officer', agency: 'drc', roles: ['officer'] },
  analyst: { id: 'drc-analyst', agency: 'drc', roles: ['analyst'] },
} satisfies Record<string, WorkPrincipal>;

/** A story that makes every kind of work, in two parts (a look in between). */
function story() {
  const store = new InMemoryEventStore();
  const [c1, c2] = [randomUUID(), randomUUID()];
  const [a1, a2, a3] = [randomUUID(), randomUUID(), randomUUID()];
  const [d1, d2, w1, p1] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  let hour = 0;
  const write = (
    caseId: string,
    streamId: string,
    type: string,
    data: Record<string, unknown>,
    actor = 'someone',
  ) => {
    const at = iso(t0 + hour++ * H);
    const metadata: EventMetadata = {
      caseId,
      correlationId: caseId,
      causationId: caseId,
      actor: { id: actor, agency: streamId.split('-')[0] as 'swc', kind: 'user' },
    };
    return store.appendToStream(streamId, [
      { id: randomUUID(), type, metadata, occurredAt: at, data: { caseId, ...data, at } },
    ]);
  };
  const swc = (caseId: string, verb: string, data: Record<string, unknown> = {}) =>
    write(caseId, `swc-case-${caseId}`, `swc.case.${verb}.v1`, data);
  const terms = { circumstance: 'aggravated', amountYuan: 12_000 };
  const decision = (id: string, verb: string, data: Record<string, unknown> = {}) =>
    write(c1, `street-decision-${id}`, `street.decision.${verb}.v1`, {
      decisionId: id,
      subjectId: 'subject-1',
      category: 'vending',
      checkedAgainst: { version: 1, minYuan: 50, maxYuan: 20_000 },
      penalty: terms,
      reasons: ['facts thin'],
      ...data,
    });
  const drafted = (by: string, draft: number, amountYuan: number) => ({
    draft,
    major: true,
    penalty: { circumstance: 'aggravated', amountYuan },
    evidence: [{ place }],
    [draft === 1 ? 'proposedBy' : 'revisedBy']: { officerId: by, credentialId: 'c' },
  });
  const assignment = (caseId: string, id: string, agency: string, role: string) =>
    swc(caseId, 'assignment-made', {
      assignmentId: id,
      agency,
      role,
      assignedAt: iso(t0),
      dueAt: iso(t0 + 72 * H),
    });
  const handoff = (caseId: string, id: string, agency: string, verb: string) =>
    swc(caseId, `assignment-${verb}`, { assignmentId: id, agency });

  const first = async () => {
    await swc(c1, 'opened', {
      origin: 'street-report',
      category: 'street-vending',
      location: place,
      severity: 'medium',
      openedAt: iso(t0),
    });
    await swc(c1, 'triaged', {
      riskLevel: 'yellow',
      category: 'street-vending',
      leadAgency: 'street',
      coHandlers: ['drc'],
    });
    await assignment(c1, a1, 'street', 'lead');
    await assignment(c1, a2, 'drc', 'co-handler');
    await handoff(c1, a1, 'street', 'accepted');
    await decision(d1, 'penalty-proposed', drafted('officer-5', 1, 15_000));
    await decision(d1, 'review-requested', { draft: 1 });
    await decision(d2, 'penalty-proposed', drafted('lr-1', 1, 20_000));
    await decision(d2, 'review-requested', { draft: 1 });
    await write(c2, `drc-warning-${w1}`, 'drc.warning.issued.v1', {
      warningId: w1,
      kind: 'tourism-surge',
      level: 'orange',
      area: { street: 'Xinjiekou' },
      description: 'surge',
    });
    await swc(c2, 'opened', {
      origin: 'drc-warning',
      category: 'tourism',
      location: { street: 'Xinjiekou' },
      severity: 'high',
      openedAt: iso(t0),
    });
    await write(c1, `drc-project-${p1}`, 'drc.project.proposed.v1', {
      projectId: p1,
      title: 'Vending zone',
      proposedBy: 'drc-officer',
      budget: 100,
      location: place,
    });
  };
  const second = async () => {
    await decision(d1, 'returned', { draft: 1, reasons: ['facts thin'] });
    await decision(d1, 'draft-revised', drafted('officer-5', 2, 12_000));
    await decision(d1, 'review-requested', { draft: 2 });
    await decision(d1, 'approved', { draft: 2 });
    await decision(d1, 'issued', {
      draft: 2,
      issuedBy: { officerId: 'officer-5', credentialId: 'c' },
    });
    await decision(d1, 'published', {
      subjectLabel: 'Individual W**',
      category: 'vending',
      penalty: { amountYuan: 12_000 },
    });
    await decision(d1, 'appeal-filed', { appellant: 'subject' });
    await decision(d2, 'approved', { draft: 1 });
    await swc(c1, 'assignment-rescheduled', { assignmentId: a2, dueAt: iso(t0 + 12 * H) });
    await write(c1, `drc-project-${p1}`, 'drc.project.approved.v1', {
      projectId: p1,
      approvedBudget: 100,
    });
    await write(c2, `drc-warning-${w1}`, 'drc.warning.re-leveled.v1', {
      warningId: w1,
      fromLevel: 'orange',
      toLevel: 'red',
      direction: 'raised',
    });
    await swc(c2, 'triaged', {
      riskLevel: 'red',
      category: 'tourism',
      leadAgency: 'drc',
      coHandlers: [],
    });
    await assignment(c2, a3, 'drc', 'lead');
    await handoff(c2, a3, 'drc', 'accepted');
    await handoff(c2, a3, 'drc', 'completed');
  };
  const third = async () => {
    await handoff(c1, a1, 'street', 'completed');
    await handoff(c1, a2, 'drc', 'accepted');
    await handoff(c1, a2, 'drc', 'completed');
    await swc(c1, 'outcome-verified', { verifiedAt: iso(t0) });
    await write(c1, `drc-project-${p1}`, 'drc.project.funded.v1', {
      projectId: p1,
      tranche: 1,
      amount: 100,
      fundedTotal: 100,
    });
    await write(c1, `drc-project-${p1}`, 'drc.project.completed.v1', {
      projectId: p1,
      outcome: 'open',
    });
    await decision(d1, 'appeal-decided', { outcome: 'upheld' });
    await write(c2, `drc-warning-${w1}`, 'drc.warning.lifted.v1', {
      warningId: w1,
      reason: 'passed',
    });
    await swc(c2, 'outcome-verified', { verifiedAt: iso(t0) });
    await swc(c2, 'closed', { closedAt: iso(t0) });
  };
  return { store, parts: [first, second, third], ids: { c1, c2, a1, a2, a3, d1, d2, w1, p1 } };
}

async function liveSet(name: string) {
  const s = suffix(name);
  const collections = readModelCollections(mongo.db, s);
  await ensureReadModelIndexes(collections);
  return { s, collections, queries: new WorkQueries(collections) };
}

type Seen = Record<string, string[]>;

/** Each person's work as `kind id`, in the order the query answers. */
async function seen(queries: WorkQueries): Promise<Seen> {
  const result: Seen = {};
  for (const [who, p] of Object.entries(people))
    result[who] = (await queries.forPrincipal(p, new Date(t0 + 24 * H))).items.map(
      (i) => `${i.kind} ${i.id}`,
    );
  return result;
}

describe('work items ("My work"), projected live and rebuilt', () => {
  it('puts each step in front of the right people, and the live set equals the rebuild field by field', async () => {
    const { store, parts, ids } = story();
    const perEvent = await liveSet('event');
    const batched = await liveSet('batch');
    const project = new CaseTimelineProjection(perEvent.collections, store);
    const batch = new CaseTimelineProjection(batched.collections, store);
    let after: RecordedEvent['position'] | undefined;
    const looks: Seen[] = [];
    let middle: Awaited<ReturnType<WorkQueries['forPrincipal']>> | undefined;
    for (const part of parts) {
      await part();
      const log = [...(await store.readAll({ ...(after ? { after } : {}), maxCount: 10_000 }))];
      after = log.at(-1)?.position;
      // Topics interleaved, every seventh message twice; the batched side in chunks of five.
      for (const e of liveArrival(log)) await project.apply(toEnvelope(e));
      const arrival = liveArrival(log).map(toEnvelope);
      for (let i = 0; i < arrival.length; i += 5) await batch.applyBatch(arrival.slice(i, i + 5));
      const look = await seen(perEvent.queries);
      expect(await seen(batched.queries)).toEqual(look);
      looks.push(look);
      if (looks.length === 2)
        middle = await perEvent.queries.forPrincipal(people.drcCoordinator, new Date(t0 + 24 * H));
    }
    const { c1, c2, a1, a2, d1, d2, w1, p1 } = ids;
    expect(looks[0]).toEqual({
      coordinator: [`triage case:${c2}`],
      officer: [`handle-assignment assignment:${a1}`],
      reviewer: [`legal-review decision:${d1}`, `legal-review decision:${d2}`],
      // Drafted D2: not theirs to review.
      both: [`handle-assignment assignment:${a1}`, `legal-review decision:${d1}`],
      drcCoordinator: [`accept-assignment assignment:${a2}`, `decide-project project:${p1}`],
      // Proposed the project: an officer, not a coordinator, and not its approver anyway.
      drcOfficer: [],
      analyst: [`follow-warning warning:${w1}`],
    });
    expect(looks[1]).toEqual({
      coordinator: [`verify case:${c2}`],
      // Approved, issued, published: the appeal waits on a legal reviewer now.
      officer: [`handle-assignment assignment:${a1}`],
      reviewer: [`appeal-outcome decision:${d1}`],
      both: [
        `handle-assignment assignment:${a1}`,
        `appeal-outcome decision:${d1}`,
        `issue-decision decision:${d2}`,
      ],
      // Rescheduled to 12 h: soonest due first.
      drcCoordinator: [`accept-assignment assignment:${a2}`, `fund-project project:${p1}`],
      drcOfficer: [],
      analyst: [`follow-warning warning:${w1}`],
    });
    expect(looks[2]).toEqual({
      coordinator: [`close case:${c1}`],
      officer: [],
      reviewer: [],
      both: [`issue-decision decision:${d2}`],
      drcCoordinator: [],
      drcOfficer: [],
      analyst: [],
    });

    // The rescheduled assignment is overdue a day in; the project has no due time.
    expect(middle).toMatchObject({
      total: 2,
      counts: { 'accept-assignment': 1, 'fund-project': 1 },
      items: [
        {
          kind: 'accept-assignment',
          caseId: c1,
          assignmentId: a2,
          dueAt: iso(t0 + 12 * H),
          sla: 'overdue',
          queue: 'drc:coordinator',
          personal: false,
        },
        { kind: 'fund-project', projectId: p1, dueAt: null, sla: null },
      ],
    });

    const rebuilt = suffix('rebuilt');
    await rebuildReadModels({ db: mongo.db, store, suffix: rebuilt, batchSize: 7 });
    const [a, b, c] = [
      await readModelContents(mongo.db, perEvent.s),
      await readModelContents(mongo.db, batched.s),
      await readModelContents(mongo.db, rebuilt),
    ];
    expect((a['workItems'] as unknown[]).length).toBe(9);
    for (const key of Object.keys(a)) {
      expect({ [key]: b[key] }).toEqual({ [key]: a[key] });
      expect({ [key]: c[key] }).toEqual({ [key]: a[key] });
    }
  });
});
