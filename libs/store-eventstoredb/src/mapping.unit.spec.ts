import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '@gridline/contracts';
import {
  DuplicateEventIdError,
  GENESIS_HASH,
  START,
  chainEvents,
  hashEvent,
  type NewEvent,
  type RecordedEvent,
} from '@gridline/eventsourcing';
import { NO_STREAM, START as ESDB_START } from '@eventstore/db-client';
import { parseEventStoreUrl } from './connection.js';
import {
  caseStreamName,
  earlierAppend,
  fromCurrentRevision,
  isAfter,
  isReservedStream,
  isSystemRecord,
  linkData,
  toAppendRevision,
  toReadPosition,
  toRecordedEvent,
  toStoredMetadata,
  type EsdbRecord,
} from './mapping.js';

const metadata: EventMetadata = {
  caseId: 'case-1',
  correlationId: 'corr-1',
  causationId: 'cause-1',
  actor: { id: 'officer-7', agency: 'street', kind: 'user' },
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
};

const newEvent = (id = randomUUID()): NewEvent => ({
  id,
  type: 'street.issue.reported.v1',
  data: { z: 1, a: [0.1, 'grid 网格'] },
  metadata,
  occurredAt: '2026-01-02T03:04:05.000Z',
});

/** How the client hands back what the adapter wrote for `event`. */
function stored(event: NewEvent, streamId: string, revision: number): EsdbRecord {
  const [integrity] = chainEvents(GENESIS_HASH, [{ ...event, streamId, revision }]);
  return {
    streamId,
    id: event.id,
    revision: BigInt(revision),
    type: event.type,
    data: JSON.parse(JSON.stringify(event.data)) as unknown,
    metadata: JSON.parse(JSON.stringify(toStoredMetadata(event, integrity!))) as unknown,
    created: new Date('2026-05-01T00:00:00.000Z'),
    position: { commit: 1200n, prepare: 1100n },
  };
}

describe('event metadata on EventStoreDB', () => {
  it("keeps Gridline's fields and adds ESDB's correlation, the time and the chain link", () => {
    const event = newEvent();
    expect(toStoredMetadata(event, { previousHash: GENESIS_HASH, hash: 'h1' })).toEqual({
      ...metadata,
      $correlationId: 'corr-1',
      $causationId: 'cause-1',
      occurredAt: '2026-01-02T03:04:05.000Z',
      previousHash: GENESIS_HASH,
      hash: 'h1',
    });
  });

  it('reads back exactly the appended event, whose hash still checks', () => {
    const event = newEvent();
    const recorded = toRecordedEvent(stored(event, 'street-issue-1', 0));
    expect(recorded).toEqual({
      id: event.id,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      occurredAt: event.occurredAt,
      streamId: 'street-issue-1',
      revision: 0,
      position: { commit: 1200n, prepare: 1100n },
      integrity: recorded.integrity,
    });
    expect(recorded.integrity?.previousHash).toBe(GENESIS_HASH);
    expect(hashEvent(recorded, GENESIS_HASH)).toBe(recorded.integrity?.hash);
  });

  it('takes a foreign event as unchained, its time from the server', () => {
    const recorded = toRecordedEvent({
      ...stored(newEvent(), 'street-issue-1', 3),
      metadata: undefined,
    });
    expect(recorded.integrity).toBeUndefined();
    expect(recorded.metadata).toEqual({});
    expect(recorded.occurredAt).toBe('2026-05-01T00:00:00.000Z');
  });

  it('refuses a record without a log position (servers before 22.6)', () => {
    const record = { ...stored(newEvent(), 'street-issue-1', 0), position: undefined };
    expect(() => toRecordedEvent(record)).toThrow('22.6');
  });

  it("tells the server's records and the case links from Gridline events", () => {
    expect(isSystemRecord({ streamId: '$stats-0.0.0.0:2113', type: '$statsCollected' })).toBe(true);
    expect(isSystemRecord({ streamId: 'street-issue-1', type: '$metadata' })).toBe(true);
    expect(isSystemRecord({ streamId: caseStreamName('c1'), type: '$>' })).toBe(true);
    expect(isSystemRecord({ streamId: 'street-issue-1', type: 'street.issue.reported.v1' })).toBe(
      false,
    );
  });
});

