import {
  BadRequestException,
  Controller,
  Inject,
  Param,
  Req,
  ServiceUnavailableException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Readable } from 'node:stream';
import { agencyOfStream } from '@gridline/contracts';
import type { IntegrityReport, LogSeal, SealReport } from '@gridline/eventsourcing';
import { linesOf, verifyExport, type ExportVerification } from '@gridline/history';
import {
  CommandRoute,
  CurrentPrincipal,
  JsonLogger,
  NotFoundError,
  ReadRoute,
  type Principal,
  type Role,
} from '@gridline/platform';
import type { PostgresStoreHandle } from '@gridline/store-postgres';
import { HISTORY_STORE } from './history.tokens.js';
import { LogSealing } from './log-sealing.js';

const brokenLinkSchema = {
  type: 'object',
  required: ['streamId', 'revision', 'reason', 'detail'],
  properties: {
    streamId: { type: 'string' },
    revision: { type: 'integer' },
    eventId: { type: 'string', format: 'uuid' },
    reason: {
      type: 'string',
      enum: ['content-changed', 'link-broken', 'revision-gap', 'not-chained', 'head-mismatch'],
    },
    detail: { type: 'string' },
  },
} as const;

/** IntegrityReport (libs/eventsourcing integrity.ts). */
const integrityReportSchema = {
  type: 'object',
  required: ['intact', 'streams', 'events', 'broken', 'brokenStreams', 'uncheckedLinks'],
  properties: {
    intact: { type: 'boolean' },
    streams: { type: 'integer' },
    events: { type: 'integer' },
    firstBroken: brokenLinkSchema,
    broken: { type: 'array', items: brokenLinkSchema },
    brokenStreams: { type: 'integer' },
    uncheckedLinks: { type: 'integer' },
  },
} as const;

/** LogSeal (libs/eventsourcing log-seal.ts). */
const sealSchema = {
  type: 'object',
  required: ['sealNo', 'upTo', 'events', 'digest', 'sealedAt', 'keyId', 'signature'],
  properties: {
    sealNo: { type: 'integer', minimum: 1 },
    upTo: { type: 'string', description: 'log position of the last event covered' },
    events: { type: 'integer' },
    digest: { type: 'string', description: 'SHA-256 chained over the log up to upTo' },
    sealedAt: { type: 'string', format: 'date-time' },
    keyId: { type: 'string' },
    signature: { type: 'string', description: 'Ed25519, base64' },
  },
} as const;

/** SealReport (libs/eventsourcing log-seal.ts). */
const sealReportSchema = {
  type: 'object',
  required: ['seals', 'intact', 'findings', 'unsealedEvents', 'events'],
  properties: {
    seals: { type: 'integer' },
    intact: { type: 'boolean' },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        required: ['sealNo', 'upTo', 'reason', 'detail'],
        properties: {
          sealNo: { type: 'integer' },
          upTo: { type: 'string' },
          reason: {
            type: 'string',
            enum: [
              'events-missing',
              'events-added',
              'log-changed',
              'signature-invalid',
              'unknown-key',
              'seal-missing',
            ],
          },
          detail: { type: 'string' },
        },
      },
    },
    lastSeal: {
      type: 'object',
      properties: {
        sealNo: { type: 'integer' },
        upTo: { type: 'string' },
        events: { type: 'integer' },
        digest: { type: 'string' },
        sealedAt: { type: 'string', format: 'date-time' },
      },
    },
    unsealedEvents: { type: 'integer' },
    events: { type: 'integer' },
  },
} as const;

/** Nothing to say: an empty object (a body keeps the route a deliberate command). */
const sealRequestSchema = { type: 'object', additionalProperties: false, properties: {} } as const;

/** The whole store: the chains, and the seals over the log when a key to check them is known. */
const storeReportSchema = {
  ...integrityReportSchema,
  properties: { ...integrityReportSchema.properties, seals: sealReportSchema },
} as const;

/** ExportVerification (libs/history export-import.ts). */
const exportVerificationSchema = {
  ...integrityReportSchema,
  required: [...integrityReportSchema.required, 'lines'],
  properties: {
    ...integrityReportSchema.properties,
    lines: { type: 'integer' },
    firstBrokenLine: { type: 'integer' },
    malformed: {
      type: 'object',
      required: ['line', 'problems'],
      properties: {
        line: { type: 'integer' },
        problems: { type: 'array', items: { type: 'string' } },
      },
    },
  },
} as const;

const STREAM_ID = /^[a-z]+-[A-Za-z0-9._:-]{1,200}$/;
/** Who verifies one stream or an export file. */
const VERIFIERS: readonly Role[] = ['admin', 'legal-reviewer', 'coordinator', 'analyst'];

