import { agencySource, isAgency } from './agencies.js';
import type { EventEnvelope, EventIntegrity } from './envelope.js';
import { DEFAULT_SCHEMA_BASE_URL, dataSchemaUri } from './published-schemas.js';

/**
 * CloudEvents 1.0 Kafka protocol binding, binary content mode: attributes travel
 * as `ce_`-prefixed headers, the event data is the message value, the key is the
 * case id (per-case ordering). Extension attribute names are lower-case
 * alphanumerics, as the spec requires.
 */
export interface KafkaCloudEvent {
  readonly key: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly value: string;
}

export const CE_SPEC_VERSION = '1.0';

/**
 * `schemaBaseUrl` is where the gateway serves event schemas (`SCHEMA_BASE_URL`):
 * `ce_dataschema` is the address of this event type's schema there.
 */
export function toBinaryCloudEvent(
  event: EventEnvelope,
  schemaBaseUrl = DEFAULT_SCHEMA_BASE_URL,
): KafkaCloudEvent {
  const { metadata } = event;
  const headers: Record<string, string> = {
    ce_specversion: CE_SPEC_VERSION,
    ce_id: event.id,
    ce_type: event.type,
    ce_source: agencySource(event.agency),
    ce_subject: metadata.caseId,
    ce_time: event.time,
    'content-type': 'application/json',
    ce_dataschema: dataSchemaUri(event.type, schemaBaseUrl),
    ce_correlationid: metadata.correlationId,
    ce_causationid: metadata.causationId,
    ce_streamid: event.streamId,
    ce_streamrevision: String(event.revision),
    ce_position: event.position,
    ce_actorid: metadata.actor.id,
    ce_actoragency: metadata.actor.agency,
    ce_actorkind: metadata.actor.kind,
  };
  // The Distributed Tracing extension: where the event was made. A transport's own
  // `traceparent` header (the kafkajs instrumentation's) is another thing.
  if (metadata.traceparent) headers['ce_traceparent'] = metadata.traceparent;
  if (event.integrity) {
    headers['ce_previoushash'] = event.integrity.previousHash;
    headers['ce_hash'] = event.integrity.hash;
  }
  return { key: metadata.caseId, headers, value: JSON.stringify(event.data) };
}

export class CloudEventFormatError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`not a valid Gridline CloudEvent: ${problems.join('; ')}`);
    this.name = 'CloudEventFormatError';
  }
}

const SOURCE = /^\/gridline\/([a-z]+)$/;

/**
 * Reads a binary-mode CloudEvent back into an envelope. Throws
 * CloudEventFormatError naming every missing or malformed attribute; schema
 * validation of `data` is the caller's next step.
 */
