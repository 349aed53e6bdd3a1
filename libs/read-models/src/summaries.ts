import { isKnownEventType, type EventEnvelope, type GridlineEvent } from '@gridline/contracts';
import { assignmentSummaries } from './summaries/assignment.summaries.js';
import { drcSummaries } from './summaries/drc.summaries.js';
import { streetSummaries } from './summaries/street.summaries.js';
import type { SummaryTable } from './summaries/summary-table.js';
import { swcSummaries } from './summaries/swc.summaries.js';

const summaries: SummaryTable<GridlineEvent> = {
  ...streetSummaries,
  ...swcSummaries,
  ...drcSummaries,
  ...assignmentSummaries,
};

/** One readable line per timeline entry, for coordinators. */
export function summarize(event: EventEnvelope): string {
  if (!isKnownEventType(event.type)) return event.type;
  const summary = summaries[event.type] as (data: unknown) => string;
  return summary(event.data);
}
