import {
  contextFrom,
  inSpan,
  linksTo,
  SpanKind,
  SpanStatusCode,
  traceparentOf,
  tracer,
} from './trace-context.js';
import {
  fromBinaryCloudEvent,
  upcast,
  validateEventData,
  type EventEnvelope,
  type EventDeadLetterKind,
} from '@gridline/contracts';
import { DomainError } from '@gridline/eventsourcing';
import type { Consumer, EachBatchPayload, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import { decodeHeaders, KafkaNames } from './kafka.js';
import { handleWithRetries, sendDeadLetter } from './handling.js';
import type { MessagingLogger } from './logger.js';

export type EnvelopeHandler = (event: EventEnvelope) => Promise<void>;
export type BatchHandler = (events: readonly EventEnvelope[]) => Promise<void>;

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
  /**
   * Handles what a fetch brought at once (up to `maxBatch` messages of one
   * partition, in order); a batch that keeps failing is handed to `handler`
   * message by message, so only the message at fault is dead-lettered.
   */
  readonly batchHandler?: BatchHandler;
  /** Messages of one partition given to `batchHandler` at a time (default 500). */
  readonly maxBatch?: number;
  /**
   * Partitions whose batches are taken at once (default 1). Their batches are
   * merged: while `batchHandler` runs, what the other partitions bring waits and
   * goes to its next call, all together (one call at a time; each partition's
   * messages in order).
   */
  readonly partitionsAtOnce?: number;
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
    const batchHandler = this.options.batchHandler;
    if (batchHandler) {
      const merged = new Merged(batchHandler);
      await this.consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsAtOnce ?? 1,
        eachBatch: (payload) => this.onBatch(payload, (events) => merged.handle(events)),
      });
    } else
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

  /**
   * A fetched batch in chunks of `maxBatch`: each message decoded and checked as
   * in `onMessage` (the bad ones dead-lettered), the rest handled together, and
   * the offsets resolved only after the chunk was handled.
   */
  private async onBatch(payload: EachBatchPayload, handler: BatchHandler): Promise<void> {
    const { batch } = payload;
    const heartbeat = () => payload.heartbeat();
    const max = this.options.maxBatch ?? 500;
    for (let start = 0; start < batch.messages.length; start += max) {
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = batch.messages.slice(start, start + max);
      const decoded: { message: EachMessagePayload; event: EventEnvelope }[] = [];
      for (const message of chunk) {
        const one: EachMessagePayload = {
          topic: batch.topic,
          partition: batch.partition,
          message,
          heartbeat,
          pause: () => payload.pause(),
        };
        const event = await this.decode(one);
        if (event) decoded.push({ message: one, event });
      }
      const last = chunk.at(-1);
      if (decoded.length > 0 && last) {
        const events = decoded.map((d) => d.event);
        // A handling span per event, as one by one (see handleDecoded).
        const spans = decoded.map(({ message, event }) =>
          tracer().startSpan(
            `handle ${event.type}`,
            {
              kind: SpanKind.CONSUMER,
              attributes: {
                ...handlingAttributes(batch.topic, this.options.groupId, event),
                'messaging.batch.message_count': events.length,
              },
              links: linksTo([decodeHeaders(message.message.headers)['traceparent']]),
            },
            contextFrom(event.metadata.traceparent),
          ),
        );
        const outcome = await handleWithRetries(
          decoded[0]?.message ?? ({ heartbeat } as EachMessagePayload),
          () => handler(events),
          {
            maxAttempts: this.options.maxAttempts ?? 5,
            baseDelayMs: this.options.retryDelayMs ?? 200,
            permanent: (error) => error instanceof DomainError,
            waiting: (reason) => (this.waitingForDependency = reason),
            logger: this.logger,
            messageId: events[0]?.id,
          },
        );
        for (const span of spans) {
          if (!outcome.done)
            span.setStatus({ code: SpanStatusCode.ERROR, message: 'batch failed; one by one' });
          span.end();
        }
        if (outcome.done) this.handled += events.length;
        else {
          this.logger.warn('batch failed; handling its messages one by one', {
            topic: batch.topic,
            partition: batch.partition,
            messages: events.length,
            error: (outcome.error as Error).message,
          });
          for (const { message, event } of decoded) await this.handleDecoded(message, event);
        }
      }
      if (last) payload.resolveOffset(last.offset);
      await heartbeat();
    }
  }

  private async onMessage(payload: EachMessagePayload): Promise<void> {
    const event = await this.decode(payload);
    if (event) await this.handleDecoded(payload, event);
  }

  /** The message as an event of the current version, or undefined once dead-lettered. */
  private async decode(payload: EachMessagePayload): Promise<EventEnvelope | undefined> {
    const { message } = payload;
    const headers = decodeHeaders(message.headers);
    const value = message.value?.toString() ?? '';
    let event: EventEnvelope;
    try {
      // Older versions are read as the current one (schema evolution).
      event = upcast(fromBinaryCloudEvent(headers, value));
    } catch (error) {
      await this.deadLetter(payload, headers, value, 'malformed', error);
      return undefined;
    }
    const problems = validateEventData(event.type, event.data);
    if (problems.length > 0) {
      const reason = problems.map((p) => `${p.path || '/'} ${p.message}`).join('; ');
      await this.deadLetter(payload, headers, value, 'invalid', reason);
      return undefined;
    }
    return event;
  }

  private async handleDecoded(payload: EachMessagePayload, event: EventEnvelope): Promise<void> {
    const { topic, message } = payload;
    const headers = decodeHeaders(message.headers);
    const value = message.value?.toString() ?? '';
    // A handling span per event, child of the context the event was made in
    // (`ce_traceparent`), linked to the Kafka hop it came by (the kafkajs
    // instrumentation's `send` span, in the `traceparent` header): the handler and what it appends carry
    // this span's context, so a command and all it causes are one trace.
    await inSpan(
      `handle ${event.type}`,
      SpanKind.CONSUMER,
      contextFrom(event.metadata.traceparent),
      handlingAttributes(topic, this.options.groupId, event),
      async (span) => {
        const traceparent = traceparentOf(span);
        const traced = traceparent
          ? { ...event, metadata: { ...event.metadata, traceparent } }
          : event;
        const outcome = await this.handleWithRetries(payload, traced, headers, value);
        if (outcome !== 'handled')
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'dead-lettered' });
      },
      linksTo([headers['traceparent']]),
    );
  }

  private async handleWithRetries(
    payload: EachMessagePayload,
    event: EventEnvelope,
    headers: Record<string, string>,
    value: string,
  ): Promise<'handled' | 'dead-lettered'> {
    const around = this.options.around ?? ((_, handle) => handle());
    const outcome = await handleWithRetries(
      payload,
      () => around(event, () => this.options.handler(event)),
      {
        maxAttempts: this.options.maxAttempts ?? 5,
        baseDelayMs: this.options.retryDelayMs ?? 200,
        // A broken business rule will not heal by retrying: park it at once.
        permanent: (error) => error instanceof DomainError,
        waiting: (reason) => (this.waitingForDependency = reason),
        logger: this.logger,
        messageId: event.id,
      },
    );
    if (outcome.done) {
      this.handled++;
      return 'handled';
    }
    await this.deadLetter(payload, headers, value, 'failed', outcome.error);
    return 'dead-lettered';
  }

  private async deadLetter(
    payload: EachMessagePayload,
    headers: Record<string, string>,
    value: string,
    kind: EventDeadLetterKind,
    cause: unknown,
  ): Promise<void> {
    const reason = await sendDeadLetter(this.dlqProducer, payload, {
      value,
      headers,
      kind,
      cause,
      groupId: this.options.groupId,
      key: headers['ce_subject'] ?? null,
    });
    this.deadLettered++;
    this.logger.error('message dead-lettered', {
      topic: payload.topic,
      partition: payload.partition,
      offset: payload.message.offset,
      kind,
      reason,
      eventId: headers['ce_id'],
    });
  }
}

