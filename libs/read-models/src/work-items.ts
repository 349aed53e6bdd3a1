import { isEventOfType, type Agency, type EventEnvelope } from '@gridline/contracts';

/**
 * "My work": what waits on whom. One document per piece of work's aggregate
 * (an SWC case, an assignment, a penalty decision, a DRC warning or project),
 * holding its next step while there is one. Each document is owned by one
 * stream (the aggregate's, or for an assignment the SWC case's, which records
 * every handoff and reschedule) and remembers the last revision of it applied:
 * a pure fold of that stream, so the live projection and the rebuild leave the
 * same document.
 *
 * Queries (FerretDB 1.24, ADR 0002): equality on the top-level `queue`
 * (`street:legal-reviewer`) or `principal`, each indexed; open documents only
 * carry either, so a person's query reads a small set, sorted afterwards.
 */
export type WorkKind =
  | 'triage'
  | 'verify'
  | 'close'
  | 'accept-assignment'
  | 'handle-assignment'
  | 'request-review'
  | 'legal-review'
  | 'revise-draft'
  | 'issue-decision'
  | 'publish-decision'
  | 'appeal-outcome'
  | 'follow-warning'
  | 'decide-project'
  | 'fund-project'
  | 'complete-project';

export const WORK_KINDS: readonly WorkKind[] = [
  'triage',
  'verify',
  'close',
  'accept-assignment',
  'handle-assignment',
  'request-review',
  'legal-review',
  'revise-draft',
  'issue-decision',
  'publish-decision',
  'appeal-outcome',
  'follow-warning',
  'decide-project',
  'fund-project',
  'complete-project',
];

/** What the fold remembers of its aggregate between events. */
export interface WorkMemo {
  // An SWC case.
  readonly triaged?: boolean;
  readonly verified?: boolean;
  readonly closed?: boolean;
  readonly assignments?: Readonly<
    Record<string, { readonly role: string; readonly status: string }>
  >;
  // An assignment.
  readonly assignedAt?: string;
  readonly escalated?: boolean;
  // A penalty decision.
  readonly drafters?: readonly string[];
  readonly drafter?: string;
  readonly major?: boolean;
  readonly draft?: number;
  readonly amountYuan?: number;
  readonly issuer?: string;
  readonly status?: string;
  readonly appealPending?: boolean;
  // A DRC project.
  readonly proposer?: string;
  readonly title?: string;
}

export interface WorkItemDocument {
  /** `case:<caseId>`, `assignment:<id>`, `decision:<id>`, `warning:<id>`, `project:<id>`. */
  readonly _id: string;
  readonly caseId: string;
  /** The stream whose events make this document, and the last revision of it applied. */
  readonly streamId: string;
  readonly revision: number;
  /** The agency whose people do the work. */
  readonly agency: Agency;
  /** While open and for anyone of a role: `<agency>:<role>`; else null. */
  readonly queue: string | null;
  /** While open and personal (a returned draft goes back to its drafter); else null. */
  readonly principal: string | null;
  /** Principals who may not do it (the drafters of a decision under review). */
  readonly notFor: readonly string[];
  /** The next step; null when there is none (the work is done). */
  readonly kind: WorkKind | null;
  readonly assignmentId?: string;
  readonly decisionId?: string;
  readonly warningId?: string;
  readonly projectId?: string;
  readonly label: string;
  /** When the current step began. */
  readonly since: string;
  /** When it is due, where the domain sets a deadline (assignments' SLAs). */
  readonly dueAt: string | null;
  /** When the last step was done and nothing else waits; null while open. */
  readonly doneAt: string | null;
  readonly memo: WorkMemo;
}

/** The queue of people of `agency` holding `role`. */
export const queueOf = (agency: string, role: string) => `${agency}:${role}`;

/** Who handles an agency's assignments (its inbox). */
const ASSIGNMENT_ROLE: Record<string, string> = { street: 'officer', drc: 'coordinator' };

/** Ids of the work documents an event changes (none for most events). */
export function workItemIds(event: EventEnvelope): string[] {
  const data = event.data as {
    caseId?: string;
    assignmentId?: string;
    decisionId?: string;
    warningId?: string;
    projectId?: string;
  };
  if (event.type.startsWith('swc.case.')) {
    const ids = [`case:${data.caseId ?? event.metadata.caseId}`];
    if (data.assignmentId) ids.push(`assignment:${data.assignmentId}`);
    return ids;
  }
  if (event.type.startsWith('street.decision.') && data.decisionId)
    return event.type === 'street.decision.evidence-recorded.v1'
      ? []
      : [`decision:${data.decisionId}`];
  if (event.type.startsWith('drc.warning.') && data.warningId) return [`warning:${data.warningId}`];
  if (event.type.startsWith('drc.project.') && data.projectId) return [`project:${data.projectId}`];
  return [];
}

