import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  enforcementCategorySchema,
  placeSchema,
  uuidSchema,
  type Place,
  type SeriousViolation,
} from '@gridline/contracts';
import type { Clock, EventStore, IdGenerator } from '@gridline/eventsourcing';
import {
  assertCaseKnown,
  CLOCK,
  EVENT_STORE,
  IDS,
  NotFoundError,
  type Principal,
} from '@gridline/platform';
import { seriousBodySchema, textBodySchema } from '../shared/body-schemas.js';
import type { EvidenceClaims } from '@gridline/evidence-store';
import {
  evidenceBodySchema,
  evidenceListSchema,
  recordingFiles,
  withFiles,
  type EvidenceBody,
} from '../shared/evidence.js';
import { EVIDENCE_FILES } from '../evidence/evidence.providers.js';
import { actorWithCredentials } from '../credentials/officer-credentials.js';
import { loadExisting, runCommand, type CommandResult } from '../shared/run-command.js';
import { ENFORCEMENT_POLICY, type EnforcementPolicy } from '../shared/street-policy.js';
import { subjectDecider, subjectStreamId } from '../subjects/subject.decider.js';
import {
  enforcementDecider,
  enforcementStreamId,
  type EnforcementCommand,
} from './enforcement.decider.js';

/** Body of `POST /api/enforcement/reminders`. */
export interface ReminderBody {
  readonly subjectId: string;
  readonly category: string;
  readonly caseId: string;
  readonly place: Place;
  readonly explanation: string;
}

/** Body of `POST /api/enforcement/warnings`: a reminder's fields plus evidence. */
export interface WarningBody extends ReminderBody {
  readonly evidence: readonly EvidenceBody[];
  readonly serious?: SeriousViolation;
}

const stepProperties = {
  subjectId: uuidSchema,
  category: enforcementCategorySchema,
  caseId: uuidSchema,
  place: placeSchema,
  explanation: textBodySchema,
} as const;
const stepRequired = ['subjectId', 'category', 'caseId', 'place', 'explanation'] as const;

export const reminderBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: stepRequired,
  properties: stepProperties,
} as const;

export const warningBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: [...stepRequired, 'evidence'],
  properties: { ...stepProperties, evidence: evidenceListSchema, serious: seriousBodySchema },
} as const;

export const stepEvidenceBodySchema = evidenceBodySchema;

export type EnforcementAction =
  | { readonly kind: 'reminder'; readonly body: ReminderBody }
  | { readonly kind: 'warning'; readonly body: WarningBody }
  | {
      readonly kind: 'evidence';
      readonly subjectId: string;
      readonly category: string;
      readonly stepId: string;
      readonly body: EvidenceBody;
    };

export class EnforcementStepCommand {
  constructor(
    readonly action: EnforcementAction,
    readonly principal: Principal,
    readonly traceparent?: string,
  ) {}
}

export type EnforcementStepResult = CommandResult & { readonly stepId: string };

/** Reminders, warnings and step evidence: load, fold, decide, append on the subject's stream. */
@CommandHandler(EnforcementStepCommand)
export class EnforcementCommandHandler implements ICommandHandler<
  EnforcementStepCommand,
  EnforcementStepResult
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
    @Inject(ENFORCEMENT_POLICY) private readonly policy: EnforcementPolicy,
    @Inject(EVIDENCE_FILES) private readonly files: EvidenceClaims,
  ) {}

  async execute({
    action,
    principal,
    traceparent,
  }: EnforcementStepCommand): Promise<EnforcementStepResult> {
    const now = this.clock.now();
    // An officer's credentials, for the decider to judge at `now` (a reminder records one if valid).
    const actor = await actorWithCredentials(this.store, principal);
    const trace = traceparent ? { traceparent } : {};
    if (action.kind === 'evidence') {
      const streamId = enforcementStreamId(action.subjectId, action.category);
      const state = await loadExisting(
        this.store,
        enforcementDecider,
        streamId,
        `enforcement of ${action.subjectId} for ${action.category}`,
      );
      const step = state.steps.find((s) => s.stepId === action.stepId);
      if (!step) throw new NotFoundError(`enforcement step ${action.stepId}`);
      const { evidence, claim } = await withFiles(
        this.files,
        [action.body],
        { dataSubjectId: action.subjectId, claimant: `step:${action.stepId}` },
        () => this.ids.newId(),
      );
      const result = await recordingFiles(claim, streamId, () =>
        runCommand(
          this.store,
          this.ids,
          enforcementDecider,
          streamId,
          {
            type: 'RecordStepEvidence',
            stepId: action.stepId,
            evidence: evidence[0]!,
            actor,
            recordedAt: now,
          },
          { principal, caseId: step.caseId, now, ...trace },
        ),
      );
      return { stepId: action.stepId, ...result };
    }

    const { body } = action;
    await loadExisting(
      this.store,
      subjectDecider,
      subjectStreamId(body.subjectId),
      `subject ${body.subjectId}`,
    );
    await assertCaseKnown(this.store, 'street', body.caseId);
    const stepId = this.ids.newId();
    const step = {
      stepId,
      subjectId: body.subjectId,
      category: body.category,
      caseId: body.caseId,
      place: body.place,
      explanation: body.explanation,
      actor,
      issuedAt: now,
    };
    const { evidence, claim } = await withFiles(
      this.files,
      action.kind === 'warning' ? action.body.evidence : [],
      { dataSubjectId: body.subjectId, claimant: `step:${stepId}` },
      () => this.ids.newId(),
    );
    const command: EnforcementCommand =
      action.kind === 'reminder'
        ? { type: 'IssueReminder', ...step }
        : {
            type: 'IssueWarning',
            ...step,
            evidence,
            ...(action.body.serious ? { serious: action.body.serious } : {}),
            lookBackMonths: this.policy.lookBackMonths,
          };
    const streamId = enforcementStreamId(body.subjectId, body.category);
    const result = await recordingFiles(claim, streamId, () =>
      runCommand(this.store, this.ids, enforcementDecider, streamId, command, {
        principal,
        caseId: body.caseId,
        now,
        ...trace,
      }),
    );
    return { stepId, ...result };
  }
}
