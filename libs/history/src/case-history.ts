import {
  agencyOfStream,
  isKnownEventType,
  type Agency,
  type AppealOutcome,
  type AssignmentRole,
  type CaseArea,
  type CaseMode,
  type CaseOrigin,
  type GridlineEvent,
  type HandlingAgency,
  type IssueOutcome,
  type RiskLevel,
  type Severity,
} from '@gridline/contracts';
import type { RecordedEvent } from '@gridline/eventsourcing';

/** What the fold needs of a stored event. */
export type HistoryEvent = Pick<RecordedEvent, 'id' | 'type' | 'data' | 'occurredAt' | 'streamId'>;

export type CaseStatus = 'reported' | 'open' | 'triaged' | 'verified' | 'closed' | 'reopened';
export type AssignmentStatus = 'assigned' | 'accepted' | 'declined' | 'returned' | 'completed';

export interface AssignmentHistory {
  readonly assignmentId: string;
  readonly agency: HandlingAgency;
  readonly role: AssignmentRole;
  readonly status: AssignmentStatus;
  readonly assignedAt: string;
  readonly dueAt: string;
  readonly escalated: boolean;
  readonly lastNote?: string;
}

export interface IssueHistory {
  readonly issueId: string;
  readonly status: 'reported' | 'acknowledged' | 'resolved';
  readonly category: string;
  readonly reportedAt: string;
  readonly outcome?: IssueOutcome;
}

export interface EnforcementStepHistory {
  readonly stepId: string;
  readonly kind: 'reminder' | 'warning';
  readonly subjectId: string;
  readonly category: string;
  readonly issuedAt: string;
  readonly evidenceCount: number;
}

export type DecisionStatus =
  'proposed' | 'review-requested' | 'approved' | 'returned' | 'issued' | 'revoked';

export interface DecisionHistory {
  readonly decisionId: string;
  readonly subjectId: string;
  readonly category: string;
  readonly status: DecisionStatus;
  readonly draft: number;
  readonly amountYuan: number;
  readonly major: boolean;
  readonly published: boolean;
  readonly appeal?: 'filed' | AppealOutcome;
}

export type ProjectStatus = 'proposed' | 'approved' | 'rejected' | 'funded' | 'completed';

export interface ProjectHistory {
  readonly projectId: string;
  readonly title: string;
  readonly status: ProjectStatus;
  readonly budget: number;
  readonly approvedBudget?: number;
  readonly fundedTotal: number;
}

export interface RiskWarningHistory {
  readonly warningId: string;
  readonly level: RiskLevel;
  readonly status: 'active' | 'lifted';
}

