import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, ModuleRef } from '@nestjs/core';
import {
  agencyEventsTopic,
  AGENCIES,
  deadLetterTopic,
  DEFAULT_SCHEMA_BASE_URL,
  normaliseSchemaBaseUrl,
  type Agency,
} from '@gridline/contracts';
import {
  randomIds,
  systemClock,
  type EventStore,
  type PersonalDataVault,
  upcastingStore,
} from '@gridline/eventsourcing';
import {
  createKafka,
  ensureTopics,
  EventRelay,
  inboundTopic,
  KafkaNames,
  messagesIn,
  type InboundCommandConsumer,
} from '@gridline/messaging';
import {
  PostgresIdempotencyStore,
  PostgresPersonalDataVault,
  type PostgresStoreHandle,
} from '@gridline/store-postgres';
import { readFileSync } from 'node:fs';
import type { Kafka, Producer } from 'kafkajs';
import { AuthGuard, SERVICE_AGENCY, TOKEN_VERIFIER } from './auth.js';
import {
  authRules,
  authSettings,
  TokenVerifier,
  trustedIssuers,
  type Principal,
} from './token-verifier.js';
import {
  eventStoreRule,
  infrastructureSettings,
  kafkaSecurityRule,
  kafkaSettingsOf,
  loadConfig,
  parsers,
  setting,
} from './config.js';
import { HealthController, HealthRegistry } from './health.js';
import { HttpMetricsInterceptor, Metrics, MetricsController } from './metrics.js';
import { IDEMPOTENCY_STORE, IdempotencyInterceptor } from './idempotency.js';
import { PostgresLease } from './postgres-lease.js';
import {
  BACKGROUND_CLOCK,
  contextualClock,
  REACTION_TIME,
  reactionTime,
  SIMULATED_CLOCK_ENABLED,
  SimulatedTimeInterceptor,
} from './simulated-time.js';
import { JsonLogger } from './logger.js';
import { BodyHygieneInterceptor } from './body-hygiene.js';
import { openStores } from './stores.js';

import {
  CLOCK,
  CONFIG,
  EVENT_STORE,
  IDS,
  KAFKA,
  KAFKA_NAMES,
  PERSONAL_DATA,
  POSTGRES,
  PRODUCER,
} from './agency-runtime.tokens.js';
import { ReactionConsumers } from './reaction-consumers.js';
import { parseTraceExport } from '@gridline/telemetry';
import { WRITE_RATE_LIMIT, WriteRateLimitInterceptor } from './rate-limit.js';
import { INBOUND_COMMANDS, inboundConsumer, type InboundCommands } from './inbound.js';

export * from './agency-runtime.tokens.js';

