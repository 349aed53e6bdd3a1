import type { Agency } from '@gridline/contracts';
import { DomainError, type EventStore } from '@gridline/eventsourcing';

/**
 * References checked (docs/workflow.md, "References"): a command that names a case
 * is refused unless the case is known to the acting agency, from its own streams
 * only — it reported the case (an issue, a warning) or was assigned it (its inbox).
 * An agency never reads another's streams to decide; a case it has never been part
 * of is, for it, no case (422 `case-unknown`, nothing stored).
 */
export async function assertCaseKnown(
  store: Pick<EventStore, 'readCase'>,
  agency: Agency,
  caseId: string,
): Promise<void> {
  const own = await store.readCase(caseId, { streamPrefixes: [`${agency}-`], maxCount: 1 });
  if (own.length === 0)
    throw new DomainError(
      'case-unknown',
      `${agency} knows no case ${caseId}: it may act only on a case it reported or was assigned`,
      { caseId, agency },
    );
}
