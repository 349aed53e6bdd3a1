import {
  BadRequestException,
  Controller,
  Get,
  Headers,
  Inject,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CaseQueries, type TimelinePosition, type Visibility } from '@gridline/read-models';
import { CurrentPrincipal, type Principal } from '@gridline/platform';
import { visibilityOf } from '../read-api.js';

/** How often the feed asks MongoDB for new entries (FerretDB has no change streams). */
export const POLL_MS = 500;
export const HEARTBEAT_MS = 15_000;
/** Entries projected this long before a poll are read again, whatever their position. */
const LATE_MARGIN_MS = 2_000;
const BATCH = 500;

interface SseRequest {
  on(event: 'close', listener: () => void): unknown;
}
interface SseResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  flushHeaders?(): void;
  write(chunk: string): boolean;
  end(): void;
}

/**
 * Server-sent events of new timeline entries (`id:` = the entry's global
 * position `commit/prepare`). A reconnecting client sends `Last-Event-ID` and
 * gets everything after that position, then follows live by polling.
 */
@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/stream')
export class StreamController {
  constructor(@Inject(CaseQueries) private readonly queries: CaseQueries) {}

  @Get()
  @ApiOperation({
    summary: 'Live timeline entries as server-sent events, resumable with Last-Event-ID',
    description:
      'Without Last-Event-ID the feed starts at the current end. A comment line every 15 s keeps the connection alive. ' +
      'Shows the cases the caller may see (as GET /api/cases).',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'a position `commit/prepare`' })
  async stream(
    @CurrentPrincipal() principal: Principal,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Query() query: Record<string, unknown>,
    @Req() request: SseRequest,
    @Res() response: SseResponse,
  ): Promise<void> {
    const unknown = Object.keys(query);
    if (unknown.length > 0)
      throw new BadRequestException({
        statusCode: 400,
        message: 'query parameters are invalid',
        problems: unknown.map((parameter) => ({ parameter, message: 'is not a known parameter' })),
      });
    let cursor: TimelinePosition;
    if (lastEventId !== undefined) {
      const match = /^(\d{1,15})\/(\d{1,15})$/.exec(lastEventId.trim());
      if (!match)
        throw new BadRequestException('Last-Event-ID must be a position `commit/prepare`');
      cursor = { commit: Number(match[1]), prepare: Number(match[2]) };
    } else cursor = await this.queries.latestPosition();

    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.flushHeaders?.();
    response.write(': connected\n\n');
    let open = true;
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
    request.on('close', () => {
      open = false;
      clearInterval(heartbeat);
    });
    void this.follow(cursor, visibilityOf(principal), response, () => open).finally(() => {
      clearInterval(heartbeat);
      response.end();
    });
  }

  private async follow(
    start: TimelinePosition,
    visibility: Visibility,
    response: SseResponse,
    isOpen: () => boolean,
  ): Promise<void> {
    let cursor = start;
    // Ids sent lately, so an entry read again through the late-arrival margin goes out once.
    const sent = new Map<string, number>();
    let projectedSince: number | undefined;
    while (isOpen()) {
      const pollStart = Date.now();
      let batch;
      try {
        batch = await this.queries.timelineAfter(cursor, visibility, {
          limit: BATCH,
          ...(projectedSince === undefined ? {} : { projectedSince }),
        });
      } catch {
        // MongoDB unreachable for a moment: try again at the next poll.
        await new Promise((r) => setTimeout(r, POLL_MS));
        continue;
      }
      for (const entry of batch.entries) {
        if (sent.has(entry.eventId)) continue;
        if (!isOpen()) return;
        sent.set(entry.eventId, pollStart);
        const { commit, prepare } = entry.position;
        response.write(
          `id: ${commit}/${prepare}\nevent: timeline\ndata: ${JSON.stringify(entry)}\n\n`,
        );
      }
      if (batch.last && after(batch.last, cursor)) cursor = batch.last;
      projectedSince = pollStart - LATE_MARGIN_MS;
      for (const [id, at] of sent) if (at < pollStart - 10 * LATE_MARGIN_MS) sent.delete(id);
      if (!batch.full) await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}

function after(a: TimelinePosition, b: TimelinePosition): boolean {
  return a.commit > b.commit || (a.commit === b.commit && a.prepare > b.prepare);
}
