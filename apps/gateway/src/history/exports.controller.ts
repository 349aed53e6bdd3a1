import { BadRequestException, Controller, Inject, Query, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { isAgency } from '@gridline/contracts';
import { exportEvents, toExportLine, type ExportSelection } from '@gridline/history';
import {
  CurrentPrincipal,
  JsonLogger,
  ReadRoute,
  textResponse,
  type Principal,
} from '@gridline/platform';
import {
  erasedKeyIds,
  PostgresExportAudit,
  type PostgresStoreHandle,
} from '@gridline/store-postgres';
import { HISTORY_STORE } from './history.tokens.js';
import { parseOptionalTime } from './time-params.js';

/** The parts of the HTTP response a streamed export needs. */
interface StreamingResponse {
  status(code: number): this;
  setHeader(name: string, value: string): void;
  write(chunk: string): boolean;
  once(event: 'drain' | 'close', listener: () => void): void;
  end(): void;
  destroy(error?: Error): void;
  readonly destroyed: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * History export as NDJSON CloudEvents (structured mode, one event per line, in
 * global log order), streamed: the gateway holds one batch at a time. Every
 * export is recorded in the audit log (who, when, what, how many events).
 */
@ApiTags('history')
@Controller('api/exports')
export class ExportsController {
  constructor(
    @Inject(HISTORY_STORE) private readonly postgres: PostgresStoreHandle,
    @Inject(PostgresExportAudit) private readonly audit: PostgresExportAudit,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
  ) {}

  @ReadRoute({
    summary: 'History as NDJSON CloudEvents, audited',
    query: {
      caseId: 'One case, every agency',
      agency: { enum: ['swc', 'drc', 'street'] },
      from: 'ISO-8601; events that occurred at or after',
      to: 'ISO-8601; events that occurred at or before',
    },
    roles: ['analyst', 'coordinator', 'admin'],
    answers: {
      200: 'NDJSON: one CloudEvents 1.0 structured-mode JSON object per line (extensions streamid, streamrevision, position, correlationid, causationid, actorid, actoragency, actorkind, traceparent, previoushash, hash, erasedkeys).',
      400: 'No selection, or a malformed one (nothing is recorded in the audit log).',
    },
    response: textResponse('application/x-ndjson', 'one CloudEvents 1.0 JSON object per line'),
  })
  @ApiProduces('application/x-ndjson')
  async export(
    @Query('caseId') caseId: string | undefined,
    @Query('agency') agency: string | undefined,
    @Query('from') fromText: string | undefined,
    @Query('to') toText: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res() response: StreamingResponse,
  ): Promise<void> {
    const from = parseOptionalTime('from', fromText);
    const to = parseOptionalTime('to', toText);
    if (caseId !== undefined && !UUID.test(caseId))
      throw new BadRequestException(`caseId ${caseId} is not a uuid`);
    if (agency !== undefined && !isAgency(agency))
      throw new BadRequestException(`agency ${agency} is not one of swc, drc, street`);
    if (!caseId && !agency && !from && !to)
      throw new BadRequestException('choose caseId, agency, or a time range (from, to)');
    if (from && to && from > to) throw new BadRequestException('from must not be after to');
    const selection: ExportSelection = {
      ...(caseId ? { caseId } : {}),
      ...(agency && isAgency(agency) ? { agency } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    };
    const described = {
      ...(caseId ? { caseId } : {}),
      ...(agency ? { agency } : {}),
      ...(from ? { from: from.toISOString() } : {}),
      ...(to ? { to: to.toISOString() } : {}),
    };
    const exportId = await this.audit.start(
      { principalId: principal.id, agency: principal.agency, roles: principal.roles },
      described,
    );
    response.status(200);
    response.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
    response.setHeader(
      'content-disposition',
      `attachment; filename="gridline-export-${exportId}.ndjson"`,
    );
    response.setHeader('x-gridline-export-id', exportId);
    let count = 0;
    try {
      // Sealed values of subjects erased by now are marked so (`erasedkeys`).
      const erased = await erasedKeyIds(this.postgres.pool);
      for await (const event of exportEvents(this.postgres.store, selection)) {
        if (response.destroyed) throw new Error('client went away');
        if (!response.write(toExportLine(event, erased)))
          await new Promise<void>((resolve) => {
            response.once('drain', resolve);
            response.once('close', resolve);
          });
        count++;
      }
      response.end();
      await this.audit.finish(exportId, 'completed', count);
    } catch (error) {
      await this.audit.finish(exportId, 'failed', count).catch(() => undefined);
      this.logger.error('export failed', { exportId, error: (error as Error).message });
      response.destroy(error as Error);
    }
  }
}
