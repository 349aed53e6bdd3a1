import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  LogSealer,
  SealKey,
  sealPublicKeys,
  verifySeals,
  type LogSeal,
  type SealReport,
} from '@gridline/eventsourcing';
import { JsonLogger, loadConfig, parsers, PostgresLease, setting } from '@gridline/platform';
import { PostgresLogSeals, type PostgresStoreHandle } from '@gridline/store-postgres';
import { HISTORY_STORE } from './history.tokens.js';

/** Sealing the log (libs/eventsourcing log-seal.ts, docs/security.md "Tamper evidence"). */
export const logSealSettings = {
  LOG_SEAL_KEY_FILE: setting(
    "file holding the Ed25519 private key (PEM) that signs the log's seals; none: the gateway does not seal",
    parsers.string,
    '',
  ),
  LOG_SEAL_PUBLIC_KEY_FILES: setting(
    "files (comma-separated) of further public keys whose seals verify, e.g. a retired sealer's",
    parsers.list,
    [],
  ),
  LOG_SEAL_INTERVAL_SECONDS: setting(
    'seconds between two seals: the window in which the newest events are not yet sealed',
    parsers.positiveInt,
    300,
  ),
};

/**
 * Seals the log every LOG_SEAL_INTERVAL_SECONDS and on demand, one gateway
 * replica at a time (a lease), with the key only the gateway mounts. Every seal
 * is logged with its digest: a log shipped elsewhere is an outside anchor.
 */
@Injectable()
export class LogSealing implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly settings = loadConfig(logSealSettings);
  private readonly key: SealKey | undefined;
  private readonly keys: ReadonlyMap<string, KeyObject>;
  private readonly seals: PostgresLogSeals;
  private readonly lease: PostgresLease;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<LogSeal | undefined> | undefined;

  constructor(
    @Inject(HISTORY_STORE) private readonly postgres: PostgresStoreHandle,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
  ) {
    const keyFile = this.settings.LOG_SEAL_KEY_FILE;
    this.key = keyFile ? SealKey.fromPem(readFileSync(keyFile, 'utf8')) : undefined;
    const others = sealPublicKeys(
      this.settings.LOG_SEAL_PUBLIC_KEY_FILES.map((file) => readFileSync(file, 'utf8')),
    );
    this.keys = new Map([
      ...others,
      ...(this.key ? [[this.key.keyId, this.key.publicKey] as const] : []),
    ]);
    this.seals = new PostgresLogSeals(postgres.pool);
    this.lease = new PostgresLease(postgres.pool, 'log-sealer', 60_000);
  }

  /** Whether this gateway holds a sealing key. */
  get enabled(): boolean {
    return this.key !== undefined;
  }

  /** Whether any key to verify seals with is known. */
  get verifiable(): boolean {
    return this.keys.size > 0;
  }

  onApplicationBootstrap(): void {
    if (!this.key) {
      this.logger.warn('log seals: LOG_SEAL_KEY_FILE not set, the gateway does not seal the log');
      return;
    }
    this.logger.info('log seals: sealing the log', {
      keyId: this.key.keyId,
      everySeconds: this.settings.LOG_SEAL_INTERVAL_SECONDS,
    });
    this.timer = setInterval(
      () => void this.periodic(),
      this.settings.LOG_SEAL_INTERVAL_SECONDS * 1000,
    );
    this.timer.unref();
  }

  /** Before the pool closes (HistoryLifecycle closes it on application shutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
    await this.lease.release().catch(() => undefined);
  }

  /** Seals what was appended since the last seal (undefined: nothing new). */
  async sealNow(): Promise<LogSeal | undefined> {
    if (!this.key) throw new Error('this gateway has no sealing key (LOG_SEAL_KEY_FILE)');
    // One at a time in this process; the table's key settles races between replicas.
    this.running ??= new LogSealer(this.postgres.store, this.seals, this.key, this.keys)
      .seal()
      .finally(() => (this.running = undefined));
    const seal = await this.running;
    if (seal)
      this.logger.info('log sealed', {
        sealNo: seal.sealNo,
        upTo: seal.upTo,
        events: seal.events,
        digest: seal.digest,
        keyId: seal.keyId,
      });
    return seal;
  }

  list(): Promise<readonly LogSeal[]> {
    return this.seals.list();
  }

  async verify(): Promise<SealReport> {
    return verifySeals(this.postgres.store, await this.seals.list(), this.keys);
  }

  private async periodic(): Promise<void> {
    try {
      if (await this.lease.tryAcquire()) await this.sealNow();
    } catch (error) {
      this.logger.error('log seals: could not seal the log', { error: (error as Error).message });
    }
  }
}
