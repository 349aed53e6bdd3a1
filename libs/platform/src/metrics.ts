import { context } from '@opentelemetry/api';
import { inSpan, SpanKind } from '@gridline/messaging';
import {
  Controller,
  Inject,
  Injectable,
  Res,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { EventStore } from '@gridline/eventsourcing';
import { consumerLag, type EventConsumer } from '@gridline/messaging';
import type { Kafka } from 'kafkajs';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { tap, type Observable } from 'rxjs';
import { PublicRoute } from './access.js';
import { textResponse } from './responses.js';
import { errorToHttp } from './http.js';

/**
 * One Prometheus registry per app, served at /metrics (public, like health).
 * Apps register gauges whose values are read at scrape time (relay lag,
 * consumer lag, dead letters), so nothing is computed between scrapes.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'gridline_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly appendDuration = new Histogram({
    name: 'gridline_event_store_append_duration_seconds',
    help: 'Latency of appends to the event store',
    labelNames: ['outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gridline_' });
  }

  /** A gauge read when Prometheus scrapes. */
  gauge(name: string, help: string, read: () => Promise<number> | number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }

  private consumerGauges: Gauge | undefined;
  private readonly consumers: { kafka: Kafka; consumer: EventConsumer }[] = [];

  /** Reports a consumer's lag, handled and dead-lettered counts at each scrape. */
  watchConsumer(kafka: Kafka, consumer: EventConsumer): void {
    this.consumers.push({ kafka, consumer });
    if (this.consumerGauges) return;
    const consumers = this.consumers;
    this.consumerGauges = new Gauge({
      name: 'gridline_consumer_lag_messages',
      help: 'Messages on the consumer group’s topics not yet committed by it',
      labelNames: ['group'],
      registers: [this.registry],
      async collect() {
        for (const { kafka: k, consumer: c } of consumers)
          this.set({ group: c.groupId }, await consumerLag(k, c.groupId, c.topics).catch(() => -1));
      },
    });
    new Gauge({
      name: 'gridline_consumer_messages_handled',
      help: 'Messages handled by this process, by consumer group',
      labelNames: ['group'],
      registers: [this.registry],
      collect() {
        for (const { consumer: c } of consumers) this.set({ group: c.groupId }, c.status().handled);
      },
    });
    new Gauge({
      name: 'gridline_consumer_messages_dead_lettered',
      help: 'Messages this process sent to a dead-letter topic, by consumer group',
      labelNames: ['group'],
      registers: [this.registry],
      collect() {
        for (const { consumer: c } of consumers)
          this.set({ group: c.groupId }, c.status().deadLettered);
      },
    });
  }

  /** The same store, timing every append. */
  timedStore<S extends EventStore>(store: S): S {
    const histogram = this.appendDuration;
    return new Proxy(store, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property !== 'appendToStream' || typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          // A client span per append, in the trace of the command or reaction.
          inSpan(
            'append',
            SpanKind.CLIENT,
            context.active(),
            { 'db.system.name': 'postgresql', 'gridline.stream.id': String(args[0]) },
            async () => {
              const end = histogram.startTimer();
              try {
                const result: unknown = await (
                  value as (...a: unknown[]) => Promise<unknown>
                ).apply(target, args);
                end({ outcome: 'ok' });
                return result;
              } catch (error) {
                end({ outcome: (error as Error).name });
                throw error;
              }
            },
          );
      },
    });
  }
}

@Injectable()
export class HttpMetricsInterceptor implements NestInterceptor {
  constructor(@Inject(Metrics) private readonly metrics: Metrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<{ method: string; route?: { path?: string } }>();
    const response = http.getResponse<{ statusCode: number }>();
    const end = this.metrics.httpDuration.startTimer();
    const labels = (status: number) => ({
      method: request.method,
      route: request.route?.path ?? 'unknown',
      status: String(status),
    });
    return next.handle().pipe(
      tap({
        complete: () => end(labels(response.statusCode)),
        error: (error: unknown) => end(labels(errorToHttp(error)[0])),
      }),
    );
  }
}

@Controller('metrics')
export class MetricsController {
  constructor(@Inject(Metrics) private readonly metrics: Metrics) {}

  @PublicRoute({
    summary: 'Prometheus metrics of this app',
    response: textResponse('text/plain', 'the Prometheus text exposition format'),
  })
  async scrape(@Res() response: { type(t: string): { send(body: string): void } }): Promise<void> {
    response.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
