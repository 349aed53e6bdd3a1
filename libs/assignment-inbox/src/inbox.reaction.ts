import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  agencyEventsTopic,
  isEventOfType,
  type EventEnvelope,
  type InboxAgency,
} from '@gridline/contracts';
import type { Clock } from '@gridline/eventsourcing';
import type { EventConsumer } from '@gridline/messaging';
import { CLOCK, ReactionConsumers } from '@gridline/platform';
import { ExecuteInboxCommand, INBOX_AGENCY } from './inbox.handler.js';

/** Process manager: an SWC assignment to this agency lands in its inbox. */
@Injectable()
export class InboxReaction implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: EventConsumer;

  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INBOX_AGENCY) private readonly agency: InboxAgency,
    @Inject(ReactionConsumers) consumers: ReactionConsumers,
  ) {
    this.consumer = consumers.create('assignment-consumer', {
      groupId: `${agency}-service.assignments`,
      topics: [agencyEventsTopic('swc')],
      handler: (event) => this.react(event),
    });
  }

  async react(event: EventEnvelope): Promise<void> {
    if (!isEventOfType(event, 'swc.case.assignment-made.v1')) return;
    if (event.data.agency !== this.agency) return;
    const { data } = event;
    await this.commands.execute(
      new ExecuteInboxCommand(
        data.assignmentId,
        {
          type: 'ReceiveAssignment',
          assignmentId: data.assignmentId,
          caseId: data.caseId,
          role: data.role,
          dueAt: data.dueAt,
          ...(data.instructions ? { instructions: data.instructions } : {}),
          sourceEventId: event.id,
          at: this.clock.now(),
        },
        {
          caseId: data.caseId,
          correlationId: event.metadata.correlationId,
          causationId: event.id,
          actor: { id: `${this.agency}-service`, agency: this.agency, kind: 'service' },
          ...(event.metadata.traceparent ? { traceparent: event.metadata.traceparent } : {}),
        },
        event.id,
      ),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
