import type {
  AppealDecided,
  AppealFiled,
  DecisionApproved,
  DecisionDraftRevised,
  DecisionEvidenceRecorded,
  DecisionIssued,
  DecisionPublicityRetracted,
  DecisionPublished,
  DecisionReturned,
  LegalReviewRequested,
  PenaltyProposed,
} from '@gridline/contracts';
import { DomainError, deciderSpec } from '@gridline/eventsourcing';
import type { DiscretionStandardVersion } from '../discretion/discretion.decider.js';
import {
  at,
  caseId,
  category,
  code,
  credentialRefusals,
  evidence,
  gridWorker,
  officer,
  officerRef,
  officerWithHistory,
  recorded,
  refusal,
  reviewer,
  subjectId,
  uncredentialedOfficer,
} from '../shared/fixtures.spec.js';
import type { StaffActor } from '../shared/staff.js';
import {
  decisionDecider,
  type DecisionCommand,
  type DecisionEvent,
  type DecideAppeal,
  type FileAppeal,
  type IssueDecision,
  type PriorStep,
  type ProposePenalty,
  type PublishDecision,
  type ReviseDraft,
} from './decision.decider.js';

const spec = deciderSpec(decisionDecider);
const decisionId = 'd0000000-0000-4000-8000-000000000001';
const reminderStep = 'a0000000-0000-4000-8000-000000000001';
const warningStep = 'a0000000-0000-4000-8000-000000000002';

const standardV2: DiscretionStandardVersion = {
  category,
  version: 2,
  ranges: [
    { circumstance: 'first-offence', minYuan: 50, maxYuan: 200 },
    { circumstance: 'repeat', minYuan: 200, maxYuan: 1000 },
    { circumstance: 'aggravated', minYuan: 1000, maxYuan: 20000 },
  ],
  legalBasis: 'City appearance regulations, art. 17',
  publishedAt: '2026-01-01T00:00:00.000Z',
};
const priorSteps: PriorStep[] = [
  { stepId: reminderStep, kind: 'reminder', issuedAt: '2026-03-02T07:50:00.000Z' },
  { stepId: warningStep, kind: 'warning', issuedAt: '2026-03-09T07:45:00.000Z' },
];
const proposedAt = '2026-03-16T08:00:00.000Z';

const propose: ProposePenalty = {
  type: 'ProposePenalty',
  decisionId,
  caseId,
  subjectId,
  category,
  penalty: { circumstance: 'repeat', amountYuan: 500 },
  facts: 'Third unlicensed vending at the school gate in March',
  legalBasis: 'City appearance regulations, art. 17',
  evidence: [evidence(3)],
  actor: officer,
  proposedAt: at(proposedAt),
  priorSteps,
  lookBackMonths: 12,
  standard: standardV2,
  majorThresholdYuan: 10_000,
};
const proposed: PenaltyProposed = {
  type: 'street.decision.penalty-proposed.v1',
  data: {
    decisionId,
    caseId,
    subjectId,
    category,
    draft: 1,
    penalty: { circumstance: 'repeat', amountYuan: 500 },
    facts: propose.facts,
    legalBasis: propose.legalBasis,
    priorStepIds: [reminderStep, warningStep],
    checkedAgainst: { version: 2, minYuan: 200, maxYuan: 1000 },
    major: false,
    majorReasons: [],
    evidence: [recorded(3, proposedAt)],
    proposedBy: officerRef,
    proposedAt,
  },
};
/** An aggravated fine above the 10 000 yuan threshold: major. */
const proposedMajor: PenaltyProposed = {
  ...proposed,
  data: {
    ...proposed.data,
    penalty: { circumstance: 'aggravated', amountYuan: 15_000 },
    checkedAgainst: { version: 2, minYuan: 1000, maxYuan: 20000 },
    major: true,
    majorReasons: ['fine above 10000 yuan'],
  },
};