/** Events one merged call of a batch handler takes, about (whole partition batches). */
const MERGED_EVENTS = 2_000;

/**
 * One call of `handler` at a time; events handed in while it runs are handled
 * together by its next call. Each caller hears how the call holding its events
 * ended.
 */
class Merged {
  private waiting: {
    events: readonly EventEnvelope[];
    done: (error?: Error) => void;
  }[] = [];
  private running = false;

  constructor(private readonly handler: BatchHandler) {}

  handle(events: readonly EventEnvelope[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({
        events,
        done: (error) => (error === undefined ? resolve() : reject(error)),
      });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        // Whole partition batches, up to MERGED_EVENTS events (at least one batch).
        let count = 0;
        let take = 0;
        while (take < this.waiting.length && (take === 0 || count < MERGED_EVENTS))
          count += this.waiting[take++]?.events.length ?? 0;
        const group = this.waiting.splice(0, take);
        try {
          await this.handler(group.flatMap((g) => g.events));
          for (const g of group) g.done();
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          for (const g of group) g.done(failure);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

/** What a handling span says of the event (OpenTelemetry's CloudEvents and messaging conventions). */
function handlingAttributes(
  topic: string,
  groupId: string,
  event: EventEnvelope,
): Record<string, string | number> {
  return {
    'messaging.system': 'kafka',
    'messaging.destination.name': topic,
    'messaging.consumer.group.name': groupId,
    'messaging.message.id': event.id,
    'cloudevents.event_id': event.id,
    'cloudevents.event_type': event.type,
    'gridline.event.type': event.type,
  };
}
