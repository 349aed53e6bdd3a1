import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { IssueOutcome } from '@gridline/contracts';
import type { Clock, EventStore, IdGenerator } from '@gridline/eventsourcing';
import { CLOCK, EVENT_STORE, IDS, type Principal } from '@gridline/platform';
import { loadExisting, runCommand, type CommandResult } from '../shared/run-command.js';
import { issueDecider, issueStreamId, type IssueCommand } from './issue.decider.js';

// Acknowledging, noting and resolving an issue: the same thin handler shape for each.

export interface AddIssueNoteBody {
  readonly note: string;
}
export const addIssueNoteBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['note'],
  properties: { note: { type: 'string', minLength: 1, maxLength: 2000 } },
} as const;

export interface ResolveIssueBody {
  readonly outcome: IssueOutcome;
  readonly summary: string;
}
export const resolveIssueBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['outcome', 'summary'],
  properties: {
    outcome: { enum: ['remedied', 'referred', 'no-action-needed', 'enforcement-started'] },
    summary: { type: 'string', minLength: 1, maxLength: 2000 },
  },
} as const;

export type IssueHandling =
  | { readonly kind: 'acknowledge' }
  | { readonly kind: 'note'; readonly body: AddIssueNoteBody }
  | { readonly kind: 'resolve'; readonly body: ResolveIssueBody };

export class HandleIssueCommand {
  constructor(
    readonly issueId: string,
    readonly handling: IssueHandling,
    readonly principal: Principal,
    readonly traceparent?: string,
  ) {}
}

@CommandHandler(HandleIssueCommand)
export class HandleIssueHandler implements ICommandHandler<HandleIssueCommand, CommandResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
  ) {}

  async execute({
    issueId,
    handling,
    principal,
    traceparent,
  }: HandleIssueCommand): Promise<CommandResult> {
    const streamId = issueStreamId(issueId);
    const issue = await loadExisting(this.store, issueDecider, streamId, `issue ${issueId}`);
    const now = this.clock.now();
    return runCommand(
      this.store,
      this.ids,
      issueDecider,
      streamId,
      this.toCommand(handling, principal.id, now),
      {
        principal,
        caseId: issue.caseId,
        now,
        ...(traceparent ? { traceparent } : {}),
      },
    );
  }

  private toCommand(handling: IssueHandling, by: string, now: Date): IssueCommand {
    switch (handling.kind) {
      case 'acknowledge':
        return { type: 'AcknowledgeIssue', acknowledgedBy: by, acknowledgedAt: now };
      case 'note':
        return {
          type: 'AddIssueNote',
          noteId: this.ids.newId(),
          note: handling.body.note,
          addedBy: by,
          addedAt: now,
        };
      case 'resolve':
        return {
          type: 'ResolveIssue',
          outcome: handling.body.outcome,
          summary: handling.body.summary,
          resolvedBy: by,
          resolvedAt: now,
        };
    }
  }
}
