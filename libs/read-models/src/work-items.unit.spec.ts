import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@gridline/contracts';
import { foldWorkItem, workItemIds, type WorkItemDocument } from './work-items.js';

const caseId = randomUUID();
const decisionId = randomUUID();
let revision = 0;
const event = (
  type: string,
  data: Record<string, unknown>,
  streamId = `street-decision-${decisionId}`,
) =>
  ({
    id: randomUUID(),
    type,
    agency: streamId.split('-')[0],
    streamId,
    revision: revision++,
    position: '1/1',
    time: `2026-03-09T08:0${revision % 10}:00.000Z`,
    data: { caseId, decisionId, ...data },
    metadata: {
      caseId,
      correlationId: caseId,
      causationId: caseId,
      actor: { id: 'x', agency: 'street', kind: 'user' },
    },
  }) as unknown as EventEnvelope;

const officer = (officerId: string) => ({ officerId, credentialId: 'c-1' });
const fold = (events: EventEnvelope[], id = `decision:${decisionId}`) =>
  events.reduce<WorkItemDocument | null>((doc, e) => foldWorkItem(doc, id, e), null);

beforeEach(() => {
  revision = 0;
});

describe('which event opens and closes which work', () => {
  const proposed = (major: boolean) =>
    event('street.decision.penalty-proposed.v1', {
      draft: 1,
      major,
      penalty: { amountYuan: 15_000 },
      proposedBy: officer('officer-5'),
    });

  it('a major draft waits on its drafter to request review, then on any legal reviewer but its drafters', () => {
    const drafted = fold([proposed(true)]);
    expect(drafted).toMatchObject({
      kind: 'request-review',
      principal: 'officer-5',
      queue: null,
      agency: 'street',
    });
    const review = foldWorkItem(
      drafted,
      `decision:${decisionId}`,
      event('street.decision.review-requested.v1', { draft: 1 }),
    );
    expect(review).toMatchObject({
      kind: 'legal-review',
      queue: 'street:legal-reviewer',
      principal: null,
      notFor: ['officer-5'],
      doneAt: null,
    });
  });

  it('a returned draft goes back to the drafter of its current draft; every drafter stays barred from reviewing it', () => {
    revision = 0;
    const doc = fold([
      proposed(true),
      event('street.decision.review-requested.v1', { draft: 1 }),
      event('street.decision.returned.v1', { draft: 1 }),
    ]);
    expect(doc).toMatchObject({ kind: 'revise-draft', principal: 'officer-5', queue: null });
    const revised = fold([
      proposed(true),
      event('street.decision.review-requested.v1', { draft: 1 }),
      event('street.decision.returned.v1', { draft: 1 }),
      event('street.decision.draft-revised.v1', {
        draft: 2,
        major: true,
        penalty: { amountYuan: 9_000 },
        revisedBy: officer('officer-7'),
      }),
      event('street.decision.review-requested.v1', { draft: 2 }),
    ]);
    expect(revised).toMatchObject({
      kind: 'legal-review',
      notFor: ['officer-5', 'officer-7'],
      label: 'draft 2, ¥9000, major',
    });
  });

  it('approval ends the review: the drafter issues, the issuer publishes, then nothing waits', () => {
    const events = [
      proposed(true),
      event('street.decision.review-requested.v1', { draft: 1 }),
      event('street.decision.approved.v1', { draft: 1 }),
    ];
    expect(fold(events)).toMatchObject({ kind: 'issue-decision', principal: 'officer-5' });
    events.push(event('street.decision.issued.v1', { issuedBy: officer('officer-9') }));
    expect(fold(events)).toMatchObject({ kind: 'publish-decision', principal: 'officer-9' });
    events.push(event('street.decision.published.v1', {}));
    const done = fold(events);
    expect(done).toMatchObject({
      kind: null,
      queue: null,
      principal: null,
      notFor: [],
      dueAt: null,
    });
    expect(done?.doneAt).toBe(events.at(-1)?.time);
  });

  it('a minor draft is issued by its drafter without review; an appeal waits on a legal reviewer', () => {
    const events = [proposed(false)];
    expect(fold(events)).toMatchObject({ kind: 'issue-decision' });
    events.push(event('street.decision.issued.v1', { issuedBy: officer('officer-5') }));
    events.push(event('street.decision.published.v1', {}));
    events.push(event('street.decision.appeal-filed.v1', {}));
    expect(fold(events)).toMatchObject({ kind: 'appeal-outcome', queue: 'street:legal-reviewer' });
    events.push(event('street.decision.appeal-decided.v1', { outcome: 'upheld' }));
    expect(fold(events)).toMatchObject({ kind: null });
  });

  it('a revision applied already changes nothing (a redelivery)', () => {
    const first = proposed(true);
    const doc = fold([first]);
    expect(foldWorkItem(doc, `decision:${decisionId}`, first)).toBe(doc);
  });

  it('an assignment: accept by its due time, handle it once accepted, a reschedule moves the due time only', () => {
    const swc = `swc-case-${caseId}`;
    const assignmentId = randomUUID();
    const id = `assignment:${assignmentId}`;
    const made = event(
      'swc.case.assignment-made.v1',
      {
        assignmentId,
        agency: 'street',
        role: 'lead',
        assignedAt: '2026-03-09T08:00:00.000Z',
        dueAt: '2026-03-12T08:00:00.000Z',
      },
      swc,
    );
    expect(workItemIds(made)).toEqual([`case:${caseId}`, id]);
    const pending = foldWorkItem(null, id, made);
    expect(pending).toMatchObject({
      kind: 'accept-assignment',
      queue: 'street:officer',
      dueAt: '2026-03-12T08:00:00.000Z',
      assignmentId,
    });
    const moved = foldWorkItem(
      pending,
      id,
      event(
        'swc.case.assignment-rescheduled.v1',
        { assignmentId, dueAt: '2026-03-09T20:00:00.000Z' },
        swc,
      ),
    );
    expect(moved).toMatchObject({
      kind: 'accept-assignment',
      dueAt: '2026-03-09T20:00:00.000Z',
      since: pending?.since,
    });
    const accepted = foldWorkItem(
      moved,
      id,
      event('swc.case.assignment-accepted.v1', { assignmentId }, swc),
    );
    expect(accepted).toMatchObject({
      kind: 'handle-assignment',
      queue: 'street:officer',
      dueAt: '2026-03-09T20:00:00.000Z',
    });
    expect(
      foldWorkItem(accepted, id, event('swc.case.assignment-returned.v1', { assignmentId }, swc)),
    ).toMatchObject({ kind: null, queue: null });
  });

  it("SWC's case: triage, verify once every assignment is done and the lead completed, close, nothing after", () => {
    const swc = `swc-case-${caseId}`;
    const id = `case:${caseId}`;
    const a = randomUUID();
    const steps: [string, Record<string, unknown>, string | null][] = [
      ['swc.case.opened.v1', {}, 'triage'],
      ['swc.case.triaged.v1', {}, null],
      ['swc.case.assignment-made.v1', { assignmentId: a, agency: 'street', role: 'lead' }, null],
      ['swc.case.assignment-accepted.v1', { assignmentId: a }, null],
      ['swc.case.assignment-completed.v1', { assignmentId: a }, 'verify'],
      ['swc.case.outcome-verified.v1', {}, 'close'],
      ['swc.case.closed.v1', {}, null],
      ['swc.case.reopened.v1', {}, 'verify'],
    ];
    let doc: WorkItemDocument | null = null;
    for (const [type, data, kind] of steps) {
      doc = foldWorkItem(doc, id, event(type, data, swc));
      expect({ type, kind: doc?.kind }).toEqual({ type, kind });
      if (kind) expect(doc?.queue).toBe('swc:coordinator');
    }
  });

  it('DRC: a warning waits on analysts until lifted; a project on coordinators but its proposer, then funding, then an officer', () => {
    const warningId = randomUUID();
    const w = (type: string, data: Record<string, unknown> = {}) =>
      event(type, { warningId, ...data }, `drc-warning-${warningId}`);
    const issued = foldWorkItem(
      null,
      `warning:${warningId}`,
      w('drc.warning.issued.v1', { kind: 'price-spike', level: 'orange' }),
    );
    expect(issued).toMatchObject({
      kind: 'follow-warning',
      queue: 'drc:analyst',
      label: 'price-spike warning, orange',
    });
    expect(foldWorkItem(issued, `warning:${warningId}`, w('drc.warning.lifted.v1'))).toMatchObject({
      kind: null,
    });

    const projectId = randomUUID();
    const id = `project:${projectId}`;
    const p = (type: string, data: Record<string, unknown> = {}) =>
      event(type, { projectId, ...data }, `drc-project-${projectId}`);
    const proposed = foldWorkItem(
      null,
      id,
      p('drc.project.proposed.v1', { title: 'Zone', proposedBy: 'drc-officer' }),
    );
    expect(proposed).toMatchObject({
      kind: 'decide-project',
      queue: 'drc:coordinator',
      notFor: ['drc-officer'],
    });
    const approved = foldWorkItem(proposed, id, p('drc.project.approved.v1'));
    expect(approved).toMatchObject({
      kind: 'fund-project',
      queue: 'drc:coordinator',
      notFor: [],
      label: 'Zone',
    });
    const funded = foldWorkItem(approved, id, p('drc.project.funded.v1'));
    expect(funded).toMatchObject({ kind: 'complete-project', queue: 'drc:officer' });
    expect(foldWorkItem(funded, id, p('drc.project.completed.v1'))).toMatchObject({ kind: null });
  });

  it('ignores events of other aggregates and evidence', () => {
    expect(workItemIds(event('street.decision.evidence-recorded.v1', {}))).toEqual([]);
    expect(workItemIds(event('street.issue.reported.v1', {}, 'street-issue-1'))).toEqual([]);
  });
});