/** A coordinated case as it stood after a prefix of its history. */
export interface CaseHistoryView {
  readonly caseId: string;
  readonly status: CaseStatus;
  readonly origin?: CaseOrigin;
  readonly category?: string;
  readonly severity?: Severity;
  readonly location?: CaseArea;
  readonly riskLevel?: RiskLevel;
  readonly mode: CaseMode;
  readonly leadAgency?: HandlingAgency;
  readonly coHandlers: readonly HandlingAgency[];
  /** Every agency whose streams hold events of the case. */
  readonly agencies: readonly Agency[];
  readonly assignments: readonly AssignmentHistory[];
  readonly verified: boolean;
  readonly satisfaction?: number;
  readonly closedAt?: string;
  readonly reopenCount: number;
  readonly issues: readonly IssueHistory[];
  readonly enforcementSteps: readonly EnforcementStepHistory[];
  readonly decisions: readonly DecisionHistory[];
  readonly projects: readonly ProjectHistory[];
  readonly riskWarnings: readonly RiskWarningHistory[];
  readonly eventCount: number;
  readonly firstEventAt: string;
  readonly lastEventAt: string;
  readonly lastEventId: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function replaceBy<T, K extends keyof T>(
  items: readonly T[],
  key: K,
  id: T[K],
  change: (item: T) => T,
): T[] {
  return items.map((item) => (item[key] === id ? change(item) : item));
}

/**
 * Folds a case's events (all agencies, in log order) into the case as it stood
 * after the last of them. Pure: the caller chooses the prefix (e.g. events that
 * occurred up to a time). Undefined for no events: the case did not exist yet.
 * Unrelated and unknown event types only count as activity.
 */
export function foldCaseHistory(
  caseId: string,
  events: readonly HistoryEvent[],
): CaseHistoryView | undefined {
  const first = events[0];
  if (!first) return undefined;
  let view: Mutable<CaseHistoryView> = {
    caseId,
    status: 'reported',
    mode: 'routine',
    coHandlers: [],
    agencies: [],
    assignments: [],
    verified: false,
    reopenCount: 0,
    issues: [],
    enforcementSteps: [],
    decisions: [],
    projects: [],
    riskWarnings: [],
    eventCount: 0,
    firstEventAt: first.occurredAt,
    lastEventAt: first.occurredAt,
    lastEventId: first.id,
  };
  for (const event of events) {
    const agency = agencyOfStream(event.streamId);
    view = {
      ...view,
      eventCount: view.eventCount + 1,
      lastEventAt: event.occurredAt,
      lastEventId: event.id,
      agencies:
        agency && !view.agencies.includes(agency) ? [...view.agencies, agency] : view.agencies,
    };
    if (isKnownEventType(event.type))
      view = evolve(view, { type: event.type, data: event.data } as GridlineEvent);
  }
  return view;
}

function evolve(view: Mutable<CaseHistoryView>, event: GridlineEvent): Mutable<CaseHistoryView> {
  switch (event.type) {
    case 'swc.case.opened.v1': {
      const d = event.data;
      return {
        ...view,
        status: 'open',
        origin: d.origin,
        category: d.category,
        severity: d.severity,
        location: d.location,
        ...(d.riskLevel ? { riskLevel: d.riskLevel } : {}),
      };
    }
    case 'swc.case.triaged.v1': {
      const d = event.data;
      return {
        ...view,
        status: 'triaged',
        riskLevel: d.riskLevel,
        category: d.category,
        leadAgency: d.leadAgency,
        coHandlers: [...d.coHandlers],
      };
    }
    case 'swc.case.risk-level-changed.v1':
      return { ...view, riskLevel: event.data.to };
    case 'swc.case.mode-switched.v1':
      return { ...view, mode: event.data.mode };
    case 'swc.case.assignment-made.v1': {
      const d = event.data;
      const assignment: AssignmentHistory = {
        assignmentId: d.assignmentId,
        agency: d.agency,
        role: d.role,
        status: 'assigned',
        assignedAt: d.assignedAt,
        dueAt: d.dueAt,
        escalated: false,
      };
      return { ...view, assignments: [...view.assignments, assignment] };
    }
    case 'swc.case.assignment-rescheduled.v1':
      return assignment(view, event.data.assignmentId, (a) => ({ ...a, dueAt: event.data.dueAt }));
    case 'swc.case.assignment-accepted.v1':
      return assignment(view, event.data.assignmentId, (a) => ({ ...a, status: 'accepted' }));
    case 'swc.case.assignment-declined.v1':
      return assignment(view, event.data.assignmentId, (a) => ({ ...a, status: 'declined' }));
    case 'swc.case.assignment-returned.v1':
      return assignment(view, event.data.assignmentId, (a) => ({ ...a, status: 'returned' }));
    case 'swc.case.assignment-completed.v1':
      return assignment(view, event.data.assignmentId, (a) => ({ ...a, status: 'completed' }));
    case 'swc.case.progress-reported.v1':
      return assignment(view, event.data.assignmentId, (a) => ({
        ...a,
        lastNote: event.data.note,
      }));
    case 'swc.case.assignment-escalated.v1':
      return assignment(view, event.data.assignmentId, (a) => ({ ...a, escalated: true }));
    case 'swc.case.outcome-verified.v1':
      return { ...view, status: 'verified', verified: true };
    case 'swc.case.feedback-recorded.v1':
      return { ...view, satisfaction: event.data.satisfaction };
    case 'swc.case.closed.v1':
      return { ...view, status: 'closed', closedAt: event.data.closedAt };
    case 'swc.case.reopened.v1': {
      const { closedAt: _closed, ...rest } = view;
      return { ...rest, status: 'reopened', verified: false, reopenCount: view.reopenCount + 1 };
    }
    case 'street.issue.reported.v1': {
      const d = event.data;
      const issue: IssueHistory = {
        issueId: d.issueId,
        status: 'reported',
        category: d.category,
        reportedAt: d.reportedAt,
      };
      return {
        ...view,
        issues: [...view.issues, issue],
        // Before SWC opens the case, the report is all there is to show.
        category: view.category ?? d.category,
        severity: view.severity ?? d.severity,
        location: view.location ?? {
          street: d.location.street,
          community: d.location.community,
          grid: d.location.grid,
        },
      };
    }
    case 'street.issue.acknowledged.v1':
      return issue(view, event.data.issueId, (i) => ({ ...i, status: 'acknowledged' }));
    case 'street.issue.resolved.v1':
      return issue(view, event.data.issueId, (i) => ({
        ...i,
        status: 'resolved',
        outcome: event.data.outcome,
      }));
    case 'street.enforcement.reminder-issued.v1':
    case 'street.enforcement.warning-issued.v1': {
      const d = event.data;
      const step: EnforcementStepHistory = {
        stepId: d.stepId,
        kind: event.type === 'street.enforcement.reminder-issued.v1' ? 'reminder' : 'warning',
        subjectId: d.subjectId,
        category: d.category,
        issuedAt: d.issuedAt,
        evidenceCount: 'evidence' in d ? d.evidence.length : 0,
      };
      return { ...view, enforcementSteps: [...view.enforcementSteps, step] };
    }
    case 'street.enforcement.evidence-recorded.v1':
      return {
        ...view,
        enforcementSteps: replaceBy(view.enforcementSteps, 'stepId', event.data.stepId, (s) => ({
          ...s,
          evidenceCount: s.evidenceCount + 1,
        })),
      };
    case 'street.decision.penalty-proposed.v1': {
      const d = event.data;
      const decision: DecisionHistory = {
        decisionId: d.decisionId,
        subjectId: d.subjectId,
        category: d.category,
        status: 'proposed',
        draft: d.draft,
        amountYuan: d.penalty.amountYuan,
        major: d.major,
        published: false,
      };
      return { ...view, decisions: [...view.decisions, decision] };
    }
    case 'street.decision.draft-revised.v1':
      return decision(view, event.data.decisionId, (x) => ({
        ...x,
        status: 'proposed',
        draft: event.data.draft,
        amountYuan: event.data.penalty.amountYuan,
        major: event.data.major,
      }));
    case 'street.decision.review-requested.v1':
      return decision(view, event.data.decisionId, (x) => ({ ...x, status: 'review-requested' }));
    case 'street.decision.approved.v1':
      return decision(view, event.data.decisionId, (x) => ({ ...x, status: 'approved' }));
    case 'street.decision.returned.v1':
      return decision(view, event.data.decisionId, (x) => ({ ...x, status: 'returned' }));
    case 'street.decision.issued.v1':
      return decision(view, event.data.decisionId, (x) => ({
        ...x,
        status: 'issued',
        amountYuan: event.data.penalty.amountYuan,
      }));
    case 'street.decision.published.v1':
      return decision(view, event.data.decisionId, (x) => ({ ...x, published: true }));
    case 'street.decision.publicity-retracted.v1':
      return decision(view, event.data.decisionId, (x) => ({ ...x, published: false }));
    case 'street.decision.appeal-filed.v1':
      return decision(view, event.data.decisionId, (x) => ({ ...x, appeal: 'filed' }));
    case 'street.decision.appeal-decided.v1': {
      const d = event.data;
      return decision(view, d.decisionId, (x) => ({
        ...x,
        appeal: d.outcome,
        ...(d.outcome === 'revoked' ? { status: 'revoked' as const } : {}),
        ...(d.outcome === 'changed' && d.penalty ? { amountYuan: d.penalty.amountYuan } : {}),
      }));
    }
    case 'drc.warning.issued.v1': {
      const d = event.data;
      return {
        ...view,
        riskWarnings: [
          ...view.riskWarnings,
          { warningId: d.warningId, level: d.level, status: 'active' },
        ],
      };
    }
    case 'drc.warning.re-leveled.v1':
      return {
        ...view,
        riskWarnings: replaceBy(view.riskWarnings, 'warningId', event.data.warningId, (w) => ({
          ...w,
          level: event.data.toLevel,
        })),
      };
    case 'drc.warning.lifted.v1':
      return {
        ...view,
        riskWarnings: replaceBy(view.riskWarnings, 'warningId', event.data.warningId, (w) => ({
          ...w,
          status: 'lifted',
        })),
      };
    case 'drc.project.proposed.v1': {
      const d = event.data;
      const project: ProjectHistory = {
        projectId: d.projectId,
        title: d.title,
        status: 'proposed',
        budget: d.budget,
        fundedTotal: 0,
      };
      return { ...view, projects: [...view.projects, project] };
    }
    case 'drc.project.approved.v1':
      return project(view, event.data.projectId, (p) => ({
        ...p,
        status: 'approved',
        approvedBudget: event.data.approvedBudget,
      }));
    case 'drc.project.rejected.v1':
      return project(view, event.data.projectId, (p) => ({ ...p, status: 'rejected' }));
    case 'drc.project.funded.v1':
      return project(view, event.data.projectId, (p) => ({
        ...p,
        status: 'funded',
        fundedTotal: event.data.fundedTotal,
      }));
    case 'drc.project.completed.v1':
      return project(view, event.data.projectId, (p) => ({
        ...p,
        status: 'completed',
        fundedTotal: event.data.fundedTotal,
      }));
    default:
      // Inbox records, subjects, evidence on decisions, notes, reference data: activity only.
      return view;
  }
}

type View = Mutable<CaseHistoryView>;
const assignment = (v: View, id: string, f: (a: AssignmentHistory) => AssignmentHistory): View => ({
  ...v,
  assignments: replaceBy(v.assignments, 'assignmentId', id, f),
});
const issue = (v: View, id: string, f: (i: IssueHistory) => IssueHistory): View => ({
  ...v,
  issues: replaceBy(v.issues, 'issueId', id, f),
});
const decision = (v: View, id: string, f: (d: DecisionHistory) => DecisionHistory): View => ({
  ...v,
  decisions: replaceBy(v.decisions, 'decisionId', id, f),
});
const project = (v: View, id: string, f: (p: ProjectHistory) => ProjectHistory): View => ({
  ...v,
  projects: replaceBy(v.projects, 'projectId', id, f),
});
