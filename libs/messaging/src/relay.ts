import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { linksTo, SpanKind, SpanStatusCode, tracer } from './trace-context.js';
import { agencyEventsTopic, agencyStreamPrefix, toBinaryCloudEvent } from '@gridline/contracts';
import type { Agency } from '@gridline/contracts';
import {
  formatPosition,
  subscribeToAll,
  toEnvelope,
  type CheckpointStore,
  type EventStore,
  type LogPosition,
  type RecordedEvent,
} from '@gridline/eventsourcing';
import type { Producer } from 'kafkajs';
import { KafkaNames } from './kafka.js';
import type { MessagingLogger } from './logger.js';

export interface RelayOptions {
  readonly agency: Agency;
  /** Checkpoint name; one per agency store. */
  readonly name?: string;
  readonly batchSize?: number;
  /**
   * How often to look for events appended by other processes (another replica);
   * appends of this process wake the relay at once. Default 200 ms.
   */
  readonly pollIntervalMs?: number;
  /** Delay before restarting after a failure (doubles up to 30 s). */
  readonly retryDelayMs?: number;
  readonly names?: KafkaNames;
  /** Where the gateway serves event schemas: each message's `ce_dataschema` points there. */
  readonly schemaBaseUrl?: string;
  /**
   * Held while publishing: of several replicas of a service, only the holder
   * relays; the others stand by and take over when it lapses. Without one the
   * relay always publishes (a single instance).
   */
  readonly lease?: Lease;
}

/** A named, expiring lock (see PostgresLease in @gridline/platform). */
export interface Lease {
  /** Takes or renews the lease; false while another holder has it. */
  tryAcquire(): Promise<boolean>;
  release(): Promise<void>;
  /** How often the holder renews (well inside the lease's time to live). */
  readonly renewEveryMs: number;
}

export interface RelayStatus {
  readonly running: boolean;
  /** 'active' while publishing, 'standby' while another replica holds the lease. */
  readonly role: 'active' | 'standby' | 'stopped';
  readonly published: number;
  readonly lastPosition: string | undefined;
  readonly lastError: string | undefined;
}

/**
 * Publishes an agency's events from the store's global log to its Kafka topic,
 * in log order, keyed by case id, as binary-mode CloudEvents. The checkpoint is
 * written only after Kafka acknowledged the batch, so a crash republishes at
 * most the unacknowledged tail; consumers drop those duplicates by event id.
 */
export class EventRelay {
  private controller: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private published = 0;
  private lastPosition: LogPosition | undefined;
  private lastError: string | undefined;
  private role: RelayStatus['role'] = 'stopped';
  readonly topic: string;
  readonly name: string;
  readonly agency: Agency;

  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: CheckpointStore,
    private readonly producer: Producer,
    private readonly logger: MessagingLogger,
    private readonly options: RelayOptions,
  ) {
    this.topic = (options.names ?? new KafkaNames()).topic(agencyEventsTopic(options.agency));
    this.name = options.name ?? `relay:${options.agency}`;
    this.agency = options.agency;
  }

  start(): void {
    if (this.loop) return;
    const controller = new AbortController();
    this.controller = controller;
    this.loop = this.run(controller.signal);
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    await this.loop;
    this.loop = undefined;
  }

  status(): RelayStatus {
    return {
      running: this.loop !== undefined,
      role: this.role,
      published: this.published,
      lastPosition: this.lastPosition && formatPosition(this.lastPosition),
      lastError: this.lastError,
    };
  }

  private async run(signal: AbortSignal): Promise<void> {
    const base = this.options.retryDelayMs ?? 500;
    const lease = this.options.lease;
    let delay = base;
    while (!signal.aborted) {
      let renewal: NodeJS.Timeout | undefined;
      try {
        if (lease && !(await lease.tryAcquire())) {
          this.role = 'standby';
          await sleep(lease.renewEveryMs, signal);
          continue;
        }
        this.role = 'active';
        // Publishing stops as soon as a renewal fails: another replica may take over.
        const active = new AbortController();
        const stopActive = () => active.abort();
        signal.addEventListener('abort', stopActive, { once: true });
        if (lease)
          renewal = setInterval(() => {
            lease.tryAcquire().then(
              (held) => {
                if (!held) active.abort();
              },
              () => active.abort(),
            );
          }, lease.renewEveryMs);
        const after = await this.checkpoints.load(this.name);
        this.lastPosition = after;
        await subscribeToAll(this.store, {
          ...(after ? { after } : {}),
          streamPrefixes: [agencyStreamPrefix(this.options.agency)],
          batchSize: this.options.batchSize ?? 200,
          idleWaitMs: this.options.pollIntervalMs ?? 200,
          signal: active.signal,
          onBatch: async (batch) => {
            await this.publish(batch);
            delay = base;
          },
          // Nothing left to publish: whatever failed before has recovered.
          onCaughtUp: () => {
            this.lastError = undefined;
            delay = base;
          },
        });
        signal.removeEventListener('abort', stopActive);
      } catch (error) {
        this.lastError = (error as Error).message;
        this.logger.error('relay failed; restarting from its checkpoint', {
          relay: this.name,
          error: this.lastError,
          retryInMs: delay,
        });
        await sleep(delay, signal);
        delay = Math.min(delay * 2, 30_000);
      } finally {
        clearInterval(renewal);
      }
    }
    this.role = 'stopped';
    await lease?.release().catch(() => undefined);
  }

  private async publish(batch: readonly RecordedEvent[]): Promise<void> {
    const last = batch.at(-1);
    if (!last) return;
    // One span per batch, linked to the contexts the events were made in: a batch
    // carries events of many commands, so it belongs to none of their traces. The
    // kafkajs instrumentation's `send` spans are its children, and their context
    // is the Kafka `traceparent` header; each event's own stays in `ce_traceparent`.
    const span = tracer().startSpan(
      `relay ${this.topic}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': this.topic,
          'messaging.batch.message_count': batch.length,
        },
        links: linksTo(batch.map((event) => event.metadata.traceparent)),
      },
      ROOT_CONTEXT,
    );
    try {
      await context.with(trace.setSpan(ROOT_CONTEXT, span), () =>
        this.producer.send({
          topic: this.topic,
          acks: -1,
          messages: batch.map((event) =>
            toBinaryCloudEvent(toEnvelope(event), this.options.schemaBaseUrl),
          ),
        }),
      );
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
    await this.checkpoints.store(this.name, last.position);
    this.published += batch.length;
    this.lastPosition = last.position;
    this.lastError = undefined;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
