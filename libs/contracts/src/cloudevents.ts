import { agencySource, isAgency } from './agencies.js';
import type { EventEnvelope } from './envelope.js';

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

export function toBinaryCloudEvent(event: EventEnvelope): KafkaCloudEvent {
  const { metadata } = event;
  const headers: Record<string, string> = {
    ce_specversion: CE_SPEC_VERSION,
    ce_id: event.id,
    ce_type: event.type,
    ce_source: agencySource(event.agency),
    ce_subject: metadata.caseId,
    ce_time: event.time,
    'content-type': 'application/json',
    ce_correlationid: metadata.correlationId,
    ce_causationid: metadata.causationId,
    ce_streamid: event.streamId,
    ce_streamrevision: String(event.revision),
    ce_position: event.position,
    ce_actorid: metadata.actor.id,
    ce_actoragency: metadata.actor.agency,
    ce_actorkind: metadata.actor.kind,
  };
  if (metadata.traceparent) headers['traceparent'] = metadata.traceparent;
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
  if (problems.length > 0 || !isAgency(agency) || !isAgency(actorAgency))
    throw new CloudEventFormatError(problems);
  const traceparent = headers['traceparent'];
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
  };
}
