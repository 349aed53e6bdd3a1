import type { Agency } from './agencies.js';

/** Who caused an event: a person (by principal id) or a service account. */
export interface Actor {
  readonly id: string;
  readonly agency: Agency;
  readonly kind: 'user' | 'service';
}

/** Metadata every stored event carries, whatever its type. */
export interface EventMetadata {
  /** The coordinated case the event belongs to: Kafka key and CloudEvents `subject`. */
  readonly caseId: string;
  /** Id shared by every event that follows from one original request. */
  readonly correlationId: string;
  /** Id of the event (or request) that directly caused this one. */
  readonly causationId: string;
  readonly actor: Actor;
  /** W3C trace context of the request that produced the event, when traced. */
  readonly traceparent?: string;
}

/**
 * Tamper evidence of a stored event: the SHA-256 (hex) of its canonical form,
 * which covers `previousHash`, the hash of the event before it in its stream
 * (64 zeros for a stream's first event). See docs/security.md.
 */
export interface EventIntegrity {
  readonly previousHash: string;
  readonly hash: string;
}

/**
 * An event as it travels between services: what the store recorded plus where.
 * `position` is the store's global log position (`"<commit>/<prepare>"`), used to
 * order a case's timeline across agencies.
 */
export interface EventEnvelope<TType extends string = string, TData = unknown> {
  readonly id: string;
  readonly type: TType;
  readonly agency: Agency;
  readonly streamId: string;
  readonly revision: number;
  readonly position: string;
  /** When the event happened (ISO-8601), as decided by the command handler's clock. */
  readonly time: string;
  readonly metadata: EventMetadata;
  readonly data: TData;
  /** Present on events from a chaining store (all of Gridline's). */
  readonly integrity?: EventIntegrity;
}
