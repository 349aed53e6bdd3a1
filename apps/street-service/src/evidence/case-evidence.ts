import type { RecordedEvent } from '@gridline/eventsourcing';

/** The agencies that recorded events of a case (their coordinators may see its evidence). */
export function agenciesOf(events: readonly RecordedEvent[]): Set<string> {
  // An event type begins with the agency that recorded it: `drc.assignment.accepted.v1`.
  return new Set(events.map((event) => event.type.split('.')[0] ?? ''));
}
