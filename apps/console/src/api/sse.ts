// The live stream, GET /api/stream (server-sent events), read with fetch and a
// ReadableStream because EventSource cannot send the bearer token. It resumes
// after a drop with Last-Event-ID (the gateway first replays what was missed) and
// reconnects with exponential backoff (1 s doubling to 30 s, with jitter).
import { errorFrom, reportUnauthorized } from './client';
import type { TimelineEntry } from './types';

export type LiveState = 'connecting' | 'live' | 'offline';

export interface LiveStreamOptions {
  /** The current access token at each (re)connection: it is refreshed meanwhile. */
  readonly token: () => string | null;
  readonly onEntry: (entry: TimelineEntry) => void;
  readonly onState: (state: LiveState) => void;
  readonly url?: string;
}

export interface SseMessage {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
}

/**
 * Splits a text/event-stream into messages. Feed it chunks; it returns the
 * complete messages and keeps a partial one for the next chunk. Comment lines
 * (`: heartbeat`) are skipped.
 */
export class SseParser {
  private buffer = '';
  private id: string | undefined;
  private event = 'message';
  private data: string[] = [];

  push(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const out: SseMessage[] = [];
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, newline);
      const skip = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      this.buffer = this.buffer.slice(newline + skip);
      if (line === '') {
        if (this.data.length > 0)
          out.push({
            ...(this.id !== undefined ? { id: this.id } : {}),
            event: this.event,
            data: this.data.join('\n'),
          });
        this.event = 'message';
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') this.data.push(value);
      else if (field === 'event') this.event = value;
      else if (field === 'id') this.id = value;
    }
    return out;
  }
}

const MIN_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

/** Opens the stream and keeps it open until the returned function is called. */
export function openLiveStream(options: LiveStreamOptions): () => void {
  const stop = new AbortController();
  let lastEventId: string | undefined;
  let attempt = 0;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      stop.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });

  async function connectOnce(): Promise<void> {
    options.onState('connecting');
    const headers: Record<string, string> = {
      accept: 'text/event-stream',
      authorization: `Bearer ${options.token() ?? ''}`,
    };
    if (lastEventId) headers['last-event-id'] = lastEventId;
    const response = await fetch(options.url ?? '/api/stream', {
      headers,
      signal: stop.signal,
      cache: 'no-store',
    });
    if (response.status === 401) {
      reportUnauthorized((await errorFrom(response)).message);
      stop.abort();
      return;
    }
    if (!response.ok || !response.body) throw await errorFrom(response);
    options.onState('live');
    attempt = 0;
    const parser = new SseParser();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      for (const message of parser.push(value)) {
        if (message.id) lastEventId = message.id;
        if (message.event !== 'timeline') continue;
        try {
          options.onEntry(JSON.parse(message.data) as TimelineEntry);
        } catch {
          // a malformed message is skipped; the next one still counts
        }
      }
    }
  }

  void (async () => {
    while (!stop.signal.aborted) {
      try {
        await connectOnce();
      } catch {
        // dropped or refused: try again after a pause
      }
      if (stop.signal.aborted) break;
      options.onState('offline');
      const delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** attempt);
      attempt += 1;
      await sleep(delay / 2 + Math.random() * (delay / 2));
    }
  })();

  return () => stop.abort();
}
