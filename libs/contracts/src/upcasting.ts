/**
 * Schema evolution: an event type never changes in place. A new version gets a
 * new wire name (`….v2`) and an upcaster that turns the previous version into it;
 * readers (the store views the services use, the Kafka consumers) upcast on read,
 * so deciders, reactions and projections only ever see current versions. Old
 * events stay in the store and on Kafka exactly as they were written.
 */
export interface StoredShape {
  readonly type: string;
  readonly data: unknown;
}

export type Upcaster = (data: unknown) => StoredShape;

/** Upcasters by the type they read. None yet: every event type is at its first version. */
export const UPCASTERS: Readonly<Record<string, Upcaster>> = {};

/** Applies upcasters until the event reaches a type that has none (its current version). */
export function upcast<E extends StoredShape>(
  event: E,
  upcasters: Readonly<Record<string, Upcaster>> = UPCASTERS,
): E {
  let current: StoredShape = event;
  for (let hops = 0; Object.hasOwn(upcasters, current.type); hops++) {
    if (hops > 32) throw new Error(`upcaster loop at ${current.type}`);
    const next = upcasters[current.type]?.(current.data);
    if (!next) break;
    current = next;
  }
  return current === event ? event : { ...event, type: current.type, data: current.data };
}