/** What a step sets: the work (or none) and the memo. */
interface Step {
  readonly kind: WorkKind | null;
  /** The agency of personal work (queued work: the queue's). */
  readonly agency?: Agency;
  readonly queue?: string;
  readonly principal?: string;
  readonly notFor?: readonly string[];
  readonly label?: string;
  readonly dueAt?: string | null;
  /** Keep `since` when the step stays the same kind (a reschedule). */
  readonly memo: WorkMemo;
}

/**
 * Pure: the work document `id` after `event` (of its owning stream), or the
 * document unchanged (`before`, possibly null) when the event does not concern
 * it or was applied already (its revision is not after the remembered one).
 */
export function foldWorkItem(
  before: WorkItemDocument | null,
  id: string,
  event: EventEnvelope,
): WorkItemDocument | null {
  if (before && event.revision <= before.revision) return before;
  if (!workItemIds(event).includes(id)) return before;
  const memo = before?.memo ?? {};
  const step = nextStep(id, memo, event, before);
  if (!step) return before;
  const time = event.time;
  const open = step.kind !== null;
  const sameKind = before !== null && before.kind === step.kind && open;
  const agency =
    step.agency ??
    (step.queue?.split(':')[0] as Agency | undefined) ??
    before?.agency ??
    event.agency;
  const refs = refsOf(id);
  return {
    _id: id,
    caseId: before?.caseId ?? event.metadata.caseId,
    streamId: event.streamId,
    revision: event.revision,
    agency: open ? agency : (before?.agency ?? agency),
    queue: open ? (step.queue ?? null) : null,
    principal: open ? (step.principal ?? null) : null,
    notFor: open ? [...(step.notFor ?? [])] : [],
    kind: step.kind,
    ...refs,
    label: step.label ?? before?.label ?? '',
    since: sameKind ? before.since : time,
    dueAt: open ? (step.dueAt ?? null) : null,
    doneAt: open ? null : time,
    memo: step.memo,
  };
}

function refsOf(id: string): Partial<WorkItemDocument> {
  const [prefix, ref] = id.split(':') as [string, string];
  if (prefix === 'assignment') return { assignmentId: ref };
  if (prefix === 'decision') return { decisionId: ref };
  if (prefix === 'warning') return { warningId: ref };
  if (prefix === 'project') return { projectId: ref };
  return {};
}

function nextStep(
  id: string,
  memo: WorkMemo,
  event: EventEnvelope,
  before: WorkItemDocument | null,
): Step | undefined {
  if (id.startsWith('case:')) return caseStep(memo, event);
  if (id.startsWith('assignment:')) return assignmentStep(memo, event, before);
  if (id.startsWith('decision:')) return decisionStep(memo, event);
  if (id.startsWith('warning:')) return warningStep(memo, event);
  if (id.startsWith('project:')) return projectStep(memo, event);
  return undefined;
}

const SWC_COORDINATION = queueOf('swc', 'coordinator');

