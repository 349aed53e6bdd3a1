import type {
  ProjectApproved,
  ProjectCompleted,
  ProjectFunded,
  ProjectProposed,
  ProjectRejected,
} from '@gridline/contracts';
import { DomainError, deciderSpec } from '@gridline/eventsourcing';
import {
  projectDecider,
  type ApproveProject,
  type CompleteProject,
  type FundProject,
  type ProposeProject,
  type RejectProject,
} from './project.decider.js';

const spec = deciderSpec(projectDecider);

const projectId = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d';
const caseId = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const proposer = 'coord-drc-1';
const approver = 'admin-drc-2';

const propose: ProposeProject = {
  type: 'ProposeProject',
  projectId,
  caseId,
  title: 'Designated vending zone by Xinjiekou primary school',
  description: 'Twelve licensed stalls with awnings, 150 m from the school gate',
  budget: 120_000,
  location: {
    street: 'Xinjiekou',
    community: 'Zhaodengyu',
    grid: 'G-0312',
    description: 'car park east of the school',
  },
  proposedBy: proposer,
  proposedAt: new Date('2026-03-05T02:00:00.000Z'),
};

const proposed: ProjectProposed = {
  type: 'drc.project.proposed.v1',
  data: {
    projectId,
    caseId,
    title: propose.title,
    description: propose.description,
    budget: 120_000,
    location: propose.location,
    proposedBy: proposer,
    proposedAt: '2026-03-05T02:00:00.000Z',
  },
};

const approve: ApproveProject = {
  type: 'ApproveProject',
  projectId,
  approvedBy: approver,
  approvedAt: new Date('2026-03-06T03:00:00.000Z'),
};

const approved: ProjectApproved = {
  type: 'drc.project.approved.v1',
  data: {
    projectId,
    caseId,
    approvedBudget: 120_000,
    approvedBy: approver,
    approvedAt: '2026-03-06T03:00:00.000Z',
  },
};

const reject: RejectProject = {
  type: 'RejectProject',
  projectId,
  reason: 'the car park is leased until 2027',
  rejectedBy: approver,
  rejectedAt: new Date('2026-03-06T03:00:00.000Z'),
};

const rejected: ProjectRejected = {
  type: 'drc.project.rejected.v1',
  data: {
    projectId,
    caseId,
    reason: 'the car park is leased until 2027',
    rejectedBy: approver,
    rejectedAt: '2026-03-06T03:00:00.000Z',
  },
};

const fund = (amount: number): FundProject => ({
  type: 'FundProject',
  projectId,
  amount,
  fundedBy: approver,
  fundedAt: new Date('2026-03-10T01:00:00.000Z'),
});

const funded = (tranche: number, amount: number, fundedTotal: number): ProjectFunded => ({
  type: 'drc.project.funded.v1',
  data: {
    projectId,
    caseId,
    tranche,
    amount,
    fundedTotal,
    fundedBy: approver,
    fundedAt: '2026-03-10T01:00:00.000Z',
  },
});

const complete: CompleteProject = {
  type: 'CompleteProject',
  projectId,
  outcome: 'zone open; four vendors took stalls, none trades at the gate',
  completedBy: proposer,
  completedAt: new Date('2026-04-01T08:00:00.000Z'),
};

const completed: ProjectCompleted = {
  type: 'drc.project.completed.v1',
  data: {
    projectId,
    caseId,
    outcome: complete.outcome,
    fundedTotal: 50_000,
    completedBy: proposer,
    completedAt: '2026-04-01T08:00:00.000Z',
  },
};

const illegal = (e: DomainError) => e.code === 'illegal-transition';

