import type { Place, ProjectEvent } from '@gridline/contracts';
import { assertNever, DomainError, type Decider } from '@gridline/eventsourcing';

export interface ProposeProject {
  readonly type: 'ProposeProject';
  readonly projectId: string;
  /** The case whose root cause the project addresses: every event of the project carries it. */
  readonly caseId: string;
  readonly title: string;
  readonly description: string;
  /** Whole yuan. */
  readonly budget: number;
  readonly location: Place;
  readonly proposedBy: string;
  readonly proposedAt: Date;
}

export interface ApproveProject {
  readonly type: 'ApproveProject';
  readonly projectId: string;
  /** The budget granted, whole yuan; the proposed budget when absent. */
  readonly budget?: number;
  readonly approvedBy: string;
  readonly approvedAt: Date;
}

export interface RejectProject {
  readonly type: 'RejectProject';
  readonly projectId: string;
  readonly reason: string;
  readonly rejectedBy: string;
  readonly rejectedAt: Date;
}

export interface FundProject {
  readonly type: 'FundProject';
  readonly projectId: string;
  /** This tranche, whole yuan. */
  readonly amount: number;
  readonly fundedBy: string;
  readonly fundedAt: Date;
}

export interface CompleteProject {
  readonly type: 'CompleteProject';
  readonly projectId: string;
  readonly outcome: string;
  readonly completedBy: string;
  readonly completedAt: Date;
}

export type ProjectCommand =
  ProposeProject | ApproveProject | RejectProject | FundProject | CompleteProject;

export type ProjectStatus = 'proposed' | 'approved' | 'rejected' | 'funded' | 'completed';

export type ProjectState =
  | { readonly status: 'none' }
  | {
      readonly status: ProjectStatus;
      readonly projectId: string;
      readonly caseId: string;
      readonly title: string;
      readonly description: string;
      readonly location: Place;
      readonly proposedBudget: number;
      readonly proposedBy: string;
      readonly proposedAt: string;
      readonly approvedBudget?: number;
      readonly approvedBy?: string;
      readonly rejection?: { readonly reason: string; readonly by: string; readonly at: string };
      /** Tranches released so far and their sum, whole yuan. */
      readonly tranches: number;
      readonly fundedTotal: number;
      readonly outcome?: string;
      readonly completedAt?: string;
    };

type ExistingProject = Exclude<ProjectState, { status: 'none' }>;

export const projectStreamId = (projectId: string) => `drc-project-${projectId}`;

const isWholeYuan = (amount: number) => Number.isSafeInteger(amount) && amount > 0;

/** The project, if its status allows `action`; otherwise the domain error saying why not. */
function projectIn(
  state: ProjectState,
  projectId: string,
  allowed: readonly ProjectStatus[],
  action: string,
): ExistingProject {
  if (state.status === 'none')
    throw new DomainError('project-not-found', `project ${projectId} was never proposed`);
  if (!allowed.includes(state.status))
    throw new DomainError(
      'illegal-transition',
      `project ${projectId} is ${state.status}: it cannot be ${action}`,
      { status: state.status, allowedFrom: allowed },
    );
  return state;
}

/** Four eyes: whoever proposed a project does not also decide on it. */
function notTheProposer(project: ExistingProject, principalId: string, action: string) {
  if (principalId === project.proposedBy)
    throw new DomainError(
      'proposer-cannot-decide',
      `${principalId} proposed project ${project.projectId}: someone else must ${action} it`,
    );
}

function requireText(text: string, code: string, message: string) {
  if (text.trim() === '') throw new DomainError(code, message);
}

/**
 * A livelihood project linked to a case (e.g. a designated vending zone near a
 * school): proposed with a budget, approved or rejected by someone other than
 * the proposer, funded in tranches up to the approved budget, then completed.
 */
