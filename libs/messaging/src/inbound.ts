import {
  agencyInboundTopic,
  createSchemaValidator,
  describeSchemaErrors,
  type Agency,
  type InboundDeadLetterKind,
} from '@gridline/contracts';
import { DomainError } from '@gridline/eventsourcing';
import type { ValidateFunction } from 'ajv';
import type { Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import { handleWithRetries, sendDeadLetter } from './handling.js';
import { decodeHeaders, KafkaNames } from './kafka.js';
import type { MessagingLogger } from './logger.js';
import {
  contextFrom,
  inSpan,
  linksTo,
  SpanKind,
  SpanStatusCode,
  traceparentOf,
} from './trace-context.js';

/** Kafka topic on which department systems send an agency CloudEvents to act on. */
export const inboundTopic = (agency: Agency) => agencyInboundTopic(agency);

/** A CloudEvent from outside, as received (binary or structured mode). */
export interface InboundCloudEvent {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time?: string;
  readonly data: unknown;
  readonly traceparent?: string;
}

/** One kind of inbound CloudEvent: its data schema and the command it becomes. */
export interface InboundCommand<P> {
  readonly schema: object;
  readonly description: string;
  execute(data: never, principal: P, event: InboundCloudEvent): Promise<unknown>;
}

export type DeadLetterKind = InboundDeadLetterKind;

export class InboundRefusal extends Error {
  constructor(
    readonly kind: DeadLetterKind,
    message: string,
  ) {
    super(message);
    this.name = 'InboundRefusal';
  }
}

export interface InboundOptions<P> {
  readonly groupId: string;
  /** The agency whose inbound topic this is. */
  readonly agency: Agency;
  /** Verifies the bearer token of the `authorization` header; throws if it is not valid. */
  readonly authenticate: (token: string) => Promise<P>;
  /** Why this principal may not send this type of command here, or undefined if it may. */
  readonly refuse: (principal: P, type: string) => string | undefined;
  readonly commands: ReadonlyMap<string, InboundCommand<P>>;
  /**
   * Runs `work` once per key (source and id of the CloudEvent): a redelivered
   * message is recognised and not executed again.
   */
  readonly once: (key: string, work: () => Promise<unknown>) => Promise<'ran' | 'duplicate'>;
  readonly names?: KafkaNames;
  readonly maxAttempts?: number;
  readonly retryDelayMs?: number;
}

const REQUIRED = ['id', 'source', 'type'] as const;

/**
 * Reads CloudEvents 1.0 from `gridline.inbound.<agency>.v1` — binary mode
 * (`ce_*` headers, the data as the value) or structured mode (the whole event as
 * JSON, `content-type: application/cloudevents+json`) — and turns each into a
 * command: authenticated by the service-account token in the `authorization`
 * header (`Bearer <JWT>`), authorised for this agency, its data validated
 * against the type's JSON Schema, executed once per (source, id). Anything
 * else goes to `<topic>.dlq` with the reason (`dlq_kind`, `dlq_reason`) and the
 * original headers and value; the consumer moves on.
 */
export class InboundCommandConsumer<P> {
  private readonly consumer: Consumer;
  private readonly topic: string;
  private readonly groupId: string;
  private readonly validators = new Map<string, ValidateFunction>();
  private handled = 0;
  private duplicates = 0;
  private deadLettered = 0;
  private waitingForDependency: string | undefined;

  constructor(
    kafka: Kafka,
    private readonly dlqProducer: Producer,
    private readonly logger: MessagingLogger,
    private readonly options: InboundOptions<P>,
  ) {
    const names = options.names ?? new KafkaNames();
    this.topic = names.topic(inboundTopic(options.agency));
    this.groupId = names.group(options.groupId);
    this.consumer = kafka.consumer({ groupId: this.groupId, sessionTimeout: 10_000 });
    const ajv = createSchemaValidator();
    for (const [type, command] of options.commands)
      this.validators.set(type, ajv.compile(command.schema));
  }

  get topicName(): string {
    return this.topic;
  }

  status() {
    return {
      handled: this.handled,
      duplicates: this.duplicates,
      deadLettered: this.deadLettered,
      lastError: this.waitingForDependency,
    };
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await this.consumer.run({ eachMessage: (payload) => this.onMessage(payload) });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private async onMessage(payload: EachMessagePayload): Promise<void> {
    const { message } = payload;
    const headers = decodeHeaders(message.headers);
    const value = message.value?.toString() ?? '';
    let event: InboundCloudEvent;
    let principal: P;
    let command: InboundCommand<P>;
    try {
      event = decodeInbound(headers, value);
      principal = await this.authenticate(headers['authorization']);
      const known = this.options.commands.get(event.type);
      if (!known)
        throw new InboundRefusal(
          'unknown-type',
          `${event.type} is not accepted here; accepted: ${[...this.options.commands.keys()].join(', ')}`,
        );
      const refusal = this.options.refuse(principal, event.type);
      if (refusal) throw new InboundRefusal('forbidden', refusal);
      command = known;
      const validate = this.validators.get(event.type);
      if (validate && !validate(event.data))
        throw new InboundRefusal(
          'invalid',
          describeSchemaErrors(validate.errors)
            .map((p) => `${p.path || '/'} ${p.message}`)
            .join('; '),
        );
    } catch (error) {
      const kind = error instanceof InboundRefusal ? error.kind : 'malformed';
      await this.deadLetter(payload, headers, value, kind, error);
      return;
    }
    // As for events (consumer.ts): child of where the command was made, linked to
    // the Kafka hop when the sender's context came in `ce_traceparent`.
    await inSpan(
      `handle ${event.type}`,
      SpanKind.CONSUMER,
      contextFrom(event.traceparent),
      {
        'messaging.system': 'kafka',
        'messaging.destination.name': this.topic,
        'messaging.message.id': event.id,
        'cloudevents.event_source': event.source,
        'cloudevents.event_type': event.type,
      },
      async (span) => {
        const traceparent = traceparentOf(span) ?? event.traceparent;
        const traced = { ...event, ...(traceparent ? { traceparent } : {}) };
        const outcome = await this.execute(payload, headers, value, traced, principal, command);
        if (outcome === 'dead-lettered')
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'dead-lettered' });
      },
      headers['traceparent'] === event.traceparent ? [] : linksTo([headers['traceparent']]),
    );
  }

  private async authenticate(header: string | undefined): Promise<P> {
    const token = /^Bearer (\S+)$/i.exec(header ?? '')?.[1];
    if (!token)
      throw new InboundRefusal('unauthenticated', 'no `authorization: Bearer <token>` header');
    try {
      return await this.options.authenticate(token);
    } catch (error) {
      throw new InboundRefusal('unauthenticated', `token refused: ${(error as Error).message}`);
    }
  }

  private async execute(
    payload: EachMessagePayload,
    headers: Record<string, string>,
    value: string,
    event: InboundCloudEvent,
    principal: P,
    command: InboundCommand<P>,
  ): Promise<'handled' | 'duplicate' | 'dead-lettered'> {
    const outcome = await handleWithRetries(
      payload,
      () =>
        this.options.once(`${event.source}\n${event.id}`, () =>
          command.execute(event.data as never, principal, event),
        ),
      {
        maxAttempts: this.options.maxAttempts ?? 5,
        baseDelayMs: this.options.retryDelayMs ?? 200,
        permanent: (error) => error instanceof DomainError || isClientError(error),
        waiting: (reason) => (this.waitingForDependency = reason),
        logger: this.logger,
        messageId: event.id,
      },
    );
    if (!outcome.done) {
      await this.deadLetter(
        payload,
        headers,
        value,
        outcome.permanent ? 'rejected' : 'failed',
        outcome.error,
      );
      return 'dead-lettered';
    }
    if (outcome.value === 'duplicate') {
      this.duplicates++;
      return 'duplicate';
    }
    this.handled++;
    return 'handled';
  }

  private async deadLetter(
    payload: EachMessagePayload,
    headers: Record<string, string>,
    value: string,
    kind: DeadLetterKind,
    cause: unknown,
  ): Promise<void> {
    const reason = await sendDeadLetter(this.dlqProducer, payload, {
      value,
      headers,
      kind,
      cause,
      groupId: this.groupId,
      // The token is not kept: a dead letter is for reading, not for replaying as someone.
      drop: ['authorization'],
    });
    this.deadLettered++;
    this.logger.error('inbound message dead-lettered', {
      topic: payload.topic,
      partition: payload.partition,
      offset: payload.message.offset,
      kind,
      reason,
      eventId: headers['ce_id'],
    });
  }
}