/**
 * Tamper evidence: checks the hash chains of the event store (one stream, or all
 * of it in one consistent snapshot) or of an export file posted as NDJSON. A
 * broken chain is a finding, not an error: 200 with `intact: false` and the first
 * broken link. Verifying the whole store reads every event, so it is for admins.
 */
@ApiTags('integrity')
@Controller('api/integrity')
export class IntegrityController {
  constructor(
    @Inject(HISTORY_STORE) private readonly postgres: PostgresStoreHandle,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    @Inject(LogSealing) private readonly sealing: LogSealing,
  ) {}

  @ReadRoute({
    summary:
      'Verifies the hash chains of the whole store (one consistent snapshot) and the seals over the log',
    roles: ['admin'],
    answers: {
      200: '`{ intact, streams, events, firstBroken?, broken, brokenStreams, seals? }` for the whole store; `intact` is false when a chain or a seal is broken. `seals` is absent when the gateway knows no key to check them with.',
    },
    response: storeReportSchema,
  })
  async store(): Promise<IntegrityReport & { seals?: SealReport }> {
    const report = await this.postgres.store.verifyIntegrity();
    this.logFinding('store', report);
    if (!this.sealing.verifiable) return report;
    const seals = await this.sealing.verify();
    if (!seals.intact)
      this.logger.warn('integrity: the seals over the log do not match it', {
        findings: seals.findings.slice(0, 10),
      });
    return { ...report, intact: report.intact && seals.intact, seals };
  }

  @ReadRoute({
    path: 'seals',
    summary: 'The seals over the log, oldest first (what an agency anchors outside)',
    roles: ['admin', 'legal-reviewer'],
    answers: { 200: 'Every seal, with its digest, key id and signature.' },
    response: { type: 'array', items: sealSchema },
  })
  seals(): Promise<readonly LogSeal[]> {
    return this.sealing.list();
  }

  @CommandRoute({
    method: 'POST',
    path: 'seals',
    status: 200,
    summary: 'Seals the log now (what was appended since the last seal)',
    roles: ['admin'],
    body: sealRequestSchema,
    answers: {
      200: '`{ sealed: true, seal }`, or `{ sealed: false }` when nothing was appended since the last seal.',
      503: 'This gateway holds no sealing key (LOG_SEAL_KEY_FILE).',
    },
    response: {
      type: 'object',
      required: ['sealed'],
      properties: { sealed: { type: 'boolean' }, seal: sealSchema },
    },
  })
  async sealNow(
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ sealed: boolean; seal?: LogSeal }> {
    if (!this.sealing.enabled)
      throw new ServiceUnavailableException(
        'this gateway holds no sealing key (LOG_SEAL_KEY_FILE)',
      );
    this.logger.info('log seal asked for', { principalId: principal.id });
    const seal = await this.sealing.sealNow();
    return seal ? { sealed: true, seal } : { sealed: false };
  }

  @ReadRoute({
    path: 'streams/:streamId',
    summary: 'Verifies the hash chain of one stream',
    params: { streamId: { example: 'street-enforcement-5f0c…' } },
    roles: VERIFIERS,
    answers: {
      200: 'The report for one stream.',
      400: 'Not a stream id of an agency.',
      404: 'No such stream.',
    },
    response: integrityReportSchema,
  })
  async stream(@Param('streamId') streamId: string): Promise<IntegrityReport> {
    if (!STREAM_ID.test(streamId) || !agencyOfStream(streamId))
      throw new BadRequestException(
        `streamId ${streamId.slice(0, 80)} is not a stream of swc, drc or street`,
      );
    const report = await this.postgres.store.verifyIntegrity({ streamId });
    if (report.streams === 0) throw new NotFoundError(`no stream ${streamId}`);
    this.logFinding(streamId, report);
    return report;
  }

  @CommandRoute({
    method: 'POST',
    path: 'exports',
    status: 200,
    summary: 'Verifies an export file posted as NDJSON (changes nothing)',
    roles: VERIFIERS,
    answers: {
      200: 'The report for an export file (the body, as `gridline export` or `GET /api/exports` wrote it), with `lines`, `firstBrokenLine` and `malformed`.',
      415: 'The body is not application/x-ndjson.',
    },
    response: exportVerificationSchema,
  })
  @ApiConsumes('application/x-ndjson')
  async exportFile(@Req() request: Readable & { headers: Record<string, string | undefined> }) {
    const type = request.headers['content-type'] ?? '';
    if (!type.startsWith('application/x-ndjson'))
      throw new UnsupportedMediaTypeException('post the export as application/x-ndjson');
    const report: ExportVerification = await verifyExport(linesOf(request));
    this.logFinding('export file', report);
    return report;
  }

  private logFinding(what: string, report: IntegrityReport): void {
    if (report.intact) return;
    this.logger.warn(`integrity: ${what} is broken`, {
      brokenStreams: report.brokenStreams,
      firstBroken: report.firstBroken,
    });
  }
}