describe('revisions and positions', () => {
  it('appends with the exact revision read, never ANY or STREAM_EXISTS', () => {
    expect(toAppendRevision('no_stream')).toBe(NO_STREAM);
    expect(toAppendRevision(0)).toBe(0n);
    expect(toAppendRevision(41)).toBe(41n);
  });

  it("maps the server's actual revision of a conflict", () => {
    expect(fromCurrentRevision(NO_STREAM)).toBe('no_stream');
    expect(fromCurrentRevision(7n)).toBe(7);
  });

  it('maps LogPosition to $all positions, START to the start of the log', () => {
    expect(toReadPosition(undefined)).toBe(ESDB_START);
    expect(toReadPosition(START)).toBe(ESDB_START);
    expect(toReadPosition({ commit: 9_007_199_254_740_993n, prepare: 5n })).toEqual({
      commit: 9_007_199_254_740_993n,
      prepare: 5n,
    });
  });

  it('reads strictly after a position', () => {
    const at = { commit: 100n, prepare: 90n };
    expect(isAfter(at, undefined)).toBe(true);
    expect(isAfter(at, START)).toBe(true);
    expect(isAfter(at, at)).toBe(false);
    expect(isAfter(at, { commit: 100n, prepare: 89n })).toBe(true);
    expect(isAfter(at, { commit: 101n, prepare: 0n })).toBe(false);
  });
});

describe('case links', () => {
  it('keeps one link stream per case, outside every agency and reserved', () => {
    expect(caseStreamName('8c2e')).toBe('case-8c2e');
    expect(isReservedStream('case-8c2e')).toBe(true);
    expect(isReservedStream('$all')).toBe(true);
    expect(isReservedStream('street-issue-1')).toBe(false);
  });

  it("writes links as the server's projections do: <revision>@<stream>", () => {
    expect(linkData('swc-case-42', 3)).toBe('3@swc-case-42');
  });
});

describe('a retried append', () => {
  const recorded = (event: NewEvent, streamId: string, revision: number): RecordedEvent =>
    toRecordedEvent(stored(event, streamId, revision));

  it('is nothing when none of the ids is stored', () => {
    expect(earlierAppend([], 'street-issue-1', [newEvent()])).toBeUndefined();
  });

  it('answers with the earlier result when the same events are stored in order', () => {
    const events = [newEvent(), newEvent()];
    const found = [
      recorded(events[1]!, 'street-issue-1', 5),
      recorded(events[0]!, 'street-issue-1', 4),
    ];
    expect(earlierAppend(found, 'street-issue-1', events)).toMatchObject({
      nextExpectedRevision: 5,
      events: [
        { id: events[0]!.id, revision: 4 },
        { id: events[1]!.id, revision: 5 },
      ],
    });
  });

  it('refuses ids stored otherwise: in part, in another stream, out of order', () => {
    const events = [newEvent(), newEvent()];
    const partial = [recorded(events[0]!, 'street-issue-1', 4)];
    const elsewhere = events.map((e, i) => recorded(e, 'street-issue-2', i));
    const swapped = [
      recorded(events[0]!, 'street-issue-1', 5),
      recorded(events[1]!, 'street-issue-1', 4),
    ];
    for (const found of [partial, elsewhere, swapped])
      expect(() => earlierAppend(found, 'street-issue-1', events)).toThrow(DuplicateEventIdError);
  });
});

describe('EVENTSTORE_URL', () => {
  it('accepts single-node and cluster connection strings', () => {
    for (const url of [
      'esdb://localhost:2113?tls=false',
      'esdb://admin:changeit@10.0.0.5:2113',
      'esdb+discover://a:2113,b:2113,c:2113?tls=true',
    ])
      expect(parseEventStoreUrl(url)).toBe(url);
  });

  it('refuses anything else', () => {
    for (const url of ['postgres://x/y', 'http://localhost:2113', 'esdb://', 'localhost:2113'])
      expect(() => parseEventStoreUrl(url)).toThrow('esdb://');
  });
});
