import type {
  AppealDecided,
  AppealFiled,
  AppealOutcome,
  DecisionApproved,
  DecisionDraftRevised,
  DecisionEvidenceRecorded,
  DecisionIssued,
  DecisionPublicityRetracted,
  DecisionPublished,
  DecisionReturned,
  LegalReviewRequested,
  PenaltyProposed,
  PenaltyTerms,
  SeriousViolation,
  StandardCheck,
} from '@gridline/contracts';
import { assertNever, DomainError, type Decider } from '@gridline/eventsourcing';
import {
  checkAgainstStandard,
  type DiscretionStandardVersion,
} from '../discretion/discretion.decider.js';
import { recordEvidence, type NewEvidence } from '../shared/evidence.js';
import { lookBackStart, withinLookBack } from '../shared/look-back.js';
import {
  hasRole,
  requireEnforcementCredential,
  requireRole,
  type StaffActor,
} from '../shared/staff.js';

// A penalty decision, from the officer's proposal (the third step of the 721
// progression) through legal review, issue, publicity and appeal. Everything
// the rules need from other streams (the subject's earlier steps, the discretion
// standard, the configured limits) arrives inside the command.

/** A reminder or warning of the same subject and category, as the handler read it. */
export interface PriorStep {
  readonly stepId: string;
  readonly kind: 'reminder' | 'warning';
  readonly issuedAt: string;
}

export interface ProposePenalty {
  readonly type: 'ProposePenalty';
  readonly decisionId: string;
  readonly caseId: string;
  readonly subjectId: string;
  readonly category: string;
  readonly penalty: PenaltyTerms;
  readonly facts: string;
  readonly legalBasis: string;
  /** A serious violation may skip the reminder and warning, on a stated legal ground. */
  readonly serious?: SeriousViolation;
  readonly evidence: readonly NewEvidence[];
  readonly actor: StaffActor;
  readonly proposedAt: Date;
  readonly priorSteps: readonly PriorStep[];
  readonly lookBackMonths: number;
  /** The category's current discretion standard; undefined when none is published. */
  readonly standard: DiscretionStandardVersion | undefined;
  readonly majorThresholdYuan: number;
}

export interface ReviseDraft {
  readonly type: 'ReviseDraft';
  readonly penalty: PenaltyTerms;
  readonly facts: string;
  readonly legalBasis: string;
  readonly actor: StaffActor;
  readonly revisedAt: Date;
  readonly standard: DiscretionStandardVersion | undefined;
  readonly majorThresholdYuan: number;
}

export interface RequestLegalReview {
  readonly type: 'RequestLegalReview';
  readonly actor: StaffActor;
  readonly requestedAt: Date;
}

export interface ApproveDecision {
  readonly type: 'ApproveDecision';
  readonly note?: string;
  readonly actor: StaffActor;
  readonly approvedAt: Date;
}

export interface ReturnDecision {
  readonly type: 'ReturnDecision';
  readonly reasons: readonly string[];
  readonly actor: StaffActor;
  readonly returnedAt: Date;
}

export interface IssueDecision {
  readonly type: 'IssueDecision';
  readonly actor: StaffActor;
  readonly issuedAt: Date;
}

export interface PublishDecision {
  readonly type: 'PublishDecision';
  /** Masked by the handler ("Individual W**"): the decider never sees the name. */
  readonly subjectLabel: string;
  readonly actor: StaffActor;
  readonly publishedAt: Date;
}

export interface RetractPublicity {
  readonly type: 'RetractPublicity';
  readonly reason: string;
  readonly actor: StaffActor;
  readonly retractedAt: Date;
}

export interface FileAppeal {
  readonly type: 'FileAppeal';
  readonly appellant: 'subject' | 'representative';
  readonly grounds: string;
  readonly actor: StaffActor;
  readonly filedAt: Date;
  readonly timeLimitDays: number;
}

export interface DecideAppeal {
  readonly type: 'DecideAppeal';
  readonly outcome: AppealOutcome;
  readonly reasons: string;
  /** The new penalty, for `changed`. */
  readonly penalty?: PenaltyTerms;
  /** The standard version the decision was checked against: a change must keep its range. */
  readonly standard: DiscretionStandardVersion | undefined;
  readonly actor: StaffActor;
  readonly decidedAt: Date;
}

export interface RecordDecisionEvidence {
  readonly type: 'RecordDecisionEvidence';
  readonly evidence: NewEvidence;
  readonly actor: StaffActor;
  readonly recordedAt: Date;
}

