import { Inject, Injectable } from '@nestjs/common';
import { EventConsumer, type EnvelopeHandler, type KafkaNames } from '@gridline/messaging';
import type { Kafka, Producer } from 'kafkajs';
import { KAFKA, KAFKA_NAMES, PRODUCER } from './agency-runtime.tokens.js';
import { HealthRegistry } from './health.js';
import { JsonLogger } from './logger.js';
import { Metrics } from './metrics.js';
import { REACTION_TIME, type ReactionTime } from './simulated-time.js';

/**
 * Makes the Kafka consumers of an agency service's reactions, all alike: the
 * service's namespace and (simulated) time, dead letters through its producer,
 * a health check and metrics per consumer group.
 */
@Injectable()
export class ReactionConsumers {
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PRODUCER) private readonly producer: Producer,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(REACTION_TIME) private readonly around: ReactionTime,
    @Inject(KAFKA_NAMES) private readonly names: KafkaNames,
  ) {}

  create(
    healthName: string,
    options: { groupId: string; topics: readonly string[]; handler: EnvelopeHandler },
  ): EventConsumer {
    const consumer = new EventConsumer(this.kafka, this.producer, this.logger, {
      ...options,
      around: this.around,
      names: this.names,
    });
    this.metrics.watchConsumer(this.kafka, consumer);
    this.health.register(healthName, () => {
      const { lastError } = consumer.status();
      return lastError ? Promise.reject(new Error(lastError)) : Promise.resolve();
    });
    return consumer;
  }
}