/** An HTTP-style client error thrown by a command (400, 403, 404, 409 after retries, 422). */
function isClientError(error: unknown): boolean {
  const status = (error as { getStatus?: () => number }).getStatus?.();
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** Reads a CloudEvent in binary or structured mode; throws InboundRefusal('malformed'). */
export function decodeInbound(headers: Record<string, string>, value: string): InboundCloudEvent {
  const bad = (why: string) => new InboundRefusal('malformed', why);
  const contentType = headers['content-type'] ?? '';
  let attributes: Record<string, unknown>;
  let data: unknown;
  if (contentType.startsWith('application/cloudevents+json')) {
    try {
      attributes = JSON.parse(value) as Record<string, unknown>;
    } catch {
      throw bad('structured mode: the value is not JSON');
    }
    if (!attributes || typeof attributes !== 'object' || Array.isArray(attributes))
      throw bad('structured mode: the value is not a JSON object');
    data = attributes['data'];
  } else if (headers['ce_specversion'] !== undefined) {
    attributes = {};
    for (const [name, v] of Object.entries(headers))
      if (name.startsWith('ce_')) attributes[name.slice(3)] = v;
    const type = headers['ce_datacontenttype'] ?? contentType;
    if (type && !type.startsWith('application/json'))
      throw bad(`binary mode: data content type ${type} is not application/json`);
    try {
      data = JSON.parse(value);
    } catch {
      throw bad('binary mode: the value is not JSON');
    }
  } else throw bad('neither a binary-mode (ce_specversion) nor a structured-mode CloudEvent');
  if (attributes['specversion'] !== '1.0') throw bad('specversion must be 1.0');
  for (const name of REQUIRED)
    if (typeof attributes[name] !== 'string' || attributes[name] === '')
      throw bad(`attribute ${name} is missing`);
  const time = attributes['time'];
  if (time !== undefined && (typeof time !== 'string' || Number.isNaN(Date.parse(time))))
    throw bad('attribute time is not an RFC 3339 time');
  const traceparent = attributes['traceparent'] ?? headers['traceparent'];
  return {
    id: attributes['id'] as string,
    source: attributes['source'] as string,
    type: attributes['type'] as string,
    ...(typeof time === 'string' ? { time } : {}),
    data,
    ...(typeof traceparent === 'string' ? { traceparent } : {}),
  };
}
