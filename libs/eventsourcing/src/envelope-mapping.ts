import { agencyOfStream, type EventEnvelope } from '@gridline/contracts';
import { formatPosition, type RecordedEvent } from './event-store.js';

/** The wire form of a stored event (what the relay publishes). */
export function toEnvelope(event: RecordedEvent): EventEnvelope {
  const agency = agencyOfStream(event.streamId);
  if (!agency) throw new Error(`stream ${event.streamId} belongs to no agency`);
  return {
    id: event.id,
    type: event.type,
    agency,
    streamId: event.streamId,
    revision: event.revision,
    position: formatPosition(event.position),
    time: event.occurredAt,
    metadata: event.metadata,
    data: event.data,
    ...(event.integrity ? { integrity: event.integrity } : {}),
  };
}