describe('Livelihood project', () => {
  describe('proposing', () => {
    it('a coordinator proposes a project for a case, with a budget in yuan and a place', () => {
      spec.given([]).when(propose).then([proposed]);
    });

    it('the budget is a whole number of yuan above zero', () => {
      for (const budget of [0, -500, 999.5])
        spec
          .given([])
          .when({ ...propose, budget })
          .thenThrows(DomainError, (e) => e.code === 'invalid-budget');
    });

    it('the same project cannot be proposed twice', () => {
      spec
        .given([proposed])
        .when(propose)
        .thenThrows(DomainError, (e) => e.code === 'project-exists');
    });
  });

  describe('approving and rejecting', () => {
    it('someone other than the proposer approves it, at the proposed budget', () => {
      spec.given([proposed]).when(approve).then([approved]);
    });

    it('the approver may grant less than proposed', () => {
      spec
        .given([proposed])
        .when({ ...approve, budget: 90_000 })
        .then([{ ...approved, data: { ...approved.data, approvedBudget: 90_000 } }]);
    });

    it('the approver may not grant more than proposed', () => {
      spec
        .given([proposed])
        .when({ ...approve, budget: 120_001 })
        .thenThrows(DomainError, (e) => e.code === 'invalid-budget');
    });

    it('the proposer cannot approve their own project', () => {
      spec
        .given([proposed])
        .when({ ...approve, approvedBy: proposer })
        .thenThrows(DomainError, (e) => e.code === 'proposer-cannot-decide');
    });

    it('someone other than the proposer rejects it, with a reason', () => {
      spec.given([proposed]).when(reject).then([rejected]);
    });

    it('the proposer cannot reject their own project either', () => {
      spec
        .given([proposed])
        .when({ ...reject, rejectedBy: proposer })
        .thenThrows(DomainError, (e) => e.code === 'proposer-cannot-decide');
    });

    it('rejecting needs a reason', () => {
      spec
        .given([proposed])
        .when({ ...reject, reason: ' ' })
        .thenThrows(DomainError, (e) => e.code === 'reason-required');
    });

    it('a project is decided once: no approval after a rejection or a second approval', () => {
      spec.given([proposed, rejected]).when(approve).thenThrows(DomainError, illegal);
      spec.given([proposed, approved]).when(approve).thenThrows(DomainError, illegal);
      spec.given([proposed, approved]).when(reject).thenThrows(DomainError, illegal);
    });

    it('a project that was never proposed cannot be approved', () => {
      spec
        .given([])
        .when(approve)
        .thenThrows(DomainError, (e) => e.code === 'project-not-found');
    });
  });

  describe('funding', () => {
    it('an approved project receives a first tranche', () => {
      spec
        .given([proposed, approved])
        .when(fund(50_000))
        .then([funded(1, 50_000, 50_000)]);
    });

    it('a second tranche may bring the total up to exactly the approved budget', () => {
      spec
        .given([proposed, approved, funded(1, 50_000, 50_000)])
        .when(fund(70_000))
        .then([funded(2, 70_000, 120_000)]);
    });

    it('tranches together cannot exceed the approved budget', () => {
      const error = spec
        .given([proposed, approved, funded(1, 50_000, 50_000)])
        .when(fund(70_001))
        .thenThrows(DomainError, (e) => e.code === 'over-budget');
      expect(error.details).toEqual({
        approvedBudget: 120_000,
        fundedTotal: 50_000,
        remaining: 70_000,
      });
    });

    it('the budget that counts is the approved one, not the proposed one', () => {
      spec
        .given([proposed, { ...approved, data: { ...approved.data, approvedBudget: 90_000 } }])
        .when(fund(100_000))
        .thenThrows(DomainError, (e) => e.code === 'over-budget');
    });

    it('a tranche is a whole number of yuan above zero', () => {
      for (const amount of [0, -1, 10.25])
        spec
          .given([proposed, approved])
          .when(fund(amount))
          .thenThrows(DomainError, (e) => e.code === 'invalid-amount');
    });

    it('only an approved project is funded: not a proposed, rejected or completed one', () => {
      spec.given([proposed]).when(fund(1_000)).thenThrows(DomainError, illegal);
      spec.given([proposed, rejected]).when(fund(1_000)).thenThrows(DomainError, illegal);
      spec
        .given([proposed, approved, funded(1, 50_000, 50_000), completed])
        .when(fund(1_000))
        .thenThrows(DomainError, illegal);
    });
  });

  describe('completing', () => {
    it('a partly funded project is completed with its outcome', () => {
      spec
        .given([proposed, approved, funded(1, 50_000, 50_000)])
        .when(complete)
        .then([completed]);
    });

    it('a project that received no funds cannot be completed', () => {
      spec
        .given([proposed, approved])
        .when(complete)
        .thenThrows(DomainError, (e) => e.code === 'not-funded');
    });

    it('a proposed, rejected or completed project cannot be completed', () => {
      spec.given([proposed]).when(complete).thenThrows(DomainError, illegal);
      spec.given([proposed, rejected]).when(complete).thenThrows(DomainError, illegal);
      spec
        .given([proposed, approved, funded(1, 50_000, 50_000), completed])
        .when(complete)
        .thenThrows(DomainError, illegal);
    });

    it('completing needs the outcome', () => {
      spec
        .given([proposed, approved, funded(1, 50_000, 50_000)])
        .when({ ...complete, outcome: '' })
        .thenThrows(DomainError, (e) => e.code === 'outcome-required');
    });
  });
});
