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
  SEVERITIES,
  type EventEnvelope,
  type Severity,
} from '@gridline/contracts';
import { EventConsumer } from '@gridline/messaging';
import { HealthRegistry, JsonLogger, KAFKA, PRODUCER } from '@gridline/platform';
import type { Kafka, Producer } from 'kafkajs';
import { OpenCaseCommand } from '../cases/open-case.command.js';

export const AUTO_OPEN_POLICY = Symbol('AUTO_OPEN_POLICY');

/** Which street reports open a coordinated case on their own. */
export interface AutoOpenPolicy {
  readonly minSeverity: Severity;
}

export function shouldOpenCase(policy: AutoOpenPolicy, severity: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(policy.minSeverity);
}

/**
 * Process manager: a street report that the policy deems serious enough opens a
 * coordinated case, with the report as causation. Redelivery is harmless: the
 * case decider ignores a second open for the same report.
 */
@Injectable()
export class StreetReportReaction implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: EventConsumer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(PRODUCER) producer: Producer,
    @Inject(JsonLogger) logger: JsonLogger,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(AUTO_OPEN_POLICY) private readonly policy: AutoOpenPolicy,
    @Inject(HealthRegistry) health: HealthRegistry,
  ) {
    this.consumer = new EventConsumer(kafka, producer, logger, {
      groupId: 'swc-service.street-reports',
      topics: [agencyEventsTopic('street')],
      handler: (event) => this.react(event),
    });
    health.register('street-consumer', () => {
      const { lastError } = this.consumer.status();
      return lastError ? Promise.reject(new Error(lastError)) : Promise.resolve();
    });
  }

  async react(event: EventEnvelope): Promise<void> {
    if (!isEventOfType(event, 'street.issue.reported.v1')) return;
    if (!shouldOpenCase(this.policy, event.data.severity)) return;
    const { data } = event;
    await this.commands.execute(
      new OpenCaseCommand(
        {
          caseId: data.caseId,
          origin: 'street-report',
          originEventId: event.id,
          category: data.category,
          location: {
            street: data.location.street,
            community: data.location.community,
            grid: data.location.grid,
          },
          severity: data.severity,
        },
        {
          caseId: data.caseId,
          correlationId: event.metadata.correlationId,
          causationId: event.id,
          actor: { id: 'swc-service', agency: 'swc', kind: 'service' },
          ...(event.metadata.traceparent ? { traceparent: event.metadata.traceparent } : {}),
        },
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