export function serviceSettings(defaultPort: number) {
  return {
    ...infrastructureSettings,
    ...authSettings,
    KAFKA_NAMESPACE: setting(
      'prefix of topic and consumer-group names (tests beside a dev platform); empty in production',
      (raw: string) => {
        if (!/^[a-z0-9-]+$/.test(raw))
          throw new Error('must be lower-case letters, digits, dashes');
        return raw;
      },
      '',
    ),
    SCHEMA_BASE_URL: setting(
      "the gateway's public address of event schemas: every CloudEvent's dataschema points there",
      normaliseSchemaBaseUrl,
      DEFAULT_SCHEMA_BASE_URL,
    ),
    PORT: setting('HTTP port', parsers.port, defaultPort),
    HOST: setting('HTTP listen address', parsers.string, '127.0.0.1'),
    LOG_LEVEL: setting(
      'minimum log level',
      parsers.oneOf('debug', 'info', 'warn', 'error'),
      'info',
    ),
    GRIDLINE_SIMULATED_CLOCK: setting(
      'accept X-Gridline-Time on commands of service accounts (demos, imports); local profile only',
      parsers.oneOf('true', 'false'),
      'false',
    ),
    GRIDLINE_TRACES: setting(
      'OpenTelemetry spans: off, otlp (to OTEL_EXPORTER_OTLP_ENDPOINT) or file:<path> ({service} = app name)',
      (raw: string) => {
        parseTraceExport(raw);
        return raw;
      },
      'off',
    ),
    WRITE_RATE_LIMIT_BURST: setting(
      'write requests one principal may send at once (then 429)',
      parsers.positiveInt,
      300,
    ),
    WRITE_RATE_LIMIT_PER_SECOND: setting(
      'write requests per second a principal gets back, up to the burst',
      parsers.positiveInt,
      20,
    ),
    IDEMPOTENCY_LEASE_MS: setting(
      'how long a request holds its Idempotency-Key before a retry may take it over (its process presumed dead)',
      parsers.positiveInt,
      30_000,
    ),
    CONSOLE_DIR: setting(
      'directory of the built web console the gateway serves at / (empty: dist/console of this build)',
      parsers.string,
      '',
    ),
    METRICS_TOKEN_FILE: setting(
      'file holding the bearer token Prometheus scrapes /metrics with; empty: /metrics is open in the local profile and refused elsewhere',
      parsers.string,
      '',
    ),
    PII_MASTER_KEY_FILE: setting(
      'file holding the base64 32-byte key that wraps the personal-data keys; required by street-service, which seals and opens personal data, and given to nothing else (no other app opens it)',
      parsers.string,
      '',
    ),
  };
}

export type ServiceConfig = ReturnType<typeof loadServiceConfig>;

export function loadServiceConfig(
  defaultPort: number,
  env: Readonly<Record<string, string | undefined>> = process.env,
) {
  return loadConfig(serviceSettings(defaultPort), env, [
    eventStoreRule,
    kafkaSecurityRule,
    ...authRules,
    (v) =>
      v['GRIDLINE_SIMULATED_CLOCK'] === 'true' && v['GRIDLINE_PROFILE'] !== 'local'
        ? 'GRIDLINE_SIMULATED_CLOCK=true is accepted only in the local profile (GRIDLINE_PROFILE=local)'
        : undefined,
  ]);
}

export function authProviders(config: ServiceConfig, agency: Agency | null): Provider[] {
  return [
    {
      provide: TOKEN_VERIFIER,
      useValue: new TokenVerifier(...trustedIssuers(config)),
    },
    { provide: SERVICE_AGENCY, useValue: agency },
    { provide: APP_GUARD, useClass: AuthGuard },
  ];
}

/**
 * The agencies whose services record personal data: street (reporters' contacts,
 * subjects' names, evidence files' keys). Only their services hold the master key
 * and may read the key store (PostgreSQL grants it to `gridline_agency_street`
 * alone, libs/store-postgres schema.ts): SWC and DRC record none, so a compromised
 * SWC or DRC process can open nobody's data (docs/security.md, "Keys where they are used").
 */
export const PERSONAL_DATA_HOLDERS: readonly Agency[] = ['street'];

