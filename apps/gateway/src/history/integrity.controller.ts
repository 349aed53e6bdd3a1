import {
  BadRequestException,
  Controller,
  Inject,
  Param,
  Req,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Readable } from 'node:stream';
import { agencyOfStream } from '@gridline/contracts';
import type { IntegrityReport } from '@gridline/eventsourcing';
import { linesOf, verifyExport, type ExportVerification } from '@gridline/history';
import { CommandRoute, JsonLogger, NotFoundError, ReadRoute, type Role } from '@gridline/platform';
import type { PostgresStoreHandle } from '@gridline/store-postgres';
import { HISTORY_STORE } from './history.tokens.js';

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
  ) {}

  @ReadRoute({
    summary: 'Verifies the hash chains of the whole store (one consistent snapshot)',
    roles: ['admin'],
    answers: {
      200: '`{ intact, streams, events, firstBroken?, broken, brokenStreams }` for the whole store.',
    },
    response: integrityReportSchema,
  })
  async store(): Promise<IntegrityReport> {
    const report = await this.postgres.store.verifyIntegrity();
    this.logFinding('store', report);
    return report;
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
