import { contextFrom, inSpan, SpanKind, SpanStatusCode, traceparentOf } from './trace-context.js';
import {
  deadLetterTopic,
  fromBinaryCloudEvent,
  upcast,
  validateEventData,
  type EventEnvelope,
} from '@gridline/contracts';
import { DomainError } from '@gridline/eventsourcing';
import type { Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import { decodeHeaders, KafkaNames } from './kafka.js';
import { isTransient } from './transient.js';
import type { MessagingLogger } from './logger.js';

export type EnvelopeHandler = (event: EventEnvelope) => Promise<void>;

export interface ConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly handler: EnvelopeHandler;
  /** Attempts at handling one message before it is dead-lettered. */
  readonly maxAttempts?: number;
  readonly retryDelayMs?: number;
  /** Wraps each handling, e.g. to run it as of the event's time in a simulation. */
  readonly around?: (event: EventEnvelope, handle: () => Promise<void>) => Promise<void>;
  /** Namespace of the topics and the group (tests beside a development platform). */
  readonly names?: KafkaNames;
}

export interface ConsumerStatus {
  readonly handled: number;
  readonly deadLettered: number;
  /** Set while the consumer has crashed, or waits for a dependency to come back. */
  readonly lastError: string | undefined;
}

/**
 * Consumes agency topics as CloudEvents. A message is handled (with bounded
 * retries) before kafkajs commits its offset, so an effect is durable before the
 * offset moves; a message that is malformed, fails its schema, or keeps failing
 * goes to `<topic>.dlq` with the reason and the original headers and value, and
 * the consumer moves on. Handlers must be idempotent: redelivery happens.
 */
export class EventConsumer {
  private readonly consumer: Consumer;
  private readonly options: ConsumerOptions;
  private handled = 0;
  private deadLettered = 0;
  private lastError: string | undefined;
  private waitingForDependency: string | undefined;

  constructor(
    kafka: Kafka,
    private readonly dlqProducer: Producer,
    private readonly logger: MessagingLogger,
    options: ConsumerOptions,
  ) {
    const names = options.names ?? new KafkaNames();
    this.options = {
      ...options,
      groupId: names.group(options.groupId),
      topics: options.topics.map((t) => names.topic(t)),
    };
    this.consumer = kafka.consumer({
      groupId: this.options.groupId,
      // A killed member is noticed within 10 s, so its partitions move on quickly.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    // kafkajs restarts a crashed consumer itself; remember the crash for health.
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      this.lastError = event.payload.error.message;
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.lastError = undefined;
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await this.consumer.run({
      autoCommit: true,
      eachMessage: (payload) => this.onMessage(payload),
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  get groupId(): string {
    return this.options.groupId;
  }

  get topics(): readonly string[] {
    return this.options.topics;
  }

  status(): ConsumerStatus {
    return {
      handled: this.handled,
      deadLettered: this.deadLettered,
      lastError: this.lastError ?? this.waitingForDependency,
    };
  }

  private async onMessage(payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    const headers = decodeHeaders(message.headers);
    const value = message.value?.toString() ?? '';
    let event: EventEnvelope;
    try {
      // Older versions are read as the current one (schema evolution).
      event = upcast(fromBinaryCloudEvent(headers, value));
    } catch (error) {
      await this.deadLetter(topic, partition, message.offset, headers, value, 'malformed', error);
      return;
    }
    const problems = validateEventData(event.type, event.data);
    if (problems.length > 0) {
      const reason = problems.map((p) => `${p.path || '/'} ${p.message}`).join('; ');
      await this.deadLetter(topic, partition, message.offset, headers, value, 'invalid', reason);
      return;
    }
    // One consumer span per message, child of the producer's: the handler and
    // what it appends carry this span's trace context (tracing on).
    await inSpan(
      `process ${topic}`,
      SpanKind.CONSUMER,
      contextFrom(event.metadata.traceparent),
      {
        'messaging.system': 'kafka',
        'messaging.destination.name': topic,
        'messaging.consumer.group.name': this.options.groupId,
        'messaging.message.id': event.id,
        'gridline.event.type': event.type,
      },
      async (span) => {
        const traceparent = traceparentOf(span);
        const traced = traceparent
          ? { ...event, metadata: { ...event.metadata, traceparent } }
          : event;
        const outcome = await this.handleWithRetries(payload, traced, headers, value);
        if (outcome !== 'handled')
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'dead-lettered' });
      },
    );
  }

  private async handleWithRetries(
    payload: EachMessagePayload,
    event: EventEnvelope,
    headers: Record<string, string>,
    value: string,
  ): Promise<'handled' | 'dead-lettered'> {
    const { topic, partition, message } = payload;
    const maxAttempts = this.options.maxAttempts ?? 5;
    const baseDelay = this.options.retryDelayMs ?? 200;
    let outage = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const around = this.options.around ?? ((_, handle) => handle());
        await around(event, () => this.options.handler(event));
        this.waitingForDependency = undefined;
        this.handled++;
        return 'handled';
      } catch (error) {
        // A server that is down will come back: wait, do not park a good message.
        // The offset does not move, so nothing behind it is lost either.
        if (isTransient(error)) {
          this.waitingForDependency = (error as Error).message;
          this.logger.warn('a dependency is unavailable; waiting before retrying', {
            eventId: event.id,
            error: this.waitingForDependency,
          });
          await new Promise((r) =>
            setTimeout(r, Math.min(baseDelay * 2 ** Math.min(outage++, 6), 5_000)),
          );
          // Stay in the group while waiting (the session times out after 10 s).
          await payload.heartbeat().catch(() => undefined);
          attempt = 0;
          continue;
        }
        // A broken business rule will not heal by retrying: park it at once.
        if (attempt >= maxAttempts || error instanceof DomainError) {
          await this.deadLetter(topic, partition, message.offset, headers, value, 'failed', error);
          return 'dead-lettered';
        }
        this.logger.warn('handler failed; retrying', {
          eventId: event.id,
          type: event.type,
          attempt,
          error: (error as Error).message,
        });
        await new Promise((r) => setTimeout(r, baseDelay * 2 ** (attempt - 1)));
      }
    }
  }

  private async deadLetter(
    topic: string,
    partition: number,
    offset: string,
    headers: Record<string, string>,
    value: string,
    kind: 'malformed' | 'invalid' | 'failed',
    cause: unknown,
  ): Promise<void> {
    const reason = cause instanceof Error ? cause.message : String(cause);
    await this.dlqProducer.send({
      topic: deadLetterTopic(topic),
      acks: -1,
      messages: [
        {
          key: headers['ce_subject'] ?? null,
          value,
          headers: {
            ...headers,
            dlq_kind: kind,
            dlq_reason: reason,
            dlq_source_topic: topic,
            dlq_source_partition: String(partition),
            dlq_source_offset: offset,
            dlq_consumer_group: this.options.groupId,
            dlq_failed_at: new Date().toISOString(),
          },
        },
      ],
    });
    this.deadLettered++;
    this.logger.error('message dead-lettered', {
      topic,
      partition,
      offset,
      kind,
      reason,
      eventId: headers['ce_id'],
    });
  }
}
