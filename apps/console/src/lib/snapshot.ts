// One shape for "the case as shown": from the live case view (GET /api/cases/:id)
// or from the case as it stood at a time (GET /api/cases/:id/as-of).
import type { CaseArea, CaseHistoryView, CaseView, HistoryDecision, SlaState } from '../api/types';
import { slaStateAt } from './time';

export interface AssignmentRow {
  readonly assignmentId: string;
  readonly agency: 'drc' | 'street';
  readonly role: 'lead' | 'co-handler';
  readonly status: string;
  readonly assignedAt: string;
  readonly dueAt: string;
  readonly escalated: boolean;
  readonly open: boolean;
  readonly sla: SlaState | undefined;
}

export interface CaseSnapshot {
  readonly status: string;
  readonly origin?: string;
  readonly category?: string;
  readonly severity?: string;
  readonly location?: CaseArea;
  readonly riskLevel?: CaseView['riskLevel'];
  readonly mode?: CaseView['mode'];
  readonly leadAgency?: string;
  readonly coHandlers: readonly string[];
  readonly assignments: readonly AssignmentRow[];
  readonly reopenCount: number;
  readonly satisfaction?: number;
  readonly decisions?: readonly HistoryDecision[];
}

const OPEN = new Set(['pending', 'accepted', 'assigned']);

export function fromCaseView(view: CaseView, decisions?: readonly HistoryDecision[]): CaseSnapshot {
  return {
    status: view.status,
    ...(view.origin ? { origin: view.origin } : {}),
    ...(view.category ? { category: view.category } : {}),
    ...(view.severity ? { severity: view.severity } : {}),
    ...(view.location ? { location: view.location } : {}),
    ...(view.riskLevel ? { riskLevel: view.riskLevel } : {}),
    ...(view.mode ? { mode: view.mode } : {}),
    ...(view.leadAgency ? { leadAgency: view.leadAgency } : {}),
    coHandlers: view.coHandlers ?? [],
    assignments: view.assignments.map((a) => ({
      assignmentId: a.assignmentId,
      agency: a.agency,
      role: a.role,
      status: a.status,
      assignedAt: a.assignedAt,
      dueAt: a.dueAt,
      escalated: a.escalated,
      open: OPEN.has(a.status),
      sla: a.sla,
    })),
    reopenCount: view.reopenCount ?? 0,
    ...(view.satisfaction !== undefined ? { satisfaction: view.satisfaction } : {}),
    ...(decisions ? { decisions } : {}),
  };
}

export function fromHistory(view: CaseHistoryView, at: string): CaseSnapshot {
  const now = Date.parse(at);
  return {
    status: view.status,
    ...(view.origin ? { origin: view.origin } : {}),
    ...(view.category ? { category: view.category } : {}),
    ...(view.severity ? { severity: view.severity } : {}),
    ...(view.location ? { location: view.location } : {}),
    ...(view.riskLevel ? { riskLevel: view.riskLevel } : {}),
    mode: view.mode,
    ...(view.leadAgency ? { leadAgency: view.leadAgency } : {}),
    coHandlers: view.coHandlers,
    assignments: view.assignments.map((a) => ({
      ...a,
      open: OPEN.has(a.status),
      sla: slaStateAt(a, now),
    })),
    reopenCount: view.reopenCount,
    ...(view.satisfaction !== undefined ? { satisfaction: view.satisfaction } : {}),
    decisions: view.decisions,
  };
}
