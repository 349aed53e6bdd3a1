import type { LogPosition } from './event-store.js';

/** Where a subscriber (relay, projector) remembers how far it got. */
export interface CheckpointStore {
  load(name: string): Promise<LogPosition | undefined>;
  store(name: string, position: LogPosition): Promise<void>;
}

export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, LogPosition>();

  load(name: string): Promise<LogPosition | undefined> {
    return Promise.resolve(this.positions.get(name));
  }

  store(name: string, position: LogPosition): Promise<void> {
    this.positions.set(name, position);
    return Promise.resolve();
  }
}