export const projectDecider: Decider<ProjectCommand, ProjectEvent, ProjectState> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'ProposeProject': {
        if (state.status !== 'none')
          throw new DomainError(
            'project-exists',
            `project ${command.projectId} was already proposed`,
          );
        if (!isWholeYuan(command.budget))
          throw new DomainError('invalid-budget', 'the budget must be a whole number of yuan > 0', {
            budget: command.budget,
          });
        return [
          {
            type: 'drc.project.proposed.v1',
            data: {
              projectId: command.projectId,
              caseId: command.caseId,
              title: command.title,
              description: command.description,
              budget: command.budget,
              location: command.location,
              proposedBy: command.proposedBy,
              proposedAt: command.proposedAt.toISOString(),
            },
          },
        ];
      }
      case 'ApproveProject': {
        const project = projectIn(state, command.projectId, ['proposed'], 'approved');
        notTheProposer(project, command.approvedBy, 'approve');
        const budget = command.budget ?? project.proposedBudget;
        // An approver may trim the budget, never raise it: a larger one needs a new proposal.
        if (!isWholeYuan(budget) || budget > project.proposedBudget)
          throw new DomainError(
            'invalid-budget',
            `the approved budget must be a whole number of yuan from 1 to the ${project.proposedBudget} proposed`,
            { budget, proposedBudget: project.proposedBudget },
          );
        return [
          {
            type: 'drc.project.approved.v1',
            data: {
              projectId: project.projectId,
              caseId: project.caseId,
              approvedBudget: budget,
              approvedBy: command.approvedBy,
              approvedAt: command.approvedAt.toISOString(),
            },
          },
        ];
      }
      case 'RejectProject': {
        const project = projectIn(state, command.projectId, ['proposed'], 'rejected');
        notTheProposer(project, command.rejectedBy, 'reject');
        requireText(command.reason, 'reason-required', 'rejecting a project needs a reason');
        return [
          {
            type: 'drc.project.rejected.v1',
            data: {
              projectId: project.projectId,
              caseId: project.caseId,
              reason: command.reason,
              rejectedBy: command.rejectedBy,
              rejectedAt: command.rejectedAt.toISOString(),
            },
          },
        ];
      }
      case 'FundProject': {
        const project = projectIn(state, command.projectId, ['approved', 'funded'], 'funded');
        if (!isWholeYuan(command.amount))
          throw new DomainError('invalid-amount', 'a tranche must be a whole number of yuan > 0', {
            amount: command.amount,
          });
        const approvedBudget = project.approvedBudget ?? 0;
        const fundedTotal = project.fundedTotal + command.amount;
        if (fundedTotal > approvedBudget)
          throw new DomainError(
            'over-budget',
            `a tranche of ${command.amount} yuan would take project ${project.projectId} over its approved budget`,
            {
              approvedBudget,
              fundedTotal: project.fundedTotal,
              remaining: approvedBudget - project.fundedTotal,
            },
          );
        return [
          {
            type: 'drc.project.funded.v1',
            data: {
              projectId: project.projectId,
              caseId: project.caseId,
              tranche: project.tranches + 1,
              amount: command.amount,
              fundedTotal,
              fundedBy: command.fundedBy,
              fundedAt: command.fundedAt.toISOString(),
            },
          },
        ];
      }
      case 'CompleteProject': {
        if (state.status === 'approved')
          throw new DomainError(
            'not-funded',
            `project ${command.projectId} has received no funds: it cannot be completed yet`,
          );
        const project = projectIn(state, command.projectId, ['funded'], 'completed');
        requireText(command.outcome, 'outcome-required', 'completing a project needs its outcome');
        return [
          {
            type: 'drc.project.completed.v1',
            data: {
              projectId: project.projectId,
              caseId: project.caseId,
              outcome: command.outcome,
              fundedTotal: project.fundedTotal,
              completedBy: command.completedBy,
              completedAt: command.completedAt.toISOString(),
            },
          },
        ];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'drc.project.proposed.v1':
        return {
          status: 'proposed',
          projectId: event.data.projectId,
          caseId: event.data.caseId,
          title: event.data.title,
          description: event.data.description,
          location: event.data.location,
          proposedBudget: event.data.budget,
          proposedBy: event.data.proposedBy,
          proposedAt: event.data.proposedAt,
          tranches: 0,
          fundedTotal: 0,
        };
      case 'drc.project.approved.v1':
        if (state.status === 'none') return state;
        return {
          ...state,
          status: 'approved',
          approvedBudget: event.data.approvedBudget,
          approvedBy: event.data.approvedBy,
        };
      case 'drc.project.rejected.v1':
        if (state.status === 'none') return state;
        return {
          ...state,
          status: 'rejected',
          rejection: {
            reason: event.data.reason,
            by: event.data.rejectedBy,
            at: event.data.rejectedAt,
          },
        };
      case 'drc.project.funded.v1':
        if (state.status === 'none') return state;
        return {
          ...state,
          status: 'funded',
          tranches: event.data.tranche,
          fundedTotal: event.data.fundedTotal,
        };
      case 'drc.project.completed.v1':
        if (state.status === 'none') return state;
        return {
          ...state,
          status: 'completed',
          outcome: event.data.outcome,
          completedAt: event.data.completedAt,
        };
      default:
        return assertNever(event);
    }
  },
};
