import { BadRequestException, Controller, Headers, Inject, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  CaseQueries,
  mayKnow,
  type FeedNotice,
  type TimelinePosition,
  type TimelineView,
  type Visibility,
} from '@gridline/read-models';
import {
  CurrentPrincipal,
  ReadRoute,
  STAFF,
  textResponse,
  type Principal,
} from '@gridline/platform';
import { visibilityOf } from '../read-api.js';
import { TimelineFeed } from './timeline-feed.js';

export const HEARTBEAT_MS = 15_000;
/** Entries read from the timeline at a time when a feed resumes. */
const BATCH = 500;
/** Entries one connection may have waiting to be written before it is closed (it may resume). */
const MAX_PENDING = 10_000;
/** Event ids remembered per connection, so an entry announced twice goes out once. */
const REMEMBERED = 10_000;

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
 * position `commit/prepare`), pushed as the projector announces them
 * (TimelineFeed). A reconnecting client sends `Last-Event-ID` and first gets
 * everything after that position from the timeline, then the live entries.
 */
@ApiTags('cases')
@Controller('api/stream')
export class StreamController {
  constructor(
    @Inject(CaseQueries) private readonly queries: CaseQueries,
    @Inject(TimelineFeed) private readonly feed: TimelineFeed,
  ) {}

  @ReadRoute({
    summary: 'Live timeline entries as server-sent events, resumable with Last-Event-ID',
    description:
      'Entries are pushed as the projector writes them. Without Last-Event-ID the feed starts at the current end; ' +
      'with it, the entries after that position come first. A comment line every 15 s keeps the connection alive. ' +
      'Shows the cases the caller may see (as GET /api/cases).',
    roles: STAFF,
    answers: { 400: 'a query parameter (none is known) or a malformed Last-Event-ID' },
    response: textResponse(
      'text/event-stream',
      'server-sent events: `id: <commit/prepare>`, `data: <a timeline entry as in GET /api/cases/{caseId}/timeline>`',
    ),
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'a position `commit/prepare`' })
  stream(
    @CurrentPrincipal() principal: Principal,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: SseRequest,
    @Res() response: SseResponse,
  ): void {
    let resumeAfter: TimelinePosition | undefined;
    if (lastEventId !== undefined) {
      const match = /^(\d{1,15})\/(\d{1,15})$/.exec(lastEventId.trim());
      if (!match)
        throw new BadRequestException('Last-Event-ID must be a position `commit/prepare`');
      resumeAfter = { commit: Number(match[1]), prepare: Number(match[2]) };
    }

    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.flushHeaders?.();
    response.write(': connected\n\n');
    const closed = new AbortController();
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
    request.on('close', () => {
      closed.abort();
      clearInterval(heartbeat);
    });
    void this.follow(resumeAfter, visibilityOf(principal), response, closed.signal)
      .catch(() => undefined) // the client resumes with Last-Event-ID
      .finally(() => {
        clearInterval(heartbeat);
        response.end();
      });
  }

  /**
   * Listens first, so nothing announced while the timeline is read is missed;
   * then sends what the timeline holds after `resumeAfter` (when resuming); then
   * each announced entry the caller may see, as it comes, once.
   */
  private async follow(
    resumeAfter: TimelinePosition | undefined,
    visibility: Visibility,
    response: SseResponse,
    closed: AbortSignal,
  ): Promise<void> {
    const pending: FeedNotice[] = [];
    let wake: () => void = () => undefined;
    let overflow = false;
    const stop = this.feed.listen((notice) => {
      if (!mayKnow(visibility, notice)) return;
      if (pending.length >= MAX_PENDING) overflow = true;
      else pending.push(notice);
      wake();
    });
    const sent = new Set<string>();
    const send = (entry: TimelineView) => {
      if (sent.has(entry.eventId)) return;
      sent.add(entry.eventId);
      if (sent.size > REMEMBERED) sent.delete(sent.values().next().value as string);
      const { commit, prepare } = entry.position;
      response.write(
        `id: ${commit}/${prepare}\nevent: timeline\ndata: ${JSON.stringify(entry)}\n\n`,
      );
    };
    try {
      let cursor = resumeAfter;
      while (cursor && !closed.aborted) {
        const batch = await this.queries.timelineAfter(cursor, visibility, { limit: BATCH });
        for (const entry of batch.entries) send(entry);
        cursor = batch.full && batch.last && after(batch.last, cursor) ? batch.last : undefined;
      }
      while (!closed.aborted && !overflow) {
        for (const notice of pending.splice(0)) send(notice.entry);
        if (pending.length > 0) continue;
        await new Promise<void>((resolve) => {
          const done = () => {
            closed.removeEventListener('abort', done);
            resolve();
          };
          wake = done;
          closed.addEventListener('abort', done, { once: true });
        });
      }
    } finally {
      stop();
    }
  }
}

function after(a: TimelinePosition, b: TimelinePosition): boolean {
  return a.commit > b.commit || (a.commit === b.commit && a.prepare > b.prepare);
}
