import { upcast, UPCASTERS, type Upcaster } from '@gridline/contracts';
import type { EventStore } from './event-store.js';

/**
 * The same store, upcasting every event it reads to its current version
 * (see UPCASTERS in the contracts). Appends pass through untouched.
 */
export function upcastingStore<S extends EventStore>(
  store: S,
  upcasters: Readonly<Record<string, Upcaster>> = UPCASTERS,
): S {
  const reads = new Set<PropertyKey>(['readStream', 'readAll', 'readCase']);
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (!reads.has(property) || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const events = (await (value as (...a: unknown[]) => Promise<unknown>).apply(
          target,
          args,
        )) as readonly { type: string; data: unknown }[];
        return events.map((event) => upcast(event, upcasters));
      };
    },
  });
}
