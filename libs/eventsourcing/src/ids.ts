import { createHash, randomUUID } from 'node:crypto';

/** Injected into handlers so tests and replays can fix time. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** Injected into handlers so tests can fix ids. */
export interface IdGenerator {
  newId(): string;
}
export const randomIds: IdGenerator = { newId: () => randomUUID() };

const NAMESPACE = Buffer.from('6f1c9e1e4b6a4d3f9a1e2c7d5b8f0a11', 'hex');

/**
 * A name-based UUID (RFC 9562 version 5, SHA-1): the same name always gives the
 * same id. Reactions derive their event ids from the triggering event's id, so
 * a redelivered trigger appends nothing new.
 */
export function deterministicId(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