/** SWC's own next step on a case: triage, then (every assignment done) verify, then close. */
function caseStep(memo: WorkMemo, event: EventEnvelope): Step | undefined {
  let next: WorkMemo = memo;
  const assignments = { ...(memo.assignments ?? {}) };
  const setStatus = (assignmentId: string, status: string) => {
    const a = assignments[assignmentId];
    if (a) assignments[assignmentId] = { ...a, status };
    next = { ...next, assignments };
  };
  if (isEventOfType(event, 'swc.case.opened.v1'))
    next = { triaged: false, verified: false, closed: false, assignments: {} };
  else if (isEventOfType(event, 'swc.case.triaged.v1')) next = { ...memo, triaged: true };
  else if (isEventOfType(event, 'swc.case.assignment-made.v1')) {
    assignments[event.data.assignmentId] = { role: event.data.role, status: 'pending' };
    next = { ...memo, triaged: true, assignments };
  } else if (isEventOfType(event, 'swc.case.assignment-accepted.v1'))
    setStatus(event.data.assignmentId, 'accepted');
  else if (isEventOfType(event, 'swc.case.assignment-declined.v1'))
    setStatus(event.data.assignmentId, 'declined');
  else if (isEventOfType(event, 'swc.case.assignment-returned.v1'))
    setStatus(event.data.assignmentId, 'returned');
  else if (isEventOfType(event, 'swc.case.assignment-completed.v1'))
    setStatus(event.data.assignmentId, 'completed');
  else if (isEventOfType(event, 'swc.case.outcome-verified.v1')) next = { ...memo, verified: true };
  else if (isEventOfType(event, 'swc.case.closed.v1')) next = { ...memo, closed: true };
  else if (isEventOfType(event, 'swc.case.reopened.v1'))
    next = { ...memo, closed: false, verified: false };
  else return undefined;
  const all = Object.values(next.assignments ?? {});
  const work = (kind: WorkKind, label: string): Step => ({
    kind,
    queue: SWC_COORDINATION,
    label,
    memo: next,
  });
  if (next.closed) return { kind: null, memo: next };
  if (!next.triaged) return work('triage', 'triage the case');
  if (next.verified) return work('close', 'close the verified case');
  const active = all.some((a) => a.status === 'pending' || a.status === 'accepted');
  const leadDone = all.some((a) => a.role === 'lead' && a.status === 'completed');
  if (!active && leadDone) return work('verify', 'verify the outcome');
  return { kind: null, memo: next };
}

/** An agency's assignment: accept or decline, then complete or hand back, by its due time. */
function assignmentStep(
  memo: WorkMemo,
  event: EventEnvelope,
  before: WorkItemDocument | null,
): Step | undefined {
  const queue = before?.queue ?? undefined;
  const keep = (kind: WorkKind | null, patch: WorkMemo = {}): Step => ({
    kind,
    ...(queue ? { queue } : {}),
    dueAt: before?.dueAt ?? null,
    memo: { ...memo, ...patch },
  });
  if (isEventOfType(event, 'swc.case.assignment-made.v1')) {
    const d = event.data;
    return {
      kind: 'accept-assignment',
      queue: queueOf(d.agency, ASSIGNMENT_ROLE[d.agency] ?? 'coordinator'),
      label: `${d.role} assignment`,
      dueAt: d.dueAt,
      memo: { assignedAt: d.assignedAt, escalated: false },
    };
  }
  if (!before || before.kind === null) return undefined;
  if (isEventOfType(event, 'swc.case.assignment-rescheduled.v1'))
    return { ...keep(before.kind, { escalated: false }), dueAt: event.data.dueAt };
  if (isEventOfType(event, 'swc.case.assignment-escalated.v1'))
    return keep(before.kind, { escalated: true });
  if (isEventOfType(event, 'swc.case.assignment-accepted.v1')) return keep('handle-assignment');
  if (
    isEventOfType(event, 'swc.case.assignment-declined.v1') ||
    isEventOfType(event, 'swc.case.assignment-returned.v1') ||
    isEventOfType(event, 'swc.case.assignment-completed.v1')
  )
    return { kind: null, memo };
  return undefined;
}

const LEGAL_REVIEW = queueOf('street', 'legal-reviewer');

/** An officer's id, '' when the event names none (data read as it is, schemas are the writers'). */
function officerOf(ref: unknown): string {
  const id = (ref as { officerId?: unknown } | undefined)?.officerId;
  return typeof id === 'string' ? id : '';
}

function amountOf(penalty: unknown): number {
  const amount = (penalty as { amountYuan?: unknown } | undefined)?.amountYuan;
  return typeof amount === 'number' ? amount : 0;
}

/**
 * A penalty decision: its drafter requests review of a major draft (or issues
 * a minor one), any legal reviewer but its drafters reviews it, a returned
 * draft goes back to its drafter, an approved one is issued and published by
 * its officer; an appeal waits on a legal reviewer for its outcome.
 */