const reviewRequested = (draft = 1): LegalReviewRequested => ({
  type: 'street.decision.review-requested.v1',
  data: {
    decisionId,
    caseId,
    draft,
    requestedBy: 'officer-5',
    requestedAt: '2026-03-16T09:00:00.000Z',
  },
});
const approved = (draft = 1): DecisionApproved => ({
  type: 'street.decision.approved.v1',
  data: {
    decisionId,
    caseId,
    draft,
    reviewedBy: 'reviewer-2',
    approvedAt: '2026-03-17T09:00:00.000Z',
  },
});
const returned: DecisionReturned = {
  type: 'street.decision.returned.v1',
  data: {
    decisionId,
    caseId,
    draft: 1,
    reasons: ['the facts do not show aggravation'],
    reviewedBy: 'reviewer-2',
    returnedAt: '2026-03-17T09:00:00.000Z',
  },
};
const revise: ReviseDraft = {
  type: 'ReviseDraft',
  penalty: { circumstance: 'aggravated', amountYuan: 12_000 },
  facts: 'Third vending, blocking the school exit at pick-up time',
  legalBasis: 'City appearance regulations, art. 17(2)',
  actor: officer,
  revisedAt: at('2026-03-18T09:00:00.000Z'),
  standard: standardV2,
  majorThresholdYuan: 10_000,
};
const revised: DecisionDraftRevised = {
  type: 'street.decision.draft-revised.v1',
  data: {
    decisionId,
    caseId,
    draft: 2,
    penalty: revise.penalty,
    facts: revise.facts,
    legalBasis: revise.legalBasis,
    checkedAgainst: { version: 2, minYuan: 1000, maxYuan: 20000 },
    major: true,
    majorReasons: ['fine above 10000 yuan'],
    revisedBy: officerRef,
    revisedAt: '2026-03-18T09:00:00.000Z',
  },
};

const issuedAt = '2026-03-20T09:00:00.000Z';
const issue: IssueDecision = { type: 'IssueDecision', actor: officer, issuedAt: at(issuedAt) };
const issued = (from: PenaltyProposed = proposed): DecisionIssued => ({
  type: 'street.decision.issued.v1',
  data: {
    decisionId,
    caseId,
    draft: from.data.draft,
    penalty: from.data.penalty,
    standardVersion: 2,
    issuedBy: officerRef,
    issuedAt,
  },
});

const publish: PublishDecision = {
  type: 'PublishDecision',
  subjectLabel: 'Individual W**',
  actor: officer,
  publishedAt: at('2026-03-21T09:00:00.000Z'),
};
const published: DecisionPublished = {
  type: 'street.decision.published.v1',
  data: {
    decisionId,
    caseId,
    subjectLabel: 'Individual W**',
    category,
    penalty: proposed.data.penalty,
    standardVersion: 2,
    issuedAt,
    publishedBy: 'officer-5',
    publishedAt: '2026-03-21T09:00:00.000Z',
  },
};

const fileAppeal = (filedAt: string): FileAppeal => ({
  type: 'FileAppeal',
  appellant: 'subject',
  grounds: 'The stall was inside the vending zone',
  actor: officer,
  filedAt: at(filedAt),
  timeLimitDays: 60,
});
const appealFiled: AppealFiled = {
  type: 'street.decision.appeal-filed.v1',
  data: {
    decisionId,
    caseId,
    appellant: 'subject',
    grounds: 'The stall was inside the vending zone',
    recordedBy: 'officer-5',
    filedAt: '2026-04-01T09:00:00.000Z',
  },
};
const decideAppeal = (outcome: DecideAppeal['outcome'], amountYuan?: number): DecideAppeal => ({
  type: 'DecideAppeal',
  outcome,
  reasons: 'Reconsideration body decision 2026-17',
  ...(amountYuan === undefined ? {} : { penalty: { circumstance: 'repeat', amountYuan } }),
  standard: standardV2,
  actor: reviewer,
  decidedAt: at('2026-05-01T09:00:00.000Z'),
});
const appealDecided = (outcome: AppealDecided['data']['outcome']): AppealDecided => ({
  type: 'street.decision.appeal-decided.v1',
  data: {
    decisionId,
    caseId,
    outcome,
    reasons: 'Reconsideration body decision 2026-17',
    recordedBy: 'reviewer-2',
    decidedAt: '2026-05-01T09:00:00.000Z',
  },
});