export type DecisionCommand =
  | ProposePenalty
  | ReviseDraft
  | RequestLegalReview
  | ApproveDecision
  | ReturnDecision
  | IssueDecision
  | PublishDecision
  | RetractPublicity
  | FileAppeal
  | DecideAppeal
  | RecordDecisionEvidence;

export type DecisionEvent =
  | PenaltyProposed
  | DecisionDraftRevised
  | LegalReviewRequested
  | DecisionApproved
  | DecisionReturned
  | DecisionIssued
  | DecisionPublished
  | DecisionPublicityRetracted
  | AppealFiled
  | AppealDecided
  | DecisionEvidenceRecorded;

export type DecisionStatus =
  'drafted' | 'review-requested' | 'returned' | 'approved' | 'issued' | 'revoked';

export interface Decision {
  readonly status: DecisionStatus;
  readonly decisionId: string;
  readonly caseId: string;
  readonly subjectId: string;
  readonly category: string;
  readonly draft: number;
  readonly penalty: PenaltyTerms;
  readonly checkedAgainst: StandardCheck;
  readonly major: boolean;
  readonly majorReasons: readonly string[];
  /** Everyone who wrote a draft: none of them may review it. */
  readonly drafters: readonly string[];
  readonly approvedDraft?: number;
  /** Why the last review returned a draft (read while the status is `returned`). */
  readonly returnReasons?: readonly string[];
  readonly issuedAt?: string;
  readonly publicity: 'unpublished' | 'published' | 'retracted';
  readonly appeal: 'none' | 'pending' | AppealOutcome;
  readonly evidenceIds: readonly string[];
}

export type DecisionState = { readonly status: 'none' } | Decision;

export const decisionStreamId = (decisionId: string) => `street-decision-${decisionId}`;

const DAY_MS = 24 * 60 * 60 * 1000;

function existing(state: DecisionState): Decision {
  if (state.status === 'none') throw new DomainError('decision-unknown', 'no such decision');
  return state;
}

/** Major decisions need legal review: a fine above the threshold, revocation or closure. */
function majorReasons(penalty: PenaltyTerms, thresholdYuan: number): string[] {
  const reasons: string[] = [];
  if (penalty.amountYuan > thresholdYuan) reasons.push(`fine above ${thresholdYuan} yuan`);
  if (penalty.additionalMeasure) reasons.push(penalty.additionalMeasure);
  return reasons;
}

/** The 721 order: a penalty follows a reminder and a warning in the window, unless serious. */
function checkProgression(command: ProposePenalty): string[] {
  const counted = withinLookBack(command.priorSteps, command.proposedAt, command.lookBackMonths);
  const missing = (['reminder', 'warning'] as const).filter(
    (kind) => !counted.some((step) => step.kind === kind),
  );
  if (missing.length > 0 && !command.serious?.legalGround.trim())
    throw new DomainError(
      'progression-721',
      `a penalty needs a prior reminder and warning for this subject and category in the last ${command.lookBackMonths} months (missing: ${missing.join(', ')}), unless the violation is serious with a stated legal ground`,
      {
        missing,
        lookBackMonths: command.lookBackMonths,
        windowStart: lookBackStart(command.proposedAt, command.lookBackMonths).toISOString(),
      },
    );
  return counted.map((step) => step.stepId);
}

function notFinal(decision: Decision): void {
  if (decision.status === 'revoked')
    throw new DomainError('decision-revoked', `decision ${decision.decisionId} was revoked`);
  if (decision.status === 'issued')
    throw new DomainError('decision-issued', `decision ${decision.decisionId} is already issued`);
}

function underReview(decision: Decision): void {
  notFinal(decision);
  if (decision.status !== 'review-requested')
    throw new DomainError(
      'review-not-requested',
      `decision ${decision.decisionId} is not waiting for legal review`,
    );
}

function reviewer(decision: Decision, actor: StaffActor): void {
  requireRole(actor, 'legal-reviewer', 'review a decision');
  if (decision.drafters.includes(actor.id))
    throw new DomainError(
      'reviewer-is-drafter',
      'a decision may not be reviewed by someone who drafted it',
      { reviewerId: actor.id },
    );
}

