import {
  CloudEventFormatError,
  fromBinaryCloudEvent,
  fromStructuredCloudEvent,
  toBinaryCloudEvent,
  toStructuredCloudEvent,
} from './cloudevents.js';
import type { EventEnvelope } from './envelope.js';
import { eventSchemas, validateEventData } from './catalogue.js';
import { parseWireName } from './wire-names.js';

const envelope: EventEnvelope = {
  id: '0b6f3c1e-2a4d-4c3e-9f1a-1d2e3f4a5b6c',
  type: 'swc.case.opened.v1',
  agency: 'swc',
  streamId: 'swc-case-7c1d2e3f',
  revision: 0,
  position: '812/40',
  time: '2026-03-02T07:46:00.000Z',
  metadata: {
    caseId: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    correlationId: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    causationId: '11111111-2222-4333-8444-555555555555',
    actor: { id: 'swc-service', agency: 'swc', kind: 'service' },
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  },
  data: { hello: 'world' },
};

const chained: EventEnvelope = {
  ...envelope,
  integrity: { previousHash: '0'.repeat(64), hash: 'ab'.repeat(32) },
};

describe('CloudEvents hash chain attributes', () => {
  it('carry the hash and the previous hash in both modes and back', () => {
    const binary = toBinaryCloudEvent(chained);
    expect(binary.headers).toMatchObject({
      ce_previoushash: '0'.repeat(64),
      ce_hash: 'ab'.repeat(32),
    });
    expect(fromBinaryCloudEvent(binary.headers, binary.value)).toEqual(chained);
    const structured = toStructuredCloudEvent(chained);
    expect(structured).toMatchObject({ previoushash: '0'.repeat(64), hash: 'ab'.repeat(32) });
    expect(fromStructuredCloudEvent(JSON.parse(JSON.stringify(structured)))).toEqual(chained);
  });

  it('refuses half a link or a hash that is not a SHA-256 digest', () => {
    const { headers, value } = toBinaryCloudEvent(chained);
    const half: Record<string, string> = { ...headers };
    delete half['ce_previoushash'];
    expect(() => fromBinaryCloudEvent(half, value)).toThrow(/previoushash and hash/);
    const structured = { ...toStructuredCloudEvent(chained), hash: 'not-a-digest' };
    expect(() => fromStructuredCloudEvent(structured)).toThrow(/previoushash and hash/);
  });
});

describe('CloudEvents binary mode', () => {
  it('maps an envelope to ce_ headers keyed by case id and back without loss', () => {
    const message = toBinaryCloudEvent(envelope);
    expect(message.key).toBe(envelope.metadata.caseId);
    expect(message.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: envelope.id,
      ce_type: 'swc.case.opened.v1',
      ce_source: '/gridline/swc',
      ce_subject: envelope.metadata.caseId,
      ce_time: envelope.time,
      'content-type': 'application/json',
      ce_dataschema: 'http://localhost:3000/api/schemas/swc.case.opened.v1',
      // The Distributed Tracing extension; a bare `traceparent` is the transport's.
      ce_traceparent: envelope.metadata.traceparent,
    });
    expect(message.headers).not.toHaveProperty('traceparent');
    expect(fromBinaryCloudEvent(message.headers, message.value)).toEqual(envelope);
  });

  it('points dataschema at the configured schema address', () => {
    const message = toBinaryCloudEvent(envelope, 'https://gridline.example.org/api/schemas');
    expect(message.headers['ce_dataschema']).toBe(
      'https://gridline.example.org/api/schemas/swc.case.opened.v1',
    );
  });

  it('names every missing or malformed attribute', () => {
    const { headers, value } = toBinaryCloudEvent(envelope);
    const broken: Record<string, string> = {
      ...headers,
      ce_source: '/elsewhere',
      ce_time: 'soon',
      ce_dataschema: 'schemas/here',
    };
    delete broken['ce_id'];
    let error: unknown;
    try {
      fromBinaryCloudEvent(broken, value.slice(1));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CloudEventFormatError);
    expect((error as CloudEventFormatError).problems).toEqual(
      expect.arrayContaining([
        'missing header ce_id',
        'unknown ce_source /elsewhere',
        'ce_time soon is not a time',
        'ce_dataschema schemas/here is not an absolute URI',
        expect.stringMatching(/^data is not JSON/) as unknown,
      ]),
    );
  });
});

describe('CloudEvents structured mode', () => {
  it('maps an envelope to one JSON object with extensions and back without loss', () => {
    const structured = toStructuredCloudEvent(envelope);
    expect(structured).toEqual({
      specversion: '1.0',
      id: envelope.id,
      type: 'swc.case.opened.v1',
      source: '/gridline/swc',
      subject: envelope.metadata.caseId,
      time: envelope.time,
      datacontenttype: 'application/json',
      data: { hello: 'world' },
      streamid: 'swc-case-7c1d2e3f',
      streamrevision: 0,
      position: '812/40',
      correlationid: envelope.metadata.correlationId,
      causationid: envelope.metadata.causationId,
      actorid: 'swc-service',
      actoragency: 'swc',
      actorkind: 'service',
      traceparent: envelope.metadata.traceparent,
    });
    const line = JSON.stringify(structured);
    expect(fromStructuredCloudEvent(JSON.parse(line))).toEqual(envelope);
  });

  it('leaves traceparent out when the event had none', () => {
    const { traceparent: _, ...untraced } = envelope.metadata;
    const structured = toStructuredCloudEvent({ ...envelope, metadata: untraced });
    expect(structured).not.toHaveProperty('traceparent');
    expect(fromStructuredCloudEvent(structured).metadata).toEqual(untraced);
  });

  it('names every missing, malformed or unknown attribute', () => {
    const { id: _, ...rest } = toStructuredCloudEvent(envelope);
    let error: unknown;
    try {
      fromStructuredCloudEvent({ ...rest, streamrevision: -1, actorkind: 'robot', extra: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CloudEventFormatError);
    expect((error as CloudEventFormatError).problems).toEqual(
      expect.arrayContaining([
        'missing attribute id',
        'streamrevision -1 is not a revision',
        'unknown actorkind robot',
        'unknown attribute extra',
      ]),
    );
    expect(() => fromStructuredCloudEvent([1])).toThrow(CloudEventFormatError);
  });
});

describe('event catalogue', () => {
  it('every event type has a wire name of the house form and a schema', () => {
    for (const type of Object.keys(eventSchemas)) expect(parseWireName(type)).toBeDefined();
    expect(parseWireName('street.issue.reported.v1')).toEqual({
      agency: 'street',
      aggregate: 'issue',
      verb: 'reported',
      version: 1,
    });
    expect(parseWireName('Street.IssueReported')).toBeUndefined();
  });

  it('reports each schema problem with its path, and unknown types as a problem', () => {
    const problems = validateEventData('swc.case.opened.v1', {
      caseId: 'not-a-uuid',
      origin: 'street-report',
      category: 'street-vending',
      location: { street: 'X', community: 'Y', grid: 'G-0312' },
      severity: 'medium',
      openedAt: '2026-03-02T07:46:00.000Z',
      surprise: true,
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '/caseId', message: 'must match format "uuid"' },
        { path: '/surprise', message: 'is not allowed' },
      ]),
    );
    expect(validateEventData('street.unknown.happened.v9', {})).toEqual([
      { path: '', message: 'unknown event type street.unknown.happened.v9' },
    ]);
  });
});
