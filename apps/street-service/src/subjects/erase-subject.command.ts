import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Clock, EventStore, IdGenerator, PersonalDataVault } from '@gridline/eventsourcing';
import { CLOCK, EVENT_STORE, IDS, PERSONAL_DATA, type Principal } from '@gridline/platform';
import { loadExisting, runCommand, type CommandResult } from '../shared/run-command.js';
import { subjectDecider, subjectStreamId } from './subject.decider.js';

/** Body of `POST /api/subjects/{subjectId}/erasure`. */
export interface EraseSubjectBody {
  /** Why: the request or legal ground, for the record. */
  readonly reason: string;
}

export const eraseSubjectBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 2000 } },
} as const;

export class EraseSubjectCommand {
  constructor(
    readonly subjectId: string,
    readonly body: EraseSubjectBody,
    readonly principal: Principal,
    readonly traceparent?: string,
  ) {}
}

export type SubjectErasedResult = CommandResult & {
  readonly subjectId: string;
  readonly erased: true;
};

/**
 * Crypto-shredding of an enforcement subject: the subject's key is destroyed
 * first (so a failure afterwards cannot leave the data readable), then the
 * erasure is recorded once in the subject's stream. Asking again is harmless.
 */
@CommandHandler(EraseSubjectCommand)
export class EraseSubjectHandler implements ICommandHandler<
  EraseSubjectCommand,
  SubjectErasedResult
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
    @Inject(PERSONAL_DATA) private readonly vault: PersonalDataVault,
  ) {}

  async execute({
    subjectId,
    body,
    principal,
    traceparent,
  }: EraseSubjectCommand): Promise<SubjectErasedResult> {
    const streamId = subjectStreamId(subjectId);
    const subject = await loadExisting(
      this.store,
      subjectDecider,
      streamId,
      `subject ${subjectId}`,
    );
    await this.vault.erase(subjectId);
    const now = this.clock.now();
    const result = await runCommand(
      this.store,
      this.ids,
      subjectDecider,
      streamId,
      {
        type: 'EraseSubject',
        subjectId,
        reason: body.reason,
        erasedBy: principal.id,
        erasedAt: now,
      },
      { principal, caseId: subject.caseId, now, ...(traceparent ? { traceparent } : {}) },
    );
    return { subjectId, erased: true, ...result };
  }
}
