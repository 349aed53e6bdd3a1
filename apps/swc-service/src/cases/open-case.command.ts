import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@gridline/contracts';
import {
  deterministicId,
  handleCommand,
  type Clock,
  type EventStore,
} from '@gridline/eventsourcing';
import { CLOCK, EVENT_STORE } from '@gridline/platform';
import { caseDecider, caseStreamId, type OpenCase } from './case.decider.js';

export class OpenCaseCommand {
  constructor(
    readonly command: Omit<OpenCase, 'type' | 'openedAt'>,
    readonly metadata: EventMetadata,
  ) {}
}

@CommandHandler(OpenCaseCommand)
export class OpenCaseHandler implements ICommandHandler<OpenCaseCommand, { opened: boolean }> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ command, metadata }: OpenCaseCommand): Promise<{ opened: boolean }> {
    const now = this.clock.now();
    const result = await handleCommand(this.store, caseDecider, {
      streamId: caseStreamId(command.caseId),
      command: { ...command, type: 'OpenCase', openedAt: now },
      metadata,
      now,
      // Derived from the trigger: a redelivered report cannot append a second event.
      eventId: (index) => deterministicId(`${metadata.causationId}:open-case:${index}`),
    });
    return { opened: result.events.length > 0 };
  }
}
