import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import {
  BadRequestException,
  Controller,
  ForbiddenException,
  HttpException,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { evidenceKindSchema, type EvidenceKind } from '@gridline/contracts';
import type { EventStore } from '@gridline/eventsourcing';
import {
  EvidenceFileRefusal,
  EvidenceTampered,
  EvidenceUnavailable,
  evidenceFilesOf,
  type EvidenceFiles,
} from '@gridline/evidence-store';
import {
  CommandRoute,
  CurrentPrincipal,
  EVENT_STORE,
  JsonLogger,
  Metrics,
  ReadRoute,
  UUID,
  type Principal,
} from '@gridline/platform';
import type { PostgresEvidenceAccessLog } from '@gridline/store-postgres';
import { agenciesOf } from './case-evidence.js';
import {
  evidenceAccessListSchema,
  receivedUploadSchema,
  type EvidenceAccessList,
} from './evidence.schemas.js';
import { EVIDENCE_ACCESS_LOG, EVIDENCE_FILES } from './evidence.providers.js';

const EVIDENCE_KINDS: readonly EvidenceKind[] = evidenceKindSchema.enum;

/** Who may hold a case's evidence files: never analysts, never the public. */
const CUSTODIANS = ['officer', 'legal-reviewer', 'coordinator'] as const;

/** A client's digest of the bytes it sends, RFC 9530 `Repr-Digest: sha-256=:<base64>:`. */
function declaredDigest(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /(?:^|,)\s*sha-256=:([A-Za-z0-9+/]{43}=):/.exec(header);
  if (!match?.[1]) throw new BadRequestException('Repr-Digest must carry sha-256=:<base64>:');
  return Buffer.from(match[1], 'base64').toString('hex');
}

/** Resolves with the stream's first chunk (or null at once-empty end); rejects on its error. */
function firstChunk(stream: Readable): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      cleanup();
      stream.pause();
      resolve(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

/**
 * Evidence files (docs/evidence.md): an officer's camera, a body camera's
 * uploader or the console sends the bytes first; the command recording the step
 * then names the upload with the file's SHA-256. Those entitled to the case
 * download it, each access recorded and the bytes checked as they are read.
 */
@ApiTags('evidence')
@Controller('api')
export class EvidenceController {
  constructor(
    @Inject(EVIDENCE_FILES) private readonly files: EvidenceFiles,
    @Inject(EVIDENCE_ACCESS_LOG) private readonly accessLog: PostgresEvidenceAccessLog,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    @Inject(Metrics) metrics: Metrics,
  ) {
    metrics.gauge(
      'gridline_evidence_tampered_reads',
      'Reads of evidence files whose stored bytes did not match their recorded digests, since start',
      () => this.tamperedReads,
    );
  }

  private tamperedReads = 0;

  @CommandRoute({
    method: 'POST',
    path: 'evidence/files',
    status: 201,
    summary: 'file stored; attach it to evidence by its uploadId before it expires',
    description:
      'The body is the file itself (any Content-Type; the type is judged by the bytes). ' +
      'Optional `Repr-Digest: sha-256=:<base64>:` (RFC 9530): the stored bytes must match it. ' +
      'Sizes and types per kind: docs/evidence.md.',
    roles: ['grid-worker', 'officer', 'service'],
    ownAgency: true,
    query: {
      kind: { description: 'the evidence kind', enum: [...EVIDENCE_KINDS], required: true },
    },
    answers: {
      413: 'larger than the kind allows',
      415: 'the bytes are no type the kind may be, or not the declared Content-Type',
      422: 'the bytes do not match the Repr-Digest sent',
    },
    response: receivedUploadSchema,
  })
  async upload(
    @Query('kind') kind: string | undefined,
    @Req() request: IncomingMessage,
    @CurrentPrincipal() principal: Principal,
  ) {
    if (!kind || !(EVIDENCE_KINDS as readonly string[]).includes(kind))
      throw new BadRequestException(`kind must be one of ${EVIDENCE_KINDS.join(', ')}`);
    const expected = declaredDigest(request.headers['repr-digest'] as string | undefined);
    try {
      const received = await this.files.receive(request, {
        kind: kind as EvidenceKind,
        agency: 'street',
        uploadedBy: principal.id,
        ...(request.headers['content-type']
          ? { declaredType: request.headers['content-type'] }
          : {}),
      });
      if (expected && expected !== received.sha256) {
        await this.files.discard(received.uploadId);
        throw new HttpException(
          {
            statusCode: 422,
            error: 'evidence-digest-mismatch',
            message: 'the stored bytes are not the ones the Repr-Digest names',
            details: { submitted: expected, stored: received.sha256 },
          },
          422,
        );
      }
      this.logger.info('evidence file stored', {
        uploadId: received.uploadId,
        kind,
        size: received.size,
        contentType: received.contentType,
      });
      return received;
    } catch (error) {
      if (error instanceof EvidenceFileRefusal)
        throw new HttpException(
          { statusCode: error.status, error: error.code, message: error.message },
          error.status,
        );
      // The client went away mid-upload: nothing was kept, and nobody is left to answer.
      if (request.destroyed || (error as NodeJS.ErrnoException).code === 'ECONNRESET')
        throw new BadRequestException('the upload was interrupted; nothing was kept');
      throw error;
    }
  }

  @ReadRoute({
    path: 'cases/:caseId/evidence/:evidenceId/file',
    summary: 'the evidence file, checked against its recorded digests as it is read',
    description:
      'Every access is recorded (who, when, which file, outcome). Answers `Repr-Digest` with ' +
      "the file's SHA-256. Officers and legal reviewers of the street office, and coordinators " +
      'of the SWC or of an agency that worked on the case.',
    roles: [...CUSTODIANS],
    params: { caseId: UUID, evidenceId: UUID },
    answers: {
      403: 'not entitled to this case',
      404: 'no such evidence file on the case',
      409: 'the stored object does not match its recorded digest (reported as tampering)',
      410: "the file is unreadable: its data subject's personal data was erased",
    },
    response: {
      mediaType: 'application/octet-stream',
      schema: { type: 'string', format: 'binary' },
    },
  })
  @ApiProduces('application/octet-stream')
  async download(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('evidenceId', new ParseUUIDPipe()) evidenceId: string,
    @CurrentPrincipal() principal: Principal,
    @Res() response: ServerResponse,
  ): Promise<void> {
    const events = await this.store.readCase(caseId);
    this.entitled(principal, agenciesOf(events));
    const evidence = evidenceFilesOf(events).find((e) => e.evidenceId === evidenceId);
    if (!evidence) throw new NotFoundException(`no evidence file ${evidenceId} on case ${caseId}`);
    const reader = {
      principalId: principal.id,
      ...(principal.agency ? { agency: principal.agency } : {}),
      roles: principal.roles,
    };
    let opened;
    try {
      opened = await this.files.open({ caseId, ...evidence }, reader);
    } catch (error) {
      if (error instanceof EvidenceUnavailable)
        throw error.reason === 'erased'
          ? new HttpException(
              { statusCode: 410, error: 'evidence-erased', message: error.message },
              410,
            )
          : new NotFoundException(error.message);
      throw error;
    }
    let bytes = 0;
    let first: Buffer | null;
    try {
      first = await firstChunk(opened.body);
    } catch (error) {
      await this.finishAccess(opened, error, bytes, { caseId, evidenceId });
      throw error instanceof EvidenceTampered
        ? new HttpException(
            {
              statusCode: 409,
              error: 'evidence-tampered',
              message: 'the stored file does not match its recorded digest; reported as tampering',
            },
            409,
          )
        : error;
    }
    response.statusCode = 200;
    response.setHeader('content-type', opened.contentType);
    response.setHeader('content-length', String(opened.size));
    response.setHeader('content-disposition', `attachment; filename="${evidenceId}"`);
    response.setHeader(
      'repr-digest',
      `sha-256=:${Buffer.from(evidence.sha256, 'hex').toString('base64')}:`,
    );
    response.setHeader('cache-control', 'no-store');
    response.setHeader('x-content-type-options', 'nosniff');
    if (first) {
      bytes += first.length;
      response.write(first);
    }
    opened.body.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (!response.write(chunk)) {
        opened.body.pause();
        response.once('drain', () => opened.body.resume());
      }
    });
    opened.body.once('end', () => {
      response.end();
      void opened.finish('served', bytes);
    });
    opened.body.once('error', (error) => {
      // Headers are gone: cutting the connection is the only way to say the rest is not the file.
      response.destroy(error);
      void this.finishAccess(opened, error, bytes, { caseId, evidenceId });
    });
    response.once('close', () => {
      if (!opened.body.readableEnded) opened.body.destroy();
    });
    opened.body.resume();
  }

  @ReadRoute({
    path: 'cases/:caseId/evidence-access',
    summary: "who opened the case's evidence files, newest first",
    roles: [...CUSTODIANS, 'admin'],
    params: { caseId: UUID },
    answers: { 403: 'not entitled to this case' },
    response: evidenceAccessListSchema,
  })
  async accesses(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<EvidenceAccessList> {
    const events = await this.store.readCase(caseId);
    this.entitled(principal, agenciesOf(events), { streetAdmin: true });
    return { caseId, accesses: await this.accessLog.ofCase(caseId) };
  }

  /** Officers and legal reviewers of the street office; coordinators of the SWC or of an agency on the case. */
  private entitled(
    principal: Principal,
    agencies: ReadonlySet<string>,
    also: { readonly streetAdmin?: boolean } = {},
  ): void {
    const street = principal.agency === 'street';
    if (
      street &&
      (principal.roles.includes('officer') || principal.roles.includes('legal-reviewer'))
    )
      return;
    if (
      principal.roles.includes('coordinator') &&
      principal.agency &&
      (principal.agency === 'swc' || agencies.has(principal.agency))
    )
      return;
    if (also.streetAdmin && street && principal.roles.includes('admin')) return;
    throw new ForbiddenException('not entitled to the evidence of this case');
  }

  private async finishAccess(
    opened: { finish(outcome: 'tampered' | 'failed', bytes: number): Promise<void> },
    error: unknown,
    bytes: number,
    where: { caseId: string; evidenceId: string },
  ): Promise<void> {
    const tampered = error instanceof EvidenceTampered;
    if (tampered) {
      this.tamperedReads += 1;
      this.logger.error('evidence file does not match its recorded digest', {
        ...where,
        reason: (error as Error).message,
      });
    }
    await opened.finish(tampered ? 'tampered' : 'failed', bytes).catch(() => undefined);
  }
}