/** The personal-data master key: 32 bytes, base64 in a file outside the repository. */
export function readMasterKey(file: string): Buffer {
  if (!file)
    throw new Error(
      'PII_MASTER_KEY_FILE is required (file holding the base64 32-byte key that wraps the personal-data keys)',
    );
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} must hold 32 bytes in base64`);
  return key;
}

/** Starts the relay after the app is up; closes every connection on shutdown. */
@Injectable()
class AgencyRuntimeLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private inbound: InboundCommandConsumer<Principal> | undefined;

  constructor(
    @Inject(CONFIG) config: ServiceConfig,
    @Inject(EventRelay) private readonly relay: EventRelay,
    @Inject(PRODUCER) private readonly producer: Producer,
    @Inject(POSTGRES) private readonly postgres: PostgresStoreHandle,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_NAMES) private readonly names: KafkaNames,
    @Inject(ModuleRef) private readonly modules: ModuleRef,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotency: PostgresIdempotencyStore,
  ) {
    metrics.gauge(
      'gridline_relay_published_events',
      'Events published by this relay since start',
      () => relay.status().published,
    );
    metrics.gauge('gridline_relay_active', '1 while this replica holds the relay lease', () =>
      relay.status().role === 'active' ? 1 : 0,
    );
    // Counted in the store's own table: not available on EventStoreDB.
    if (config.EVENT_STORE === 'postgres')
      metrics.gauge(
        'gridline_relay_lag_events',
        'Events of this agency in the store not yet published (store position vs relay checkpoint)',
        async () => {
          const after = await postgres.checkpoints.load(relay.name);
          const { rows } = await postgres.pool.query<{ lag: string }>(
            `SELECT count(*) AS lag FROM gridline_events
              WHERE stream_id LIKE $1 AND (transaction_id, global_position) > ($2::text::xid8, $3::bigint)`,
            [
              `${relay.agency}-%`,
              String(after && after.commit > 0n ? after.commit : 0n),
              String(after?.prepare ?? -1n),
            ],
          );
          return Number(rows[0]?.lag ?? 0);
        },
      );
    metrics.gauge(
      'gridline_dead_letter_messages',
      'Messages held in the dead-letter topics of every agency topic',
      () =>
        messagesIn(
          kafka,
          AGENCIES.map((a) => deadLetterTopic(names.topic(agencyEventsTopic(a)))),
        ),
    );
    health.register('postgres', async () => {
      await postgres.pool.query('SELECT 1');
    });
    // Reading a stream that does not exist is one round trip to the server.
    if (config.EVENT_STORE === 'eventstoredb')
      health.register('eventstoredb', async () => {
        await postgres.store.readStream('gridline-health-probe', { maxCount: 1 });
      });
    health.register('relay', () => {
      const { lastError } = relay.status();
      return lastError ? Promise.reject(new Error(lastError)) : Promise.resolve();
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.relay.start();
    // Department systems' commands over Kafka, if this agency accepts any.
    let commands: InboundCommands | undefined;
    try {
      commands = this.modules.get<InboundCommands>(INBOUND_COMMANDS, { strict: false });
    } catch {
      commands = undefined;
    }
    if (!commands || commands.size === 0) return;
    const inbound = inboundConsumer({
      agency: this.relay.agency,
      kafka: this.kafka,
      producer: this.producer,
      logger: this.logger,
      names: this.names,
      verifier: this.verifier,
      idempotency: this.idempotency,
      commands,
    });
    this.health.register('inbound', () => {
      const { lastError } = inbound.status();
      return lastError ? Promise.reject(new Error(lastError)) : Promise.resolve();
    });
    this.metrics.gauge(
      'gridline_inbound_dead_lettered',
      'Inbound CloudEvents dead-lettered since start',
      () => inbound.status().deadLettered,
    );
    this.inbound = inbound;
    await inbound.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.inbound?.stop();
    await this.relay.stop();
    await this.producer.disconnect();
    await this.postgres.close();
  }
}

/**
 * Everything an agency service shares: config, logging, auth, the event store
 * (writable only on the agency's own streams), Kafka, the relay, health.
 */
@Module({})
export class AgencyRuntimeModule {
  static forRoot(agency: Agency, config: ServiceConfig, logger: JsonLogger): DynamicModule {
    const providers: Provider[] = [
      { provide: CONFIG, useValue: config },
      { provide: JsonLogger, useValue: logger },
      { provide: KAFKA_NAMES, useValue: new KafkaNames(config.KAFKA_NAMESPACE) },
      {
        provide: CLOCK,
        useValue: config.GRIDLINE_SIMULATED_CLOCK === 'true' ? contextualClock : systemClock,
      },
      { provide: IDS, useValue: randomIds },
      HealthRegistry,
      ...Metrics.providers(config),
      { provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor },
      // Before the rate limit and the idempotency fingerprint: no bad text or depth gets past.
      { provide: APP_INTERCEPTOR, useClass: BodyHygieneInterceptor },
      {
        provide: POSTGRES,
        useFactory: () => openStores(config, { applicationName: `${agency}-service` }),
      },
      // The key store only where personal data is recorded (PERSONAL_DATA_HOLDERS).
      ...(PERSONAL_DATA_HOLDERS.includes(agency)
        ? [
            {
              provide: PERSONAL_DATA,
              inject: [POSTGRES],
              useFactory: (pg: PostgresStoreHandle): PersonalDataVault =>
                new PostgresPersonalDataVault(pg.pool, readMasterKey(config.PII_MASTER_KEY_FILE)),
            },
          ]
        : []),
      {
        provide: EVENT_STORE,
        inject: [POSTGRES, Metrics],
        useFactory: (pg: PostgresStoreHandle, metrics: Metrics): EventStore =>
          metrics.timedStore(upcastingStore(pg.store.forWriter(agency)), config.EVENT_STORE),
      },
      {
        provide: KAFKA,
        useFactory: async () => {
          const kafka = createKafka(kafkaSettingsOf(config, `${agency}-service`), logger);
          const names = new KafkaNames(config.KAFKA_NAMESPACE);
          const topics = [
            ...AGENCIES.map((a) => names.topic(agencyEventsTopic(a))),
            names.topic(inboundTopic(agency)),
          ];
          await ensureTopics(kafka, [...topics, ...topics.map(deadLetterTopic)]);
          return kafka;
        },
      },
      {
        provide: PRODUCER,
        inject: [KAFKA],
        useFactory: async (kafka: Kafka) => {
          const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
          await producer.connect();
          return producer;
        },
      },
      {
        provide: EventRelay,
        inject: [EVENT_STORE, POSTGRES, PRODUCER],
        useFactory: (store: EventStore, pg: PostgresStoreHandle, producer: Producer) =>
          new EventRelay(store, pg.checkpoints, producer, logger, {
            agency,
            names: new KafkaNames(config.KAFKA_NAMESPACE),
            schemaBaseUrl: config.SCHEMA_BASE_URL,
            // One active relay per agency store; other replicas stand by.
            lease: new PostgresLease(pg.pool, `relay:${agency}`),
          }),
      },
      {
        provide: IDEMPOTENCY_STORE,
        inject: [POSTGRES],
        useFactory: (pg: PostgresStoreHandle) =>
          new PostgresIdempotencyStore(pg.pool, config.IDEMPOTENCY_LEASE_MS),
      },
      {
        provide: WRITE_RATE_LIMIT,
        useValue: {
          burst: config.WRITE_RATE_LIMIT_BURST,
          perSecond: config.WRITE_RATE_LIMIT_PER_SECOND,
        },
      },
      // Before the idempotency claim: a refused request claims nothing.
      { provide: APP_INTERCEPTOR, useClass: WriteRateLimitInterceptor },
      { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      { provide: SIMULATED_CLOCK_ENABLED, useValue: config.GRIDLINE_SIMULATED_CLOCK === 'true' },
      { provide: BACKGROUND_CLOCK, useValue: systemClock },
      {
        provide: REACTION_TIME,
        useValue: reactionTime(config.GRIDLINE_SIMULATED_CLOCK === 'true'),
      },
      { provide: APP_INTERCEPTOR, useClass: SimulatedTimeInterceptor },
      AgencyRuntimeLifecycle,
      ReactionConsumers,
      ...authProviders(config, agency),
    ];
    return {
      module: AgencyRuntimeModule,
      global: true,
      controllers: [HealthController, MetricsController],
      providers,
      exports: providers.filter(
        (p) =>
          !(typeof p === 'object' && (p.provide === APP_GUARD || p.provide === APP_INTERCEPTOR)),
      ),
    };
  }
}
