import type { EventMetadata } from '@gridline/contracts';
import {
  ChainVerifier,
  GENESIS_HASH,
  canonicalJson,
  chainEvents,
  hashEvent,
  type ChainableEvent,
} from './integrity.js';

const metadata: EventMetadata = {
  caseId: 'case-1',
  correlationId: 'corr-1',
  causationId: 'cause-1',
  actor: { id: 'officer-1', agency: 'street', kind: 'user' },
};

type Chained = ChainableEvent & { integrity?: { previousHash: string; hash: string } };

function stream(streamId: string, count: number): Chained[] {
  const events = Array.from({ length: count }, (_, revision) => ({
    id: `${streamId}-${revision}`,
    type: 'street.enforcement.reminded.v1',
    streamId,
    revision,
    occurredAt: `2026-03-0${revision + 1}T08:00:00Z`,
    data: { step: revision, place: 'East gate' },
    metadata,
  }));
  const links = chainEvents(GENESIS_HASH, events);
  return events.map((e, i) => ({ ...e, integrity: links[i] }));
}

function verify(events: readonly Chained[], mode: 'store' | 'excerpt' = 'store') {
  const verifier = new ChainVerifier({ mode });
  for (const e of events) verifier.add(e);
  return verifier.result();
}

describe('canonical JSON', () => {
  it('sorts keys at every depth and leaves no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: 'é' } })).toBe(
      '{"a":{"c":"é","d":[2,{"x":0,"y":1}]},"b":1}',
    );
  });

  it('leaves out undefined members, as JSON does, and renders undefined in arrays as null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });

  it('refuses what JSON cannot carry', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/NaN/);
    expect(() => canonicalJson(() => 1)).toThrow(/function/);
  });
});

describe('hash chain', () => {
  it('gives the same hash whatever the key order or the time notation', () => {
    const [event] = stream('street-enforcement-s1', 1);
    if (!event) throw new Error('no event');
    const reordered = {
      ...event,
      occurredAt: '2026-03-01T16:00:00.000+08:00',
      data: { place: 'East gate', step: 0 },
    };
    expect(hashEvent(reordered, GENESIS_HASH)).toBe(hashEvent(event, GENESIS_HASH));
  });

  it('changes the hash when anything that says what happened changes', () => {
    const [event] = stream('street-enforcement-s1', 1);
    if (!event) throw new Error('no event');
    const base = hashEvent(event, GENESIS_HASH);
    const variants: ChainableEvent[] = [
      { ...event, data: { step: 0, place: 'West gate' } },
      { ...event, type: 'street.enforcement.warned.v1' },
      { ...event, streamId: 'street-enforcement-s2' },
      { ...event, occurredAt: '2026-03-01T08:00:01Z' },
      { ...event, metadata: { ...metadata, actor: { ...metadata.actor, id: 'officer-2' } } },
    ];
    for (const variant of variants) expect(hashEvent(variant, GENESIS_HASH)).not.toBe(base);
    expect(hashEvent(event, 'f'.repeat(64))).not.toBe(base);
  });

  it('verifies an untouched stream', () => {
    expect(verify(stream('street-enforcement-s1', 5))).toEqual({
      intact: true,
      streams: 1,
      events: 5,
      broken: [],
      brokenStreams: 0,
      uncheckedLinks: 0,
    });
  });

  it('names an edited event: its content no longer gives its hash', () => {
    const events = stream('street-enforcement-s1', 4);
    events[2] = { ...events[2]!, data: { step: 2, place: 'Somewhere else' } };
    const report = verify(events);
    expect(report.intact).toBe(false);
    expect(report.firstBroken).toMatchObject({
      streamId: 'street-enforcement-s1',
      revision: 2,
      eventId: 'street-enforcement-s1-2',
      reason: 'content-changed',
    });
  });

  it('names the event after an edit that was re-hashed: the link to it breaks', () => {
    const events = stream('street-enforcement-s1', 4);
    const edited = { ...events[1]!, data: { step: 1, place: 'Somewhere else' } };
    const previousHash = edited.integrity!.previousHash;
    events[1] = { ...edited, integrity: { previousHash, hash: hashEvent(edited, previousHash) } };
    expect(verify(events).firstBroken).toMatchObject({ revision: 2, reason: 'link-broken' });
  });

  it('names a removed event (a gap) and a reordering', () => {
    const events = stream('street-enforcement-s1', 4);
    expect(verify([events[0]!, events[1]!, events[3]!]).firstBroken).toMatchObject({
      revision: 3,
      reason: 'revision-gap',
    });
    const swapped = [events[0]!, { ...events[2]!, revision: 1 }, { ...events[1]!, revision: 2 }];
    expect(verify(swapped).firstBroken).toMatchObject({ revision: 1, reason: 'link-broken' });
  });

  it('names an event without a hash, and a first event that does not start from genesis', () => {
    const events = stream('street-enforcement-s1', 2);
    const { integrity: _dropped, ...bare } = events[1]!;
    expect(verify([events[0]!, bare]).firstBroken).toMatchObject({
      revision: 1,
      reason: 'not-chained',
    });
    const [first] = stream('street-enforcement-s1', 1);
    const moved = {
      ...first!,
      integrity: { previousHash: 'a'.repeat(64), hash: first!.integrity!.hash },
    };
    expect(verify([moved]).firstBroken).toMatchObject({ revision: 0, reason: 'link-broken' });
  });

  it('reports one broken link per stream and keeps checking the other streams', () => {
    const a = stream('street-enforcement-a', 3);
    const b = stream('street-enforcement-b', 3);
    a[0] = { ...a[0]!, data: { step: 9 } };
    b[2] = { ...b[2]!, type: 'street.enforcement.penalised.v1' };
    const interleaved = [a[0], b[0]!, a[1]!, b[1]!, a[2]!, b[2]];
    const report = verify(interleaved);
    expect(report.brokenStreams).toBe(2);
    expect(report.broken.map((l) => [l.streamId, l.revision])).toEqual([
      ['street-enforcement-a', 0],
      ['street-enforcement-b', 2],
    ]);
    expect(report.firstBroken?.streamId).toBe('street-enforcement-a');
  });

  it('in an excerpt, checks each hash and only the links whose predecessor is present', () => {
    const events = stream('street-enforcement-s1', 6);
    const excerpt = [events[1]!, events[2]!, events[4]!];
    expect(verify(excerpt, 'store').intact).toBe(false);
    expect(verify(excerpt, 'excerpt')).toMatchObject({ intact: true, uncheckedLinks: 2 });
    const tampered = [events[1]!, { ...events[2]!, data: {} }, events[4]!];
    expect(verify(tampered, 'excerpt').firstBroken).toMatchObject({
      revision: 2,
      reason: 'content-changed',
    });
  });

  it("compares a stream's recorded head with its last event (a truncated tail)", () => {
    const events = stream('street-enforcement-s1', 3);
    const verifier = new ChainVerifier({ mode: 'store' });
    for (const e of events.slice(0, 2)) verifier.add(e);
    verifier.checkHead('street-enforcement-s1', { revision: 2, hash: events[2]!.integrity!.hash });
    verifier.checkHead('street-enforcement-gone', { revision: 0, hash: undefined });
    const report = verifier.result();
    expect(report.broken.map((l) => [l.streamId, l.reason])).toEqual([
      ['street-enforcement-s1', 'head-mismatch'],
      ['street-enforcement-gone', 'head-mismatch'],
    ]);
    expect(report.streams).toBe(2);
  });
});
