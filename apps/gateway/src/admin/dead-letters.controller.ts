import { Controller, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  AGENCIES,
  agencyEventsTopic,
  agencyInboundTopic,
  deadLetterTopic,
  INBOUND_COMMAND_CONTRACTS,
} from '@gridline/contracts';
import type { Kafka } from 'kafkajs';
import { createKafka, KafkaNames, messagesPerTopic } from '@gridline/messaging';
import {
  CONFIG,
  JsonLogger,
  kafkaSettingsOf,
  ReadRoute,
  type ServiceConfig,
} from '@gridline/platform';

export interface DeadLetterCounts {
  readonly topics: { readonly topic: string; readonly messages: number }[];
}

const deadLetterCountsSchema = {
  type: 'object',
  required: ['topics'],
  properties: {
    topics: {
      type: 'array',
      items: {
        type: 'object',
        required: ['topic', 'messages'],
        properties: { topic: { type: 'string' }, messages: { type: 'integer' } },
      },
    },
  },
} as const;

/**
 * Dead letters waiting, per `<topic>.dlq` of every agency topic and inbound
 * topic under this gateway's KAFKA_NAMESPACE (a topic not created yet counts 0):
 * what the console's rebuild monitor shows beside the read-model version.
 * Inspecting and replaying them stays with `npm run dlq` (docs/operations.md).
 */
@ApiTags('admin')
@Controller('api/admin/dead-letters')
export class DeadLettersController {
  private readonly kafka: Kafka;
  private readonly topics: string[];

  constructor(
    @Inject(CONFIG) config: ServiceConfig,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
  ) {
    this.kafka = createKafka(kafkaSettingsOf(config, 'gateway-dead-letters'), logger);
    const names = new KafkaNames(config.KAFKA_NAMESPACE);
    const inbound = [...new Set(Object.values(INBOUND_COMMAND_CONTRACTS).map((c) => c.agency))];
    this.topics = [
      ...AGENCIES.map((agency) => agencyEventsTopic(agency)),
      ...inbound.map((agency) => agencyInboundTopic(agency)),
    ].map((topic) => deadLetterTopic(names.topic(topic)));
  }

  @ReadRoute({
    summary: 'Dead letters waiting per dead-letter topic',
    roles: ['admin'],
    answers: { 200: '{ topics: [{ topic, messages }] }', 503: 'Kafka did not answer' },
    response: deadLetterCountsSchema,
  })
  async counts(): Promise<DeadLetterCounts> {
    try {
      return { topics: await messagesPerTopic(this.kafka, this.topics) };
    } catch (error) {
      this.logger.warn('dead-letter counts unavailable', { error: (error as Error).message });
      throw new ServiceUnavailableException(
        `dead-letter counts unavailable: ${(error as Error).message}`,
      );
    }
  }
}
