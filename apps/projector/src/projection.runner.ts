import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  AGENCIES,
  agencyEventsTopic,
  deadLetterTopic,
  type EventEnvelope,
} from '@gridline/contracts';
import { createKafka, ensureTopics, EventConsumer, KafkaNames } from '@gridline/messaging';
import {
  ReadModelIndexes,
  feedNotices,
  openMongo,
  ReadModelRebuilder,
  TIMELINE_FEED_RETENTION_MS,
  TIMELINE_FEED_TOPIC,
  type MongoHandle,
} from '@gridline/read-models';
import type { PostgresStoreHandle } from '@gridline/store-postgres';
import { upcastingStore } from '@gridline/eventsourcing';
import type { Producer } from 'kafkajs';
import {
  CONFIG,
  HealthRegistry,
  JsonLogger,
  kafkaSettingsOf,
  Metrics,
  openStores,
  type ServiceConfig,
} from '@gridline/platform';

/**
 * Consumes every agency topic into the MongoDB read models, a fetched batch at a
 * time (CaseTimelineProjection.applyBatch). Offsets are resolved only after the
 * projection wrote the batch and announced its timeline entries on the feed
 * topic, so a killed projector resumes without loss (and a feed misses no entry
 * written); the projection's revision guards drop what it sees twice.
 */
@Injectable()
export class ProjectionRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private mongo: MongoHandle | undefined;
  private postgres: PostgresStoreHandle | undefined;
  private producer: Producer | undefined;
  private consumer: EventConsumer | undefined;
  private rebuilder: ReadModelRebuilder | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: ServiceConfig,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { config, logger } = this;
    this.mongo = await openMongo(config.MONGO_URL, 'projector');
    this.postgres = await openStores(config, { applicationName: 'projector', poolSize: 4 });
    const postgresPool = this.postgres.pool;
    // Live events go to the live read models (and to a set being rebuilt); gap
    // repair and rebuilds read the store through an upcasting view.
    const rebuilder = new ReadModelRebuilder(
      this.mongo.db,
      upcastingStore(this.postgres.store),
      // EventStoreDB has no cheap count of its events: a rebuild there shows no total.
      async () => {
        if (config.EVENT_STORE !== 'postgres') return undefined;
        const { rows } = await postgresPool.query<{ n: string }>(
          'SELECT count(*) AS n FROM gridline_events',
        );
        return Number(rows[0]?.n ?? 0);
      },
      `projector-${process.pid}-${randomUUID()}`,
      config.READ_MODEL_LISTS === 'postgres'
        ? {
            indexes: new ReadModelIndexes(postgresPool, this.mongo.db.databaseName),
            onIndexesFilled: (suffix, filled) =>
              logger.info('index tables made from the read-model documents', { suffix, ...filled }),
          }
        : {},
    );
    await rebuilder.start();
    this.rebuilder = rebuilder;

    const kafka = createKafka(kafkaSettingsOf(config, 'projector'), logger);
    const names = new KafkaNames(config.KAFKA_NAMESPACE);
    const topics = AGENCIES.map(agencyEventsTopic);
    const named = topics.map((t) => names.topic(t));
    const feedTopic = names.topic(TIMELINE_FEED_TOPIC);
    await ensureTopics(kafka, [...named, ...named.map(deadLetterTopic)]);
    await ensureTopics(kafka, [feedTopic], 3, {
      'retention.ms': String(TIMELINE_FEED_RETENTION_MS),
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    this.producer = producer;
    await producer.connect();
    const project = async (events: readonly EventEnvelope[]) => {
      const notices = feedNotices(await rebuilder.applyBatch(events));
      if (notices.length > 0)
        await producer.send({
          topic: feedTopic,
          acks: -1,
          messages: notices.map((n) => ({ key: n.entry.caseId, value: JSON.stringify(n) })),
        });
    };
    const consumer = new EventConsumer(kafka, producer, logger, {
      groupId: 'projector.case-timeline',
      names,
      topics,
      batchHandler: project,
      // Every partition it is given (three topics of three partitions here): what
      // they bring while a batch is written is projected together next.
      partitionsAtOnce: 32,
      handler: (event) => project([event]),
    });
    this.consumer = consumer;
    this.metrics.watchConsumer(kafka, consumer);

    const mongo = this.mongo;
    const postgres = this.postgres;
    this.health.register('mongo', async () => {
      await mongo.db.command({ ping: 1 });
    });
    this.health.register('postgres', async () => {
      await postgres.pool.query('SELECT 1');
    });
    this.health.register('consumer', () => {
      const { lastError } = consumer.status();
      return lastError ? Promise.reject(new Error(lastError)) : Promise.resolve();
    });
    await consumer.start();
    logger.info('projector consuming', { topics });
  }

  async onApplicationShutdown(): Promise<void> {
    this.rebuilder?.stop();
    await this.consumer?.stop();
    await this.producer?.disconnect();
    await this.mongo?.close();
    await this.postgres?.close();
  }
}
