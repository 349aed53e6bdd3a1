import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { PersonalDataVault } from '@gridline/eventsourcing';
import { EvidenceFiles, EvidenceObjects, readSecretFile } from '@gridline/evidence-store';
import {
  HealthRegistry,
  JsonLogger,
  loadConfig,
  parsers,
  PERSONAL_DATA,
  POSTGRES,
  setting,
} from '@gridline/platform';
import {
  PostgresEvidenceAccessLog,
  PostgresEvidenceUploads,
  type PostgresStoreHandle,
} from '@gridline/store-postgres';

/** The evidence store's settings (docs/evidence.md): any S3-compatible server. */
export const evidenceSettings = {
  EVIDENCE_S3_ENDPOINT: setting(
    'address of the S3-compatible evidence store (the local stack runs SeaweedFS)',
    parsers.url('http:', 'https:'),
  ),
  EVIDENCE_S3_REGION: setting('region of the evidence bucket', parsers.string, 'us-east-1'),
  EVIDENCE_S3_BUCKET: setting('bucket of the evidence files', parsers.string, 'gridline-evidence'),
  EVIDENCE_S3_ACCESS_KEY_ID: setting("the evidence store's access key id", parsers.string),
  EVIDENCE_S3_SECRET_KEY_FILE: setting(
    "file holding the evidence store's secret access key (never the key itself in the environment)",
    parsers.string,
  ),
  EVIDENCE_UPLOAD_GRACE_HOURS: setting(
    'hours an uploaded file waits to be attached to evidence before it is removed',
    parsers.positiveInt,
    24,
  ),
};

export const EVIDENCE_FILES = Symbol('EVIDENCE_FILES');
export const EVIDENCE_OBJECTS = Symbol('EVIDENCE_OBJECTS');
export const EVIDENCE_ACCESS_LOG = Symbol('EVIDENCE_ACCESS_LOG');

const SWEEP_EVERY_MS = 10 * 60 * 1000;

/** Reports the bucket in /health/ready; removes expired uploads every ten minutes. */
@Injectable()
class EvidenceLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(EVIDENCE_OBJECTS) private readonly objects: EvidenceObjects,
    @Inject(EVIDENCE_FILES) private readonly files: EvidenceFiles,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.health.register('evidence-store', async () => {
      if (!(await this.objects.reachable()))
        throw new Error(`bucket ${this.objects.bucket} does not answer`);
    });
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  async sweep(): Promise<void> {
    try {
      const removed = await this.files.expire();
      if (removed > 0) this.logger.info('expired evidence uploads removed', { removed });
    } catch (error) {
      this.logger.warn('evidence upload sweep failed', { error: (error as Error).message });
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.objects.close();
  }
}

export const evidenceProviders: Provider[] = [
  {
    provide: EVIDENCE_OBJECTS,
    useFactory: () => {
      const config = loadConfig(evidenceSettings);
      return EvidenceObjects.connect({
        endpoint: config.EVIDENCE_S3_ENDPOINT,
        region: config.EVIDENCE_S3_REGION,
        bucket: config.EVIDENCE_S3_BUCKET,
        accessKeyId: config.EVIDENCE_S3_ACCESS_KEY_ID,
        secretAccessKey: readSecretFile(config.EVIDENCE_S3_SECRET_KEY_FILE),
      });
    },
  },
  {
    provide: EVIDENCE_ACCESS_LOG,
    inject: [POSTGRES],
    useFactory: (pg: PostgresStoreHandle) => new PostgresEvidenceAccessLog(pg.pool),
  },
  {
    provide: EVIDENCE_FILES,
    inject: [EVIDENCE_OBJECTS, POSTGRES, EVIDENCE_ACCESS_LOG, PERSONAL_DATA],
    useFactory: (
      objects: EvidenceObjects,
      pg: PostgresStoreHandle,
      accessLog: PostgresEvidenceAccessLog,
      vault: PersonalDataVault,
    ) => {
      const config = loadConfig(evidenceSettings);
      return new EvidenceFiles(objects, new PostgresEvidenceUploads(pg.pool), accessLog, vault, {
        graceMs: config.EVIDENCE_UPLOAD_GRACE_HOURS * 60 * 60 * 1000,
      });
    },
  },
  EvidenceLifecycle,
];
