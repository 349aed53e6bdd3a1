/** The three kinds of agency that run their own service (see docs/domain.md). */
export const AGENCIES = ['swc', 'drc', 'street'] as const;
export type Agency = (typeof AGENCIES)[number];

export function isAgency(value: unknown): value is Agency {
  return typeof value === 'string' && (AGENCIES as readonly string[]).includes(value);
}

/** Kafka topic on which an agency publishes its domain events. */
export function agencyEventsTopic(agency: Agency): string {
  return `gridline.${agency}.events.v1`;
}

/**
 * The projector announces here every timeline entry it has written to the live
 * read models, once written; gateways push them to their live feeds
 * (GET /api/stream) instead of asking the database over and over. Short-lived:
 * a feed that resumes from further back reads the timeline itself.
 */
export const TIMELINE_FEED_TOPIC = 'gridline.read-models.timeline';

/** Notices are kept this long (a feed is live or it reads the database). */
export const TIMELINE_FEED_RETENTION_MS = 60 * 60 * 1000;

/** Dead-letter topic for messages a consumer of `topic` could not process. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** CloudEvents `source` attribute of an agency's events. */
export function agencySource(agency: Agency): string {
  return `/gridline/${agency}`;
}

/** Every stream an agency owns starts with this prefix (`street-issue-…`). */
export function agencyStreamPrefix(agency: Agency): string {
  return `${agency}-`;
}

/** The agency owning a stream, from its prefix; undefined for foreign names. */
export function agencyOfStream(streamId: string): Agency | undefined {
  const prefix = streamId.split('-', 1)[0];
  return isAgency(prefix) ? prefix : undefined;
}