export const decisionDecider: Decider<DecisionCommand, DecisionEvent, DecisionState> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'ProposePenalty': {
        if (state.status !== 'none')
          throw new DomainError('decision-exists', `decision ${command.decisionId} already exists`);
        const officer = requireEnforcementCredential(
          command.actor,
          'propose a penalty',
          command.proposedAt,
        );
        if (command.evidence.length === 0)
          throw new DomainError(
            'evidence-required',
            'a penalty needs at least one piece of evidence',
          );
        const priorStepIds = checkProgression(command);
        const checkedAgainst = checkAgainstStandard(
          command.standard,
          command.category,
          command.penalty.circumstance,
          command.penalty.amountYuan,
        );
        const reasons = majorReasons(command.penalty, command.majorThresholdYuan);
        return [
          {
            type: 'street.decision.penalty-proposed.v1',
            data: {
              decisionId: command.decisionId,
              caseId: command.caseId,
              subjectId: command.subjectId,
              category: command.category,
              draft: 1,
              penalty: command.penalty,
              facts: command.facts,
              legalBasis: command.legalBasis,
              ...(command.serious ? { serious: command.serious } : {}),
              priorStepIds,
              checkedAgainst,
              major: reasons.length > 0,
              majorReasons: reasons,
              evidence: command.evidence.map((e) => recordEvidence(e, officer, command.proposedAt)),
              proposedBy: officer,
              proposedAt: command.proposedAt.toISOString(),
            },
          },
        ];
      }
      case 'ReviseDraft': {
        const decision = existing(state);
        const officer = requireEnforcementCredential(
          command.actor,
          'revise a penalty draft',
          command.revisedAt,
        );
        notFinal(decision);
        if (decision.status !== 'drafted' && decision.status !== 'returned')
          throw new DomainError(
            'draft-not-revisable',
            `decision ${decision.decisionId} is ${decision.status}: only a draft not under review or a returned one can be revised`,
          );
        const checkedAgainst = checkAgainstStandard(
          command.standard,
          decision.category,
          command.penalty.circumstance,
          command.penalty.amountYuan,
        );
        const reasons = majorReasons(command.penalty, command.majorThresholdYuan);
        return [
          {
            type: 'street.decision.draft-revised.v1',
            data: {
              decisionId: decision.decisionId,
              caseId: decision.caseId,
              draft: decision.draft + 1,
              penalty: command.penalty,
              facts: command.facts,
              legalBasis: command.legalBasis,
              checkedAgainst,
              major: reasons.length > 0,
              majorReasons: reasons,
              revisedBy: officer,
              revisedAt: command.revisedAt.toISOString(),
            },
          },
        ];
      }
      case 'RequestLegalReview': {
        const decision = existing(state);
        requireEnforcementCredential(command.actor, 'request legal review', command.requestedAt);
        notFinal(decision);
        if (decision.status === 'returned')
          throw new DomainError(
            'draft-returned',
            `draft ${decision.draft} was returned: revise it before asking for review again`,
            { reasons: decision.returnReasons ?? [] },
          );
        if (decision.status !== 'drafted')
          throw new DomainError(
            'review-not-possible',
            `decision ${decision.decisionId} is ${decision.status}`,
          );
        return [
          {
            type: 'street.decision.review-requested.v1',
            data: {
              decisionId: decision.decisionId,
              caseId: decision.caseId,
              draft: decision.draft,
              requestedBy: command.actor.id,
              requestedAt: command.requestedAt.toISOString(),
            },
          },
        ];
      }
      case 'ApproveDecision': {
        const decision = existing(state);
        underReview(decision);
        reviewer(decision, command.actor);
        return [
          {
            type: 'street.decision.approved.v1',
            data: {
              decisionId: decision.decisionId,
              caseId: decision.caseId,
              draft: decision.draft,
              ...(command.note ? { note: command.note } : {}),
              reviewedBy: command.actor.id,
              approvedAt: command.approvedAt.toISOString(),
            },
          },
        ];
      }
      case 'ReturnDecision': {
        const decision = existing(state);
        underReview(decision);
        reviewer(decision, command.actor);
        return [
          {
            type: 'street.decision.returned.v1',
            data: {
              decisionId: decision.decisionId,
              caseId: decision.caseId,
              draft: decision.draft,
              reasons: command.reasons,
              reviewedBy: command.actor.id,
              returnedAt: command.returnedAt.toISOString(),
            },
          },
        ];
      }
      case 'IssueDecision': {
        const decision = existing(state);
        const officer = requireEnforcementCredential(
          command.actor,
          'issue a decision',
          command.issuedAt,
        );
        notFinal(decision);
        if (decision.major && decision.approvedDraft !== decision.draft)
          throw new DomainError(
            'legal-review-required',
            `decision ${decision.decisionId} is major (${decision.majorReasons.join(', ')}): its current draft ${decision.draft} needs legal review approval first`,
            { draft: decision.draft, approvedDraft: decision.approvedDraft ?? null },
          );
        if (decision.status === 'review-requested' || decision.status === 'returned')
          throw new DomainError(
            'review-unsettled',
            `decision ${decision.decisionId} is ${decision.status}: settle the review first`,
          );
        return [
          {
            type: 'street.decision.issued.v1',
            data: {
              decisionId: decision.decisionId,
              caseId: decision.caseId,
              draft: decision.draft,
              penalty: decision.penalty,
              standardVersion: decision.checkedAgainst.version,
              issuedBy: officer,
              issuedAt: command.issuedAt.toISOString(),
            },
          },
        ];
      }
      case 'PublishDecision': {
        const decision = existing(state);
        requireEnforcementCredential(command.actor, 'publish a decision', command.publishedAt);
        if (decision.status === 'revoked')
          throw new DomainError('decision-revoked', `decision ${decision.decisionId} was revoked`);
        if (decision.status !== 'issued' || !decision.issuedAt)
          throw new DomainError(
            'decision-not-issued',
            `decision ${decision.decisionId} is not issued yet`,
          );
        if (decision.publicity !== 'unpublished')
          throw new DomainError(
            'publicity-exists',
            `decision ${decision.decisionId} is ${decision.publicity} already`,
          );
        return [
          {
            type: 'street.decision.published.v1',
            data: {
              decisionId: decision.decisionId,
              caseId: decision.caseId,
              subjectLabel: command.subjectLabel,
              category: decision.category,
              penalty: decision.penalty,
              standardVersion: decision.checkedAgainst.version,
              issuedAt: decision.issuedAt,
              publishedBy: command.actor.id,
              publishedAt: command.publishedAt.toISOString(),
            },
          },
        ];
      }
      case 'RetractPublicity': {
        const decision = existing(state);
        if (!hasRole(command.actor, 'officer') && !hasRole(command.actor, 'admin'))
          throw new DomainError('role-required', 'only an officer or admin may retract publicity');
        if (decision.publicity !== 'published')
          throw new DomainError(
            'not-published',
            `decision ${decision.decisionId} has no publicity in force`,
          );
        return [retraction(decision, command.reason, command.actor.id, command.retractedAt)];
      }
      case 'FileAppeal': {
        const decision = existing(state);
        // The subject appeals; an officer records it (the subject holds no account here).
        requireRole(command.actor, 'officer', 'record an appeal');
        if (decision.status === 'revoked')
          throw new DomainError('decision-revoked', `decision ${decision.decisionId} was revoked`);
        if (decision.status !== 'issued' || !decision.issuedAt)
          throw new DomainError('decision-not-issued', `only an issued decision can be appealed`);
        if (decision.appeal !== 'none')
          throw new DomainError(
            'appeal-exists',
            `decision ${decision.decisionId} was already appealed`,
          );
        const deadline = new Date(Date.parse(decision.issuedAt) + command.timeLimitDays * DAY_MS);
        if (command.filedAt.getTime() > deadline.getTime())
          throw new DomainError(
            'appeal-time-limit-passed',
            `the ${command.timeLimitDays}-day appeal time limit ended on ${deadline.toISOString()}`,
            {
              issuedAt: decision.issuedAt,
              deadline: deadline.toISOString(),
              timeLimitDays: command.timeLimitDays,
            },
          );
        return [
          {
            type: 'street.decision.appeal-filed.v1',
            data: {
              decisionId: decision.decisionId,
              caseId: decision.caseId,
              appellant: command.appellant,
              grounds: command.grounds,
              recordedBy: command.actor.id,
              filedAt: command.filedAt.toISOString(),
            },
          },
        ];
      }
      case 'DecideAppeal': {
        const decision = existing(state);
        if (!hasRole(command.actor, 'legal-reviewer') && !hasRole(command.actor, 'officer'))
          throw new DomainError(
            'role-required',
            'only a legal reviewer or an officer may record an appeal outcome',
          );
        if (decision.appeal !== 'pending')
          throw new DomainError(
            'no-pending-appeal',
            `decision ${decision.decisionId} has no pending appeal`,
          );
        let change: { penalty: PenaltyTerms; checkedAgainst: StandardCheck } | undefined;
        if (command.outcome === 'changed') {
          if (!command.penalty)
            throw new DomainError(
              'changed-penalty-required',
              'a changed decision needs the new penalty',
            );
          change = {
            penalty: command.penalty,
            checkedAgainst: checkAgainstStandard(
              command.standard,
              decision.category,
              command.penalty.circumstance,
              command.penalty.amountYuan,
            ),
          };
        }
        const decided: AppealDecided = {
          type: 'street.decision.appeal-decided.v1',
          data: {
            decisionId: decision.decisionId,
            caseId: decision.caseId,
            outcome: command.outcome,
            reasons: command.reasons,
            ...(change ?? {}),
            recordedBy: command.actor.id,
            decidedAt: command.decidedAt.toISOString(),
          },
        };
        // A revoked decision is no longer in force: its publicity goes with it, in the same command.
        if (command.outcome === 'revoked' && decision.publicity === 'published')
          return [
            decided,
            retraction(decision, 'decision revoked on appeal', command.actor.id, command.decidedAt),
          ];
        return [decided];
      }
      case 'RecordDecisionEvidence': {
        const decision = existing(state);
        const officer = requireEnforcementCredential(
          command.actor,
          'record evidence',
          command.recordedAt,
        );
        if (decision.evidenceIds.includes(command.evidence.evidenceId)) return [];
        return [
          {
            type: 'street.decision.evidence-recorded.v1',
            data: {
              decisionId: decision.decisionId,
              caseId: decision.caseId,
              evidence: recordEvidence(command.evidence, officer, command.recordedAt),
            },
          },
        ];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    if (event.type === 'street.decision.penalty-proposed.v1') {
      const { data } = event;
      return {
        status: 'drafted',
        decisionId: data.decisionId,
        caseId: data.caseId,
        subjectId: data.subjectId,
        category: data.category,
        draft: data.draft,
        penalty: data.penalty,
        checkedAgainst: data.checkedAgainst,
        major: data.major,
        majorReasons: data.majorReasons,
        drafters: [data.proposedBy.officerId],
        publicity: 'unpublished',
        appeal: 'none',
        evidenceIds: data.evidence.map((e) => e.evidenceId),
      };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'street.decision.draft-revised.v1': {
        const { data } = event;
        return {
          ...state,
          status: 'drafted',
          draft: data.draft,
          penalty: data.penalty,
          checkedAgainst: data.checkedAgainst,
          major: data.major,
          majorReasons: data.majorReasons,
          drafters: state.drafters.includes(data.revisedBy.officerId)
            ? state.drafters
            : [...state.drafters, data.revisedBy.officerId],
        };
      }
      case 'street.decision.review-requested.v1':
        return { ...state, status: 'review-requested' };
      case 'street.decision.approved.v1':
        return { ...state, status: 'approved', approvedDraft: event.data.draft };
      case 'street.decision.returned.v1':
        return { ...state, status: 'returned', returnReasons: event.data.reasons };
      case 'street.decision.issued.v1':
        return { ...state, status: 'issued', issuedAt: event.data.issuedAt };
      case 'street.decision.published.v1':
        return { ...state, publicity: 'published' };
      case 'street.decision.publicity-retracted.v1':
        return { ...state, publicity: 'retracted' };
      case 'street.decision.appeal-filed.v1':
        return { ...state, appeal: 'pending' };
      case 'street.decision.appeal-decided.v1': {
        const { outcome, penalty, checkedAgainst } = event.data;
        return {
          ...state,
          appeal: outcome,
          ...(outcome === 'revoked' ? { status: 'revoked' as const } : {}),
          ...(penalty && checkedAgainst ? { penalty, checkedAgainst } : {}),
        };
      }
      case 'street.decision.evidence-recorded.v1':
        return { ...state, evidenceIds: [...state.evidenceIds, event.data.evidence.evidenceId] };
      default:
        return assertNever(event);
    }
  },
};

function retraction(
  decision: Decision,
  reason: string,
  by: string,
  at: Date,
): DecisionPublicityRetracted {
  return {
    type: 'street.decision.publicity-retracted.v1',
    data: {
      decisionId: decision.decisionId,
      caseId: decision.caseId,
      reason,
      retractedBy: by,
      retractedAt: at.toISOString(),
    },
  };
}
