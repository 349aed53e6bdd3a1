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
import { EventConsumer, type KafkaNames } from '@gridline/messaging';
import {
  CLOCK,
  HealthRegistry,
  JsonLogger,
  KAFKA,
  PRODUCER,
  KAFKA_NAMES,
  Metrics,
  REACTION_TIME,
  type ReactionTime,
} from '@gridline/platform';
import type { Kafka, Producer } from 'kafkajs';
import { ExecuteInboxCommand, INBOX_AGENCY } from './inbox.handler.js';

/** Process manager: an SWC assignment to this agency lands in its inbox. */
@Injectable()
export class InboxReaction implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: EventConsumer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(PRODUCER) producer: Producer,
    @Inject(JsonLogger) logger: JsonLogger,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INBOX_AGENCY) private readonly agency: InboxAgency,
    @Inject(HealthRegistry) health: HealthRegistry,
    @Inject(REACTION_TIME) around: ReactionTime,
    @Inject(KAFKA_NAMES) names: KafkaNames,
    @Inject(Metrics) metrics: Metrics,
  ) {
    this.consumer = new EventConsumer(kafka, producer, logger, {
      groupId: `${agency}-service.assignments`,
      topics: [agencyEventsTopic('swc')],
      handler: (event) => this.react(event),
      around,
      names,
    });
    metrics.watchConsumer(kafka, this.consumer);
    health.register('assignment-consumer', () => {
      const { lastError } = this.consumer.status();
      return lastError ? Promise.reject(new Error(lastError)) : Promise.resolve();
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