describe('Penalty decision', () => {
  describe('proposal: the third step of the 721 progression', () => {
    it('follows a reminder and a warning in the window, within the discretion range', () => {
      spec.given([]).when(propose).then([proposed]);
    });

    it('is refused without a prior warning', () => {
      const error = spec
        .given([])
        .when({ ...propose, priorSteps: priorSteps.filter((s) => s.kind === 'reminder') })
        .thenThrows(DomainError, code('progression-721'));
      expect(error.details['missing']).toEqual(['warning']);
    });

    it('is refused without a prior reminder', () => {
      spec
        .given([])
        .when({ ...propose, priorSteps: priorSteps.filter((s) => s.kind === 'warning') })
        .thenThrows(DomainError, code('progression-721'));
    });

    it('steps older than the look-back window do not count', () => {
      spec
        .given([])
        .when({ ...propose, proposedAt: at('2027-04-01T08:00:00.000Z') })
        .thenThrows(DomainError, code('progression-721'));
    });

    it('a serious violation with a stated legal ground may skip the progression', () => {
      const serious = { legalGround: 'Food safety law, art. 122' };
      spec
        .given([])
        .when({ ...propose, priorSteps: [], serious })
        .then([{ ...proposed, data: { ...proposed.data, serious, priorStepIds: [] } }]);
    });

    it('marking it serious without a legal ground does not', () => {
      spec
        .given([])
        .when({ ...propose, priorSteps: [], serious: { legalGround: '  ' } })
        .thenThrows(DomainError, code('progression-721'));
    });

    it('outside the discretion range it is refused with the range and the standard version', () => {
      const error = spec
        .given([])
        .when({ ...propose, penalty: { circumstance: 'repeat', amountYuan: 5000 } })
        .thenThrows(DomainError, code('penalty-out-of-range'));
      expect(error.details).toMatchObject({
        standardVersion: 2,
        range: { minYuan: 200, maxYuan: 1000 },
      });
    });

    it('is refused when no discretion standard is published for the category', () => {
      spec
        .given([])
        .when({ ...propose, standard: undefined })
        .thenThrows(DomainError, code('discretion-standard-missing'));
    });

    it.each([
      ['a grid worker', gridWorker],
      ['an officer without credential', uncredentialedOfficer],
    ])('%s may not propose a penalty', (_, actor) => {
      spec
        .given([])
        .when({ ...propose, actor })
        .thenThrows(DomainError, code('enforcement-credential-required'));
    });

    it('needs at least one piece of evidence', () => {
      spec
        .given([])
        .when({ ...propose, evidence: [] })
        .thenThrows(DomainError, code('evidence-required'));
    });

    it('a fine above the threshold is major', () => {
      spec
        .given([])
        .when({ ...propose, penalty: { circumstance: 'aggravated', amountYuan: 15_000 } })
        .then([proposedMajor]);
    });

    it('the threshold is configurable', () => {
      spec
        .given([])
        .when({
          ...propose,
          penalty: { circumstance: 'aggravated', amountYuan: 15_000 },
          majorThresholdYuan: 20_000,
        })
        .then([
          { ...proposedMajor, data: { ...proposedMajor.data, major: false, majorReasons: [] } },
        ]);
    });

    it('a licence revocation is major whatever the amount', () => {
      const penalty = {
        circumstance: 'repeat',
        amountYuan: 500,
        additionalMeasure: 'licence-revocation',
      } as const;
      spec
        .given([])
        .when({ ...propose, penalty })
        .then([
          {
            ...proposed,
            data: { ...proposed.data, penalty, major: true, majorReasons: ['licence-revocation'] },
          },
        ]);
    });
  });

  describe('legal review of a major decision', () => {
    it('the drafting officer requests review of the current draft', () => {
      spec
        .given([proposedMajor])
        .when({
          type: 'RequestLegalReview',
          actor: officer,
          requestedAt: at('2026-03-16T09:00:00.000Z'),
        })
        .then([reviewRequested()]);
    });

    it('a legal reviewer approves the current draft', () => {
      spec
        .given([proposedMajor, reviewRequested()])
        .when({
          type: 'ApproveDecision',
          actor: reviewer,
          approvedAt: at('2026-03-17T09:00:00.000Z'),
        })
        .then([approved()]);
    });

    it('the reviewer must not be the drafter', () => {
      spec
        .given([proposedMajor, reviewRequested()])
        .when({
          type: 'ApproveDecision',
          actor: { ...officer, roles: ['officer', 'legal-reviewer'] },
          approvedAt: at('2026-03-17T09:00:00.000Z'),
        })
        .thenThrows(DomainError, code('reviewer-is-drafter'));
    });

    it('only a legal reviewer reviews', () => {
      spec
        .given([proposedMajor, reviewRequested()])
        .when({
          type: 'ApproveDecision',
          actor: { id: 'officer-8', roles: ['officer'], credentials: officer.credentials ?? [] },
          approvedAt: at('2026-03-17T09:00:00.000Z'),
        })
        .thenThrows(DomainError, code('role-required'));
    });

    it('nothing is approved that was not submitted for review', () => {
      spec
        .given([proposedMajor])
        .when({
          type: 'ApproveDecision',
          actor: reviewer,
          approvedAt: at('2026-03-17T09:00:00.000Z'),
        })
        .thenThrows(DomainError, code('review-not-requested'));
    });

    it('a reviewer returns the draft with reasons', () => {
      spec
        .given([proposedMajor, reviewRequested()])
        .when({
          type: 'ReturnDecision',
          reasons: ['the facts do not show aggravation'],
          actor: reviewer,
          returnedAt: at('2026-03-17T09:00:00.000Z'),
        })
        .then([returned]);
    });

    it('a returned draft is revised before it is reviewed again', () => {
      spec
        .given([proposedMajor, reviewRequested(), returned])
        .when({
          type: 'RequestLegalReview',
          actor: officer,
          requestedAt: at('2026-03-18T08:00:00.000Z'),
        })
        .thenThrows(DomainError, code('draft-returned'));
    });

    it('the revised draft is checked against the discretion range again', () => {
      spec.given([proposedMajor, reviewRequested(), returned]).when(revise).then([revised]);
      spec
        .given([proposedMajor, reviewRequested(), returned])
        .when({ ...revise, penalty: { circumstance: 'aggravated', amountYuan: 25_000 } })
        .thenThrows(DomainError, code('penalty-out-of-range'));
    });

    it('the revised draft gets a new review request', () => {
      spec
        .given([proposedMajor, reviewRequested(), returned, revised])
        .when({
          type: 'RequestLegalReview',
          actor: officer,
          requestedAt: at('2026-03-16T09:00:00.000Z'),
        })
        .then([reviewRequested(2)]);
    });
  });

  describe('issue', () => {
    it('a major decision cannot be issued without approval', () => {
      spec
        .given([proposedMajor])
        .when(issue)
        .thenThrows(DomainError, code('legal-review-required'));
    });

    it('nor with an approval of an earlier draft only', () => {
      spec
        .given([proposedMajor, reviewRequested(), approved(1), revised])
        .when(issue)
        .thenThrows(DomainError, code('legal-review-required'));
    });

    it('an approved major decision is issued', () => {
      spec
        .given([proposedMajor, reviewRequested(), approved()])
        .when(issue)
        .then([issued(proposedMajor)]);
    });

    it('a decision that is not major is issued without review', () => {
      spec.given([proposed]).when(issue).then([issued()]);
    });

    it('only a credentialed officer issues', () => {
      spec
        .given([proposed])
        .when({ ...issue, actor: gridWorker })
        .thenThrows(DomainError, code('enforcement-credential-required'));
    });

    it('is issued once', () => {
      spec.given([proposed, issued()]).when(issue).thenThrows(DomainError, code('decision-issued'));
    });
  });

  describe('publicity', () => {
    it('an issued decision is published under a masked label, without the subject id', () => {
      spec.given([proposed, issued()]).when(publish).then([published]);
      expect(Object.keys(published.data)).not.toContain('subjectId');
    });

    it('a decision not issued is not published', () => {
      spec.given([proposed]).when(publish).thenThrows(DomainError, code('decision-not-issued'));
    });

    it('publicity is retracted with a reason', () => {
      const retracted: DecisionPublicityRetracted = {
        type: 'street.decision.publicity-retracted.v1',
        data: {
          decisionId,
          caseId,
          reason: 'published with a wrong category',
          retractedBy: 'officer-5',
          retractedAt: '2026-03-22T09:00:00.000Z',
        },
      };
      spec
        .given([proposed, issued(), published])
        .when({
          type: 'RetractPublicity',
          reason: 'published with a wrong category',
          actor: officer,
          retractedAt: at('2026-03-22T09:00:00.000Z'),
        })
        .then([retracted]);
    });

    it('nothing unpublished is retracted', () => {
      spec
        .given([proposed, issued()])
        .when({
          type: 'RetractPublicity',
          reason: 'x',
          actor: officer,
          retractedAt: at('2026-03-22T09:00:00.000Z'),
        })
        .thenThrows(DomainError, code('not-published'));
    });
  });

  describe('appeal', () => {
    it('an officer records the subject’s appeal within 60 days of issue', () => {
      spec
        .given([proposed, issued()])
        .when(fileAppeal('2026-04-01T09:00:00.000Z'))
        .then([appealFiled]);
    });

    it('after 60 days the appeal is out of time', () => {
      const error = spec
        .given([proposed, issued()])
        .when(fileAppeal('2026-05-19T09:00:01.000Z'))
        .thenThrows(DomainError, code('appeal-time-limit-passed'));
      expect(error.details['deadline']).toBe('2026-05-19T09:00:00.000Z');
    });

    it('a decision not issued cannot be appealed', () => {
      spec
        .given([proposed])
        .when(fileAppeal('2026-04-01T09:00:00.000Z'))
        .thenThrows(DomainError, code('decision-not-issued'));
    });

    it('is appealed once', () => {
      spec
        .given([proposed, issued(), appealFiled])
        .when(fileAppeal('2026-04-02T09:00:00.000Z'))
        .thenThrows(DomainError, code('appeal-exists'));
    });

    it('the outcome may uphold the decision', () => {
      spec
        .given([proposed, issued(), appealFiled])
        .when(decideAppeal('upheld'))
        .then([appealDecided('upheld')]);
    });

    it('a changed amount must still respect the discretion range', () => {
      spec
        .given([proposed, issued(), appealFiled])
        .when(decideAppeal('changed', 300))
        .then([
          {
            ...appealDecided('changed'),
            data: {
              ...appealDecided('changed').data,
              penalty: { circumstance: 'repeat', amountYuan: 300 },
              checkedAgainst: { version: 2, minYuan: 200, maxYuan: 1000 },
            },
          },
        ]);
      spec
        .given([proposed, issued(), appealFiled])
        .when(decideAppeal('changed', 100))
        .thenThrows(DomainError, code('penalty-out-of-range'));
    });

    it('revoking a published decision retracts its publicity in the same command', () => {
      spec
        .given([proposed, issued(), published, appealFiled])
        .when(decideAppeal('revoked'))
        .then([
          appealDecided('revoked'),
          {
            type: 'street.decision.publicity-retracted.v1',
            data: {
              decisionId,
              caseId,
              reason: 'decision revoked on appeal',
              retractedBy: 'reviewer-2',
              retractedAt: '2026-05-01T09:00:00.000Z',
            },
          },
        ]);
    });

    it('a revoked decision is no longer in force: it cannot be published', () => {
      spec
        .given([proposed, issued(), appealFiled, appealDecided('revoked')])
        .when(publish)
        .thenThrows(DomainError, code('decision-revoked'));
    });

    it('an outcome needs a pending appeal', () => {
      spec
        .given([proposed, issued()])
        .when(decideAppeal('upheld'))
        .thenThrows(DomainError, code('no-pending-appeal'));
    });
  });

  describe('full-process record', () => {
    const evidenceRecorded: DecisionEvidenceRecorded = {
      type: 'street.decision.evidence-recorded.v1',
      data: { decisionId, caseId, evidence: recorded(4, '2026-03-16T10:00:00.000Z') },
    };

    it('an officer adds evidence to the decision', () => {
      spec
        .given([proposed])
        .when({
          type: 'RecordDecisionEvidence',
          evidence: evidence(4),
          actor: officer,
          recordedAt: at('2026-03-16T10:00:00.000Z'),
        })
        .then([evidenceRecorded]);
    });

    it('a grid worker may not', () => {
      spec
        .given([proposed])
        .when({
          type: 'RecordDecisionEvidence',
          evidence: evidence(4),
          actor: gridWorker,
          recordedAt: at('2026-03-16T10:00:00.000Z'),
        })
        .thenThrows(DomainError, code('enforcement-credential-required'));
    });
  });

  describe('the acting officer’s enforcement credential, judged at the act’s time', () => {
    const decisionEvidence: DecisionEvidenceRecorded = {
      type: 'street.decision.evidence-recorded.v1',
      data: { decisionId, caseId, evidence: recorded(4, '2026-03-16T10:00:00.000Z') },
    };
    const acts: readonly {
      readonly action: string;
      readonly given: readonly DecisionEvent[];
      readonly when: (actor: StaffActor) => DecisionCommand;
      readonly then: readonly DecisionEvent[];
    }[] = [
      {
        action: 'propose a penalty',
        given: [],
        when: (actor) => ({ ...propose, actor }),
        then: [proposed],
      },
      {
        action: 'revise a penalty draft',
        given: [proposedMajor, reviewRequested(), returned],
        when: (actor) => ({ ...revise, actor }),
        then: [revised],
      },
      {
        action: 'request legal review',
        given: [proposedMajor],
        when: (actor) => ({
          type: 'RequestLegalReview',
          actor,
          requestedAt: at('2026-03-16T09:00:00.000Z'),
        }),
        then: [reviewRequested()],
      },
      {
        action: 'issue a decision',
        given: [proposed],
        when: (actor) => ({ ...issue, actor }),
        then: [issued()],
      },
      {
        action: 'publish a decision',
        given: [proposed, issued()],
        when: (actor) => ({ ...publish, actor }),
        then: [published],
      },
      {
        action: 'record evidence',
        given: [proposed],
        when: (actor) => ({
          type: 'RecordDecisionEvidence',
          evidence: evidence(4),
          actor,
          recordedAt: at('2026-03-16T10:00:00.000Z'),
        }),
        then: [decisionEvidence],
      },
    ];

    describe.each(acts)('to $action', ({ action, given, when, then }) => {
      it.each(credentialRefusals)('an officer holding $name is refused', (c) => {
        spec
          .given(given)
          .when(when(c.actor))
          .thenThrows(DomainError, refusal(c.code, { ...c.details, action }));
      });

      it('an officer holding a valid credential (beside ended ones) acts under it', () => {
        spec.given(given).when(when(officerWithHistory)).then(then);
      });
    });

    it('a credential withdrawn after the act’s time still counted then', () => {
      const later = {
        ...officer,
        credentials: (officer.credentials ?? []).map((c) => ({
          ...c,
          withdrawn: {
            reason: 'transferred',
            by: 'street-admin-1',
            at: '2026-03-20T08:00:00.000Z',
          },
        })),
      };
      spec
        .given([])
        .when({ ...propose, actor: later })
        .then([proposed]);
      spec
        .given([proposed])
        .when({ ...issue, actor: later })
        .thenThrows(
          DomainError,
          refusal('enforcement-credential-withdrawn', { withdrawnAt: '2026-03-20T08:00:00.000Z' }),
        );
    });
  });
});