export function fromBinaryCloudEvent(
  headers: Readonly<Record<string, string | undefined>>,
  value: string,
): EventEnvelope {
  const problems: string[] = [];
  const need = (name: string): string => {
    const v = headers[name];
    if (v === undefined || v === '') problems.push(`missing header ${name}`);
    return v ?? '';
  };
  const specVersion = need('ce_specversion');
  if (specVersion && specVersion !== CE_SPEC_VERSION)
    problems.push(`unsupported ce_specversion ${specVersion}`);
  const source = need('ce_source');
  const agency = SOURCE.exec(source)?.[1];
  if (source && !isAgency(agency)) problems.push(`unknown ce_source ${source}`);
  const actorAgency = need('ce_actoragency');
  if (actorAgency && !isAgency(actorAgency)) problems.push(`unknown ce_actoragency ${actorAgency}`);
  const actorKind = need('ce_actorkind');
  if (actorKind && actorKind !== 'user' && actorKind !== 'service')
    problems.push(`unknown ce_actorkind ${actorKind}`);
  const revisionText = need('ce_streamrevision');
  const revision = Number(revisionText);
  if (revisionText && (!Number.isSafeInteger(revision) || revision < 0))
    problems.push(`ce_streamrevision ${revisionText} is not a revision`);
  const time = need('ce_time');
  if (time && Number.isNaN(Date.parse(time))) problems.push(`ce_time ${time} is not a time`);
  const dataschema = headers['ce_dataschema'];
  if (dataschema !== undefined && !URL.canParse(dataschema))
    problems.push(`ce_dataschema ${dataschema} is not an absolute URI`);
  const contentType = headers['content-type'];
  if (contentType !== undefined && !contentType.startsWith('application/json'))
    problems.push(`unsupported content-type ${contentType}`);
  const fields = {
    id: need('ce_id'),
    type: need('ce_type'),
    caseId: need('ce_subject'),
    correlationId: need('ce_correlationid'),
    causationId: need('ce_causationid'),
    streamId: need('ce_streamid'),
    position: need('ce_position'),
    actorId: need('ce_actorid'),
  };
  let data: unknown;
  try {
    data = JSON.parse(value);
  } catch (error) {
    problems.push(`data is not JSON: ${(error as Error).message}`);
  }
  const integrity = integrityOf(headers['ce_previoushash'], headers['ce_hash'], problems);
  if (problems.length > 0 || !isAgency(agency) || !isAgency(actorAgency))
    throw new CloudEventFormatError(problems);
  const traceparent = headers['ce_traceparent'];
  return {
    id: fields.id,
    type: fields.type,
    agency,
    streamId: fields.streamId,
    revision,
    position: fields.position,
    time,
    metadata: {
      caseId: fields.caseId,
      correlationId: fields.correlationId,
      causationId: fields.causationId,
      actor: { id: fields.actorId, agency: actorAgency, kind: actorKind as 'user' | 'service' },
      ...(traceparent ? { traceparent } : {}),
    },
    data,
    ...(integrity ? { integrity } : {}),
  };
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Both hashes or neither; anything else is a malformed event. */
function integrityOf(
  previousHash: string | undefined,
  hash: string | undefined,
  problems: string[],
): EventIntegrity | undefined {
  if (previousHash === undefined && hash === undefined) return undefined;
  if (!previousHash || !hash || !SHA256_HEX.test(previousHash) || !SHA256_HEX.test(hash)) {
    problems.push('previoushash and hash must both be SHA-256 hex digests');
    return undefined;
  }
  return { previousHash, hash };
}

/**
 * CloudEvents 1.0 JSON event format (structured mode): attributes and data in one
 * JSON object, one per line in NDJSON exports. Extension attributes carry what the
 * store needs to put the event back exactly where it was (stream, revision) and
 * its metadata; `position` is informative (the exporting store's log position).
 */
export interface StructuredCloudEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: unknown;
  readonly streamid: string;
  readonly streamrevision: number;
  readonly position: string;
  readonly correlationid: string;
  readonly causationid: string;
  readonly actorid: string;
  readonly actoragency: string;
  readonly actorkind: 'user' | 'service';
  readonly traceparent?: string;
  readonly previoushash?: string;
  readonly hash?: string;
  /**
   * Space-separated key ids of sealed values in `data` whose data subject was
   * erased when the export was made: those values can never be opened again. Not
   * part of the event (nor of its hash); ignored on import.
   */
  readonly erasedkeys?: string;
}

export function toStructuredCloudEvent(event: EventEnvelope): StructuredCloudEvent {
  const { metadata } = event;
  return {
    specversion: CE_SPEC_VERSION,
    id: event.id,
    type: event.type,
    source: agencySource(event.agency),
    subject: metadata.caseId,
    time: event.time,
    datacontenttype: 'application/json',
    data: event.data,
    streamid: event.streamId,
    streamrevision: event.revision,
    position: event.position,
    correlationid: metadata.correlationId,
    causationid: metadata.causationId,
    actorid: metadata.actor.id,
    actoragency: metadata.actor.agency,
    actorkind: metadata.actor.kind,
    ...(metadata.traceparent ? { traceparent: metadata.traceparent } : {}),
    ...(event.integrity
      ? { previoushash: event.integrity.previousHash, hash: event.integrity.hash }
      : {}),
  };
}

