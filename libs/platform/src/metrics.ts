import { context } from '@opentelemetry/api';
import { inSpan, SpanKind } from '@gridline/messaging';
import { readFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import {
  Controller,
  ForbiddenException,
  Inject,
  Injectable,
  Res,
  UnauthorizedException,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
  type Provider,
} from '@nestjs/common';
import type { EventStore } from '@gridline/eventsourcing';
import { consumerLag, type EventConsumer } from '@gridline/messaging';
import type { Kafka } from 'kafkajs';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { tap, type Observable } from 'rxjs';
import { ScrapeRoute } from './access.js';
import { textResponse } from './responses.js';
import { errorToHttp } from './http.js';

/** Who may scrape /metrics (docs/operations.md, "Metrics"). */
export interface MetricsAccess {
  /** The bearer token a scraper must send (METRICS_TOKEN_FILE); none: see `open`. */
  readonly token?: Buffer;
  /** Without a token: anyone (the local profile) or no one. */
  readonly open: boolean;
}

/** Values read at scrape time are read again at most this often, whoever scrapes. */
export const SCRAPE_CACHE_MS = 10_000;

/** A reading shared by every scrape within `ttlMs`, one at a time. */
function cached<T>(read: () => Promise<T> | T, ttlMs: number): () => Promise<T> {
  let last: { value: T; at: number } | undefined;
  let pending: Promise<T> | undefined;
  return async () => {
    if (last && Date.now() - last.at < ttlMs) return last.value;
    pending ??= Promise.resolve()
      .then(read)
      .then((value) => {
        last = { value, at: Date.now() };
        return value;
      })
      .finally(() => (pending = undefined));
    return pending;
  };
}

/**
 * One Prometheus registry per app, served at /metrics to the scraper (a bearer
 * token outside the local profile). Apps register gauges whose values are read
 * at scrape time (relay lag, consumer lag, dead letters), each at most once per
 * SCRAPE_CACHE_MS however often or by how many scrapers it is asked.
 */
@Injectable()
export class Metrics {
  /** The Metrics of an app and who may scrape them, from its configuration. */
  static providers(config: {
    readonly METRICS_TOKEN_FILE: string;
    readonly GRIDLINE_PROFILE: string;
  }): Provider[] {
    const file = config.METRICS_TOKEN_FILE;
    const access: MetricsAccess = {
      ...(file ? { token: Buffer.from(readFileSync(file, 'utf8').trim()) } : {}),
      open: config.GRIDLINE_PROFILE === 'local',
    };
    if (access.token?.length === 0) throw new Error(`${file} is empty (METRICS_TOKEN_FILE)`);
    return [Metrics, { provide: METRICS_ACCESS, useValue: access }];
  }

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

  /** A gauge read when Prometheus scrapes (at most once per SCRAPE_CACHE_MS). */
  gauge(name: string, help: string, read: () => Promise<number> | number): void {
    const value = cached(read, SCRAPE_CACHE_MS);
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await value());
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
    // Kafka admin calls for every group: at most once per SCRAPE_CACHE_MS.
    const lags = cached(
      () =>
        Promise.all(
          consumers.map(async ({ kafka: k, consumer: c }) => ({
            group: c.groupId,
            lag: await consumerLag(k, c.groupId, c.topics).catch(() => -1),
          })),
        ),
      SCRAPE_CACHE_MS,
    );
    this.consumerGauges = new Gauge({
      name: 'gridline_consumer_lag_messages',
      help: 'Messages on the consumer group’s topics not yet committed by it',
      labelNames: ['group'],
      registers: [this.registry],
      async collect() {
        for (const { group, lag } of await lags()) this.set({ group }, lag);
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

  /**
   * The same store, timing every append. Each append is an internal span in the
   * trace of its command or reaction, naming the store; on PostgreSQL the pg
   * instrumentation's query spans hang below it (EventStoreDB's gRPC client has
   * no instrumentation here: the span is all there is).
   */
  timedStore<S extends EventStore>(store: S, kind: 'postgres' | 'eventstoredb'): S {
    const histogram = this.appendDuration;
    return new Proxy(store, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property !== 'appendToStream' || typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          inSpan(
            'append',
            SpanKind.INTERNAL,
            context.active(),
            { 'gridline.event_store': kind, 'gridline.stream.id': String(args[0]) },
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

export const METRICS_ACCESS = Symbol('METRICS_ACCESS');

/**
 * /metrics for the scraper only: `Authorization: Bearer <METRICS_TOKEN_FILE's
 * token>` when one is set (compared in constant time). Without one, open in the
 * local profile, refused elsewhere. No credentials: 401; other credentials (a
 * person's token, a wrong one): 403.
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(@Inject(METRICS_ACCESS) private readonly access: MetricsAccess) {}

  canActivate(context: ExecutionContext): boolean {
    const { token, open } = this.access;
    if (!token && open) return true;
    const header = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>()
      .headers['authorization'];
    if (typeof header !== 'string' || !header.startsWith('Bearer '))
      throw new UnauthorizedException(
        'scrape /metrics with the bearer token of METRICS_TOKEN_FILE',
      );
    const candidate = Buffer.from(header.slice(7));
    if (!token || candidate.length !== token.length || !timingSafeEqual(candidate, token))
      throw new ForbiddenException(
        token
          ? 'not the scraper’s token (METRICS_TOKEN_FILE)'
          : 'metrics are private outside the local profile: set METRICS_TOKEN_FILE and scrape with its token',
      );
    return true;
  }
}

@Controller('metrics')
export class MetricsController {
  constructor(@Inject(Metrics) private readonly metrics: Metrics) {}

  @ScrapeRoute({
    summary: 'Prometheus metrics of this app, for the scraper',
    description:
      'With METRICS_TOKEN_FILE set, only with `Authorization: Bearer <that token>`; ' +
      'without it, open in the local profile and refused elsewhere.',
    guard: MetricsAccessGuard,
    response: textResponse('text/plain', 'the Prometheus text exposition format'),
  })
  async scrape(@Res() response: { type(t: string): { send(body: string): void } }): Promise<void> {
    response.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
