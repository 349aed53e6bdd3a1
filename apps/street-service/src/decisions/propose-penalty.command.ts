import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  enforcementCategorySchema,
  uuidSchema,
  type PenaltyTerms,
  type SeriousViolation,
} from '@gridline/contracts';
import type { Clock, EventStore, IdGenerator } from '@gridline/eventsourcing';
import { assertCaseKnown, CLOCK, EVENT_STORE, IDS, type Principal } from '@gridline/platform';
import {
  currentStandard,
  discretionDecider,
  discretionStreamId,
} from '../discretion/discretion.decider.js';
import { enforcementDecider, enforcementStreamId } from '../enforcement/enforcement.decider.js';
import {
  penaltyTermsBodySchema,
  seriousBodySchema,
  textBodySchema,
} from '../shared/body-schemas.js';
import type { EvidenceClaims } from '@gridline/evidence-store';
import {
  evidenceListSchema,
  recordingFiles,
  withFiles,
  type EvidenceBody,
} from '../shared/evidence.js';
import { EVIDENCE_FILES } from '../evidence/evidence.providers.js';
import { actorWithCredentials } from '../credentials/officer-credentials.js';
import { loadExisting, loadState, runCommand, type CommandResult } from '../shared/run-command.js';
import { ENFORCEMENT_POLICY, type EnforcementPolicy } from '../shared/street-policy.js';
import { subjectDecider, subjectStreamId } from '../subjects/subject.decider.js';
import { decisionDecider, decisionStreamId } from './decision.decider.js';

/** Body of `POST /api/enforcement/penalties`. */
export interface ProposePenaltyBody {
  readonly subjectId: string;
  readonly category: string;
  readonly caseId: string;
  readonly penalty: PenaltyTerms;
  readonly facts: string;
  readonly legalBasis: string;
  readonly serious?: SeriousViolation;
  readonly evidence: readonly EvidenceBody[];
}

export const proposePenaltyBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['subjectId', 'category', 'caseId', 'penalty', 'facts', 'legalBasis', 'evidence'],
  properties: {
    subjectId: uuidSchema,
    category: enforcementCategorySchema,
    caseId: uuidSchema,
    penalty: penaltyTermsBodySchema,
    facts: textBodySchema,
    legalBasis: textBodySchema,
    serious: seriousBodySchema,
    evidence: evidenceListSchema,
  },
} as const;

export class ProposePenaltyCommand {
  constructor(
    readonly body: ProposePenaltyBody,
    readonly principal: Principal,
    readonly traceparent?: string,
  ) {}
}

export type PenaltyProposedResult = CommandResult & {
  readonly decisionId: string;
  readonly major: boolean;
  readonly standardVersion: number;
};

/**
 * Drafts a penalty decision. The handler reads what the rules need from other
 * streams (the subject's steps, the category's current discretion standard) and
 * hands it to the decision decider, which stays pure.
 */
@CommandHandler(ProposePenaltyCommand)
export class ProposePenaltyHandler implements ICommandHandler<
  ProposePenaltyCommand,
  PenaltyProposedResult
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
    @Inject(ENFORCEMENT_POLICY) private readonly policy: EnforcementPolicy,
    @Inject(EVIDENCE_FILES) private readonly files: EvidenceClaims,
  ) {}

  async execute({
    body,
    principal,
    traceparent,
  }: ProposePenaltyCommand): Promise<PenaltyProposedResult> {
    await loadExisting(
      this.store,
      subjectDecider,
      subjectStreamId(body.subjectId),
      `subject ${body.subjectId}`,
    );
    await assertCaseKnown(this.store, 'street', body.caseId);
    const [enforcement, discretion, actor] = await Promise.all([
      loadState(this.store, enforcementDecider, enforcementStreamId(body.subjectId, body.category)),
      loadState(this.store, discretionDecider, discretionStreamId(body.category)),
      actorWithCredentials(this.store, principal),
    ]);
    const decisionId = this.ids.newId();
    const now = this.clock.now();
    const streamId = decisionStreamId(decisionId);
    const { evidence, claim } = await withFiles(
      this.files,
      body.evidence,
      { dataSubjectId: body.subjectId, claimant: `decision:${decisionId}` },
      () => this.ids.newId(),
    );
    const result = await recordingFiles(claim, streamId, () =>
      runCommand(
        this.store,
        this.ids,
        decisionDecider,
        streamId,
        {
          type: 'ProposePenalty',
          decisionId,
          caseId: body.caseId,
          subjectId: body.subjectId,
          category: body.category,
          penalty: body.penalty,
          facts: body.facts,
          legalBasis: body.legalBasis,
          ...(body.serious ? { serious: body.serious } : {}),
          evidence,
          actor,
          proposedAt: now,
          priorSteps: enforcement.steps.map(({ stepId, kind, issuedAt }) => ({
            stepId,
            kind,
            issuedAt,
          })),
          lookBackMonths: this.policy.lookBackMonths,
          standard: currentStandard(discretion),
          majorThresholdYuan: this.policy.majorThresholdYuan,
        },
        { principal, caseId: body.caseId, now, ...(traceparent ? { traceparent } : {}) },
      ),
    );
    const decision = await loadExisting(this.store, decisionDecider, streamId, 'decision');
    return {
      decisionId,
      major: decision.major,
      standardVersion: decision.checkedAgainst.version,
      ...result,
    };
  }
}