function decisionStep(memo: WorkMemo, event: EventEnvelope): Step | undefined {
  let next: WorkMemo = memo;
  if (isEventOfType(event, 'street.decision.penalty-proposed.v1')) {
    const d = event.data;
    next = {
      drafters: [officerOf(d.proposedBy)],
      drafter: officerOf(d.proposedBy),
      major: d.major,
      draft: d.draft,
      amountYuan: amountOf(d.penalty),
      status: 'drafted',
      appealPending: false,
    };
  } else if (isEventOfType(event, 'street.decision.draft-revised.v1')) {
    const d = event.data;
    const drafters = memo.drafters ?? [];
    next = {
      ...memo,
      drafters: drafters.includes(officerOf(d.revisedBy))
        ? drafters
        : [...drafters, officerOf(d.revisedBy)],
      drafter: officerOf(d.revisedBy),
      major: d.major,
      draft: d.draft,
      amountYuan: amountOf(d.penalty),
      status: 'drafted',
    };
  } else if (isEventOfType(event, 'street.decision.review-requested.v1'))
    next = { ...memo, status: 'review-requested' };
  else if (isEventOfType(event, 'street.decision.returned.v1'))
    next = { ...memo, status: 'returned' };
  else if (isEventOfType(event, 'street.decision.approved.v1'))
    next = { ...memo, status: 'approved' };
  else if (isEventOfType(event, 'street.decision.issued.v1'))
    next = { ...memo, status: 'issued', issuer: officerOf(event.data.issuedBy) };
  else if (isEventOfType(event, 'street.decision.published.v1'))
    next = { ...memo, status: 'published' };
  else if (isEventOfType(event, 'street.decision.publicity-retracted.v1'))
    next = { ...memo, status: memo.status === 'issued' ? 'retracted' : (memo.status ?? '') };
  else if (isEventOfType(event, 'street.decision.appeal-filed.v1'))
    next = { ...memo, appealPending: true };
  else if (isEventOfType(event, 'street.decision.appeal-decided.v1'))
    next = {
      ...memo,
      appealPending: false,
      ...(event.data.outcome === 'revoked' ? { status: 'revoked' } : {}),
    };
  else return undefined;
  const label = `draft ${next.draft ?? 1}, ¥${next.amountYuan ?? 0}${next.major ? ', major' : ''}`;
  const drafter = next.drafter ?? '';
  const personal = (kind: WorkKind, principal: string): Step => ({
    kind,
    agency: 'street',
    principal,
    label,
    memo: next,
  });
  if (next.appealPending) return { kind: 'appeal-outcome', queue: LEGAL_REVIEW, label, memo: next };
  switch (next.status) {
    case 'drafted':
      return personal(next.major ? 'request-review' : 'issue-decision', drafter);
    case 'review-requested':
      return {
        kind: 'legal-review',
        queue: LEGAL_REVIEW,
        notFor: next.drafters ?? [],
        label,
        memo: next,
      };
    case 'returned':
      return personal('revise-draft', drafter);
    case 'approved':
      return personal('issue-decision', drafter);
    case 'issued':
      return personal('publish-decision', next.issuer ?? drafter);
    default:
      return { kind: null, memo: next };
  }
}

/** An active DRC risk warning waits on the DRC's analysts until lifted. */
function warningStep(memo: WorkMemo, event: EventEnvelope): Step | undefined {
  const queue = queueOf('drc', 'analyst');
  if (isEventOfType(event, 'drc.warning.issued.v1'))
    return {
      kind: 'follow-warning',
      queue,
      label: `${event.data.kind} warning, ${event.data.level}`,
      memo: {},
    };
  if (isEventOfType(event, 'drc.warning.re-leveled.v1'))
    return {
      kind: 'follow-warning',
      queue,
      label: `warning, ${event.data.toLevel}`,
      memo,
    };
  if (isEventOfType(event, 'drc.warning.lifted.v1')) return { kind: null, memo };
  return undefined;
}

/**
 * A DRC livelihood project: approved or rejected by a coordinator other than
 * its proposer, funded by a coordinator, completed by an officer.
 */
function projectStep(memo: WorkMemo, event: EventEnvelope): Step | undefined {
  const coordinators = queueOf('drc', 'coordinator');
  if (isEventOfType(event, 'drc.project.proposed.v1')) {
    const next = { proposer: event.data.proposedBy, title: event.data.title };
    return {
      kind: 'decide-project',
      queue: coordinators,
      notFor: [event.data.proposedBy],
      label: event.data.title,
      memo: next,
    };
  }
  if (isEventOfType(event, 'drc.project.approved.v1'))
    return { kind: 'fund-project', queue: coordinators, memo };
  if (isEventOfType(event, 'drc.project.funded.v1'))
    return { kind: 'complete-project', queue: queueOf('drc', 'officer'), memo };
  if (
    isEventOfType(event, 'drc.project.rejected.v1') ||
    isEventOfType(event, 'drc.project.completed.v1')
  )
    return { kind: null, memo };
  return undefined;
}