const STRUCTURED_ATTRIBUTES = new Set([
  'specversion',
  'id',
  'type',
  'source',
  'subject',
  'time',
  'datacontenttype',
  'data',
  'streamid',
  'streamrevision',
  'position',
  'correlationid',
  'causationid',
  'actorid',
  'actoragency',
  'actorkind',
  'traceparent',
  'previoushash',
  'hash',
  'erasedkeys',
]);

/**
 * Reads a structured-mode CloudEvent (already parsed from JSON) back into an
 * envelope. Throws CloudEventFormatError naming every problem; schema validation
 * of `data` is the caller's next step.
 */
export function fromStructuredCloudEvent(value: unknown): EventEnvelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CloudEventFormatError(['not a JSON object']);
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  const text = (name: string, required = true): string => {
    const v = record[name];
    if (v === undefined || v === '') {
      if (required) problems.push(`missing attribute ${name}`);
      return '';
    }
    if (typeof v !== 'string') {
      problems.push(`attribute ${name} is not a string`);
      return '';
    }
    return v;
  };
  for (const name of Object.keys(record))
    if (!STRUCTURED_ATTRIBUTES.has(name)) problems.push(`unknown attribute ${name}`);
  const specVersion = text('specversion');
  if (specVersion && specVersion !== CE_SPEC_VERSION)
    problems.push(`unsupported specversion ${specVersion}`);
  const source = text('source');
  const agency = SOURCE.exec(source)?.[1];
  if (source && !isAgency(agency)) problems.push(`unknown source ${source}`);
  const actorAgency = text('actoragency');
  if (actorAgency && !isAgency(actorAgency)) problems.push(`unknown actoragency ${actorAgency}`);
  const actorKind = text('actorkind');
  if (actorKind && actorKind !== 'user' && actorKind !== 'service')
    problems.push(`unknown actorkind ${actorKind}`);
  const revision = record['streamrevision'];
  if (revision === undefined) problems.push('missing attribute streamrevision');
  else if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0)
    problems.push(`streamrevision ${JSON.stringify(revision)} is not a revision`);
  const time = text('time');
  if (time && Number.isNaN(Date.parse(time))) problems.push(`time ${time} is not a time`);
  const contentType = text('datacontenttype', false);
  if (contentType && !contentType.startsWith('application/json'))
    problems.push(`unsupported datacontenttype ${contentType}`);
  if (!('data' in record)) problems.push('missing attribute data');
  const fields = {
    id: text('id'),
    type: text('type'),
    caseId: text('subject'),
    correlationId: text('correlationid'),
    causationId: text('causationid'),
    streamId: text('streamid'),
    position: text('position', false),
    actorId: text('actorid'),
    traceparent: text('traceparent', false),
  };
  const integrity = integrityOf(
    record['previoushash'] === undefined ? undefined : text('previoushash'),
    record['hash'] === undefined ? undefined : text('hash'),
    problems,
  );
  if (problems.length > 0 || !isAgency(agency) || !isAgency(actorAgency))
    throw new CloudEventFormatError(problems);
  return {
    id: fields.id,
    type: fields.type,
    agency,
    streamId: fields.streamId,
    revision: revision as number,
    position: fields.position,
    time,
    metadata: {
      caseId: fields.caseId,
      correlationId: fields.correlationId,
      causationId: fields.causationId,
      actor: { id: fields.actorId, agency: actorAgency, kind: actorKind as 'user' | 'service' },
      ...(fields.traceparent ? { traceparent: fields.traceparent } : {}),
    },
    data: record['data'],
    ...(integrity ? { integrity } : {}),
  };
}
