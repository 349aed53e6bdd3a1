import {
  isAgency,
  TIMELINE_FEED_RETENTION_MS,
  TIMELINE_FEED_TOPIC,
  type Agency,
} from '@gridline/contracts';
import type { BatchResult } from './case-timeline.projection.js';
import { toTimelineView, type TimelineView, type Visibility } from './queries.js';

// The topic and its retention are contracts (libs/contracts agencies.ts): Kafka's
// rights name it (libs/messaging access.ts).
export { TIMELINE_FEED_RETENTION_MS, TIMELINE_FEED_TOPIC };

/** One entry as the feed sends it, with the agencies of its case when it was written. */
export interface FeedNotice {
  readonly entry: TimelineView;
  readonly agencies: readonly Agency[];
}

/** The notices of what a batch wrote. */
export function feedNotices(result: BatchResult): FeedNotice[] {
  return result.entries.map((entry) => ({
    entry: toTimelineView(entry),
    agencies: result.cases.get(entry.caseId)?.agencies ?? [entry.agency],
  }));
}

/** Whether a reader with this visibility may see the notice's entry (as GET /api/cases). */
export function mayKnow(visibility: Visibility, notice: FeedNotice): boolean {
  return visibility.all || notice.agencies.includes(visibility.agency);
}

/** A notice as the projector wrote it, or undefined for anything else. */
export function parseFeedNotice(value: string): FeedNotice | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  const notice = parsed as Partial<FeedNotice> | null;
  const entry = notice?.entry as Partial<TimelineView> | undefined;
  if (
    !entry ||
    typeof entry.eventId !== 'string' ||
    typeof entry.caseId !== 'string' ||
    typeof entry.position?.commit !== 'number' ||
    typeof entry.position.prepare !== 'number' ||
    !Array.isArray(notice?.agencies) ||
    !notice.agencies.every(isAgency)
  )
    return undefined;
  return notice as FeedNotice;
}
