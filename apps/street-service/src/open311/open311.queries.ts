import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EventStore, LogPosition, RecordedEvent } from '@gridline/eventsourcing';
import { EVENT_STORE } from '@gridline/platform';
import { issueStreamId } from '../issues/issue.decider.js';
import {
  issueRecord,
  selectRequests,
  type IssueRecord,
  type RequestsFilter,
} from './open311.status.js';

/** The issues a GET requests.json (or requests/{id}.json) asks for, folded from the store. */
export class FindServiceRequestsQuery {
  constructor(readonly filter: RequestsFilter) {}
}

const PAGE = 1000;
const ISSUE_STREAMS = 'street-issue-';

/**
 * Reads issue streams straight from the event store, like GET /api/issues/{id}:
 * always current, no read model to wait for. A window scans the issue events
 * since its start (at most 90 days of them) and folds them per stream: events
 * after the window's end still count, as they move a request's status.
 */
@QueryHandler(FindServiceRequestsQuery)
export class FindServiceRequestsHandler implements IQueryHandler<
  FindServiceRequestsQuery,
  IssueRecord[]
> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ filter }: FindServiceRequestsQuery): Promise<IssueRecord[]> {
    const streams =
      filter.kind === 'ids'
        ? await Promise.all(filter.ids.map((id) => this.store.readStream(issueStreamId(id))))
        : [...(await this.issueEventsSince(filter.from)).values()];
    const records = streams
      .map((events) => issueRecord(events))
      .filter((r): r is IssueRecord => r !== undefined);
    return selectRequests(records, filter);
  }

  private async issueEventsSince(from: Date): Promise<Map<string, RecordedEvent[]>> {
    const byStream = new Map<string, RecordedEvent[]>();
    let after: LogPosition | undefined;
    for (;;) {
      const page = await this.store.readAll({
        streamPrefixes: [ISSUE_STREAMS],
        occurredFrom: from,
        maxCount: PAGE,
        ...(after ? { after } : {}),
      });
      for (const event of page) {
        const events = byStream.get(event.streamId) ?? [];
        events.push(event);
        byStream.set(event.streamId, events);
      }
      const last = page.at(-1);
      if (!last || page.length < PAGE) return byStream;
      after = last.position;
    }
  }
}
