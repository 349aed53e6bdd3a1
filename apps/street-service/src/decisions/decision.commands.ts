import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AppealOutcome, PenaltyTerms } from '@gridline/contracts';
import type { Clock, EventStore, IdGenerator, PersonalDataVault } from '@gridline/eventsourcing';
import { CLOCK, EVENT_STORE, IDS, PERSONAL_DATA, type Principal } from '@gridline/platform';
import {
  currentStandard,
  discretionDecider,
  discretionStreamId,
  standardVersion,
} from '../discretion/discretion.decider.js';
import { penaltyTermsBodySchema, textBodySchema } from '../shared/body-schemas.js';
import { actorWithCredentials } from '../credentials/officer-credentials.js';
import type { EvidenceClaims } from '@gridline/evidence-store';
import {
  evidenceBodySchema,
  recordingFiles,
  withFiles,
  type EvidenceBody,
} from '../shared/evidence.js';
import { EVIDENCE_FILES } from '../evidence/evidence.providers.js';
import { loadExisting, loadState, runCommand, type CommandResult } from '../shared/run-command.js';
import { ENFORCEMENT_POLICY, type EnforcementPolicy } from '../shared/street-policy.js';
import { publicSubjectLabel } from '../subjects/subject-label.js';
import {
  decisionDecider,
  decisionStreamId,
  type Decision,
  type DecisionCommand,
} from './decision.decider.js';

// Everything that happens to a drafted decision: revision, legal review, issue,
// publicity, appeal and evidence. One handler; each action maps to one decider command.

export interface ReviseDraftBody {
  readonly penalty: PenaltyTerms;
  readonly facts: string;
  readonly legalBasis: string;
}
export const reviseDraftBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['penalty', 'facts', 'legalBasis'],
  properties: {
    penalty: penaltyTermsBodySchema,
    facts: textBodySchema,
    legalBasis: textBodySchema,
  },
} as const;

export interface ApproveBody {
  readonly note?: string;
}
export const approveBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { note: textBodySchema },
} as const;

export interface ReturnBody {
  readonly reasons: readonly string[];
}
export const returnBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reasons'],
  properties: { reasons: { type: 'array', minItems: 1, maxItems: 20, items: textBodySchema } },
} as const;

export interface RetractBody {
  readonly reason: string;
}
export const retractBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: textBodySchema },
} as const;

export interface AppealBody {
  readonly appellant: 'subject' | 'representative';
  readonly grounds: string;
}
export const appealBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['appellant', 'grounds'],
  properties: { appellant: { enum: ['subject', 'representative'] }, grounds: textBodySchema },
} as const;

export interface AppealOutcomeBody {
  readonly outcome: AppealOutcome;
  readonly reasons: string;
  readonly penalty?: PenaltyTerms;
}
export const appealOutcomeBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['outcome', 'reasons'],
  properties: {
    outcome: { enum: ['upheld', 'changed', 'revoked'] },
    reasons: textBodySchema,
    penalty: penaltyTermsBodySchema,
  },
} as const;

export const decisionEvidenceBodySchema = evidenceBodySchema;

export type DecisionAction =
  | { readonly kind: 'revise'; readonly body: ReviseDraftBody }
  | { readonly kind: 'request-review' }
  | { readonly kind: 'approve'; readonly body: ApproveBody }
  | { readonly kind: 'return'; readonly body: ReturnBody }
  | { readonly kind: 'issue' }
  | { readonly kind: 'publish' }
  | { readonly kind: 'retract'; readonly body: RetractBody }
  | { readonly kind: 'appeal'; readonly body: AppealBody }
  | { readonly kind: 'appeal-outcome'; readonly body: AppealOutcomeBody }
  | { readonly kind: 'evidence'; readonly body: EvidenceBody };

export class DecisionActionCommand {
  constructor(
    readonly decisionId: string,
    readonly action: DecisionAction,
    readonly principal: Principal,
    readonly traceparent?: string,
  ) {}
}

@CommandHandler(DecisionActionCommand)
export class DecisionActionHandler implements ICommandHandler<
  DecisionActionCommand,
  CommandResult
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
    @Inject(PERSONAL_DATA) private readonly vault: PersonalDataVault,
    @Inject(ENFORCEMENT_POLICY) private readonly policy: EnforcementPolicy,
    @Inject(EVIDENCE_FILES) private readonly files: EvidenceClaims,
  ) {}

  async execute({
    decisionId,
    action,
    principal,
    traceparent,
  }: DecisionActionCommand): Promise<CommandResult> {
    const streamId = decisionStreamId(decisionId);
    const decision = await loadExisting(
      this.store,
      decisionDecider,
      streamId,
      `decision ${decisionId}`,
    );
    const now = this.clock.now();
    const origin = {
      principal,
      caseId: decision.caseId,
      now,
      ...(traceparent ? { traceparent } : {}),
    };
    if (action.kind === 'evidence') {
      const { evidence, claim } = await withFiles(
        this.files,
        [action.body],
        { dataSubjectId: decision.subjectId, claimant: `decision:${decisionId}` },
        () => this.ids.newId(),
      );
      const actor = await actorWithCredentials(this.store, principal);
      return recordingFiles(claim, streamId, () =>
        runCommand(
          this.store,
          this.ids,
          decisionDecider,
          streamId,
          { type: 'RecordDecisionEvidence', evidence: evidence[0]!, actor, recordedAt: now },
          origin,
        ),
      );
    }
    const command = await this.toCommand(decision, action, principal, now);
    return runCommand(this.store, this.ids, decisionDecider, streamId, command, origin);
  }

  private async toCommand(
    decision: Decision,
    action: DecisionAction,
    principal: Principal,
    now: Date,
  ): Promise<DecisionCommand> {
    const actor = await actorWithCredentials(this.store, principal);
    switch (action.kind) {
      case 'revise': {
        const discretion = await this.discretion(decision.category);
        return {
          type: 'ReviseDraft',
          ...action.body,
          actor,
          revisedAt: now,
          standard: currentStandard(discretion),
          majorThresholdYuan: this.policy.majorThresholdYuan,
        };
      }
      case 'request-review':
        return { type: 'RequestLegalReview', actor, requestedAt: now };
      case 'approve':
        return { type: 'ApproveDecision', ...action.body, actor, approvedAt: now };
      case 'return':
        return { type: 'ReturnDecision', reasons: action.body.reasons, actor, returnedAt: now };
      case 'issue':
        return { type: 'IssueDecision', actor, issuedAt: now };
      case 'publish':
        return {
          type: 'PublishDecision',
          subjectLabel: await publicSubjectLabel(this.store, this.vault, decision.subjectId),
          actor,
          publishedAt: now,
        };
      case 'retract':
        return { type: 'RetractPublicity', reason: action.body.reason, actor, retractedAt: now };
      case 'appeal':
        return {
          type: 'FileAppeal',
          ...action.body,
          actor,
          filedAt: now,
          timeLimitDays: this.policy.appealTimeLimitDays,
        };
      case 'appeal-outcome': {
        // A changed penalty keeps the range of the standard the decision was checked against.
        const discretion = await this.discretion(decision.category);
        return {
          type: 'DecideAppeal',
          ...action.body,
          standard: standardVersion(discretion, decision.checkedAgainst.version),
          actor,
          decidedAt: now,
        };
      }
      case 'evidence':
        throw new Error('evidence is recorded with its files in execute');
    }
  }

  private discretion(category: string) {
    return loadState(this.store, discretionDecider, discretionStreamId(category));
  }
}
