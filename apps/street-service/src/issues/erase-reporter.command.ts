import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Clock, EventStore, IdGenerator, PersonalDataVault } from '@gridline/eventsourcing';
import { CLOCK, EVENT_STORE, IDS, PERSONAL_DATA, type Principal } from '@gridline/platform';
import {
  eraseSubjectBodySchema,
  type EraseSubjectBody,
} from '../subjects/erase-subject.command.js';
import { loadExisting, runCommand, type CommandResult } from '../shared/run-command.js';
import { issueDecider, issueStreamId, type EraseReporter } from './issue.decider.js';

/** Body of `POST /api/issues/{issueId}/reporter-erasure`: the same as a subject's erasure. */
export type EraseReporterBody = EraseSubjectBody;
export const eraseReporterBodySchema = eraseSubjectBodySchema;

export class EraseReporterCommand {
  constructor(
    readonly issueId: string,
    readonly body: EraseReporterBody,
    readonly principal: Principal,
    readonly traceparent?: string,
  ) {}
}

export type ReporterErasedResult = CommandResult & {
  readonly issueId: string;
  readonly erased: true;
};

/**
 * Crypto-shredding of an issue's reporter (a data subject of their own, one per
 * report). The decider is asked first, so a refused request destroys nothing;
 * then the key goes, then the erasure is recorded once. Asking again is harmless.
 */
@CommandHandler(EraseReporterCommand)
export class EraseReporterHandler implements ICommandHandler<
  EraseReporterCommand,
  ReporterErasedResult
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
    @Inject(PERSONAL_DATA) private readonly vault: PersonalDataVault,
  ) {}

  async execute({
    issueId,
    body,
    principal,
    traceparent,
  }: EraseReporterCommand): Promise<ReporterErasedResult> {
    const streamId = issueStreamId(issueId);
    const issue = await loadExisting(this.store, issueDecider, streamId, `issue ${issueId}`);
    const now = this.clock.now();
    const command: EraseReporter = {
      type: 'EraseReporter',
      reason: body.reason,
      erasedBy: principal.id,
      erasedAt: now,
    };
    // The decider refuses (no such data) before anything is destroyed.
    issueDecider.decide(command, issue);
    if (issue.reporterSubjectId) await this.vault.erase(issue.reporterSubjectId);
    const result = await runCommand(this.store, this.ids, issueDecider, streamId, command, {
      principal,
      caseId: issue.caseId,
      now,
      ...(traceparent ? { traceparent } : {}),
    });
    return { issueId, erased: true, ...result };
  }
}
