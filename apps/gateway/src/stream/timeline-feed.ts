import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { createKafka, ensureTopics, KafkaNames, sleep } from '@gridline/messaging';
import {
  CONFIG,
  HealthRegistry,
  JsonLogger,
  kafkaSettingsOf,
  type ServiceConfig,
} from '@gridline/platform';
import {
  parseFeedNotice,
  TIMELINE_FEED_RETENTION_MS,
  TIMELINE_FEED_TOPIC,
  type FeedNotice,
} from '@gridline/read-models';

/** How long start-up waits to join the feed before serving without it (health says so). */
const JOIN_WAIT_MS = 10_000;

/**
 * The timeline entries the projector announces, as they come, for this
 * gateway's live feeds: one Kafka consumer per gateway instance (a group of its
 * own, from the newest notice, no offsets kept), whatever the number of
 * connections.
 */
@Injectable()
export class TimelineFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer: Consumer | undefined;
  private joined = false;
  private onJoin: () => void = () => undefined;
  private readonly stopping = new AbortController();
  private readonly listeners = new Set<(notice: FeedNotice) => void>();

  constructor(
    @Inject(CONFIG) private readonly config: ServiceConfig,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
  ) {}

  /**
   * Starts following the feed and waits a moment for it to join, but never fails
   * the gateway's start: reads work without Kafka, and `feed` says when live
   * updates wait.
   */
  async onApplicationBootstrap(): Promise<void> {
    this.health.register('feed', () =>
      this.joined
        ? Promise.resolve()
        : Promise.reject(new Error('not following the timeline feed (live updates wait)')),
    );
    let joinedOnce: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (joinedOnce = resolve));
    this.onJoin = joinedOnce;
    void this.followWithRetries();
    await Promise.race([first, sleep(JOIN_WAIT_MS, this.stopping.signal)]);
    if (!this.joined) this.logger.warn('timeline feed not joined yet; live feeds start late', {});
  }

  private async followWithRetries(): Promise<void> {
    for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
      try {
        await this.follow();
        return;
      } catch (error) {
        await this.consumer?.disconnect().catch(() => undefined);
        this.logger.warn('timeline feed unavailable; trying again', {
          error: (error as Error).message,
        });
        await sleep(Math.min(1_000 * 2 ** attempt, 30_000), this.stopping.signal);
      }
    }
  }

  private async follow(): Promise<void> {
    const { config, logger } = this;
    const kafka = createKafka(kafkaSettingsOf(config, 'gateway-feed'), logger);
    const names = new KafkaNames(config.KAFKA_NAMESPACE);
    const topic = names.topic(TIMELINE_FEED_TOPIC);
    await ensureTopics(kafka, [topic], 3, { 'retention.ms': String(TIMELINE_FEED_RETENTION_MS) });
    const consumer = kafka.consumer({
      groupId: names.group(`gateway.feed.${randomUUID()}`),
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
      this.onJoin();
    });
    // kafkajs restarts a crashed consumer itself; until it rejoins, health says so.
    consumer.on(consumer.events.CRASH, () => (this.joined = false));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    await consumer.run({
      // Nothing to resume: a feed that reconnects reads what it missed from the timeline.
      autoCommit: false,
      eachMessage: ({ message }) => {
        const notice = parseFeedNotice(message.value?.toString() ?? '');
        if (!notice) logger.warn('feed notice ignored: not a timeline notice', { topic });
        else for (const listener of this.listeners) listener(notice);
        return Promise.resolve();
      },
    });
  }

  /** Hears every notice from now on; returns how to stop. */
  listen(listener: (notice: FeedNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.consumer?.disconnect();
  }
}
