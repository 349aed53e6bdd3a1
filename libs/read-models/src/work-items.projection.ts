import type { EventEnvelope } from '@gridline/contracts';
import type { Collection } from 'mongodb';
import { isDuplicateKey } from './mongo.js';
import { foldWorkItem, workItemIds, type WorkItemDocument } from './work-items.js';
import type { PostgresWorkIndex } from './postgres-work-index.js';

/** Work documents read and written at once while a batch is applied. */
const IN_FLIGHT = 8;
/** Rounds of read, fold and guarded write before another writer is taken to be stuck. */
const ATTEMPTS = 5;

/**
 * Keeps the work documents (work-items.ts) live. Each document is read once per
 * batch by `_id`, its events folded in memory, and written with one guarded
 * write: an insert for a new document (E11000: another writer made it, read
 * again), else a replacement on the revision it was read at (no match: read
 * again). The fold skips revisions applied already, so a redelivery writes
 * nothing. Callers hand events of a stream in order (the case projection's
 * revision guard and gap repair). The documents written then go to the set's
 * work index (ADR 0007), where one exists.
 */
export class WorkItemsProjection {
  constructor(
    private readonly collection: Collection<WorkItemDocument>,
    private readonly index?: PostgresWorkIndex,
  ) {}

  async apply(events: readonly EventEnvelope[]): Promise<void> {
    const byId = new Map<string, EventEnvelope[]>();
    for (const event of events)
      for (const id of workItemIds(event)) byId.set(id, [...(byId.get(id) ?? []), event]);
    const work = [...byId];
    const written: WorkItemDocument[] = [];
    let next = 0;
    const worker = async () => {
      while (next < work.length) {
        const [id, ofId] = work[next++] as [string, EventEnvelope[]];
        const doc = await this.applyTo(id, ofId);
        if (doc) written.push(doc);
      }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, work.length) }, worker));
    if (this.index && written.length > 0) await this.index.write(written);
  }

  /** The document as written, or undefined when the events changed nothing. */
  private async applyTo(
    id: string,
    events: readonly EventEnvelope[],
  ): Promise<WorkItemDocument | undefined> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const before = await this.collection.findOne({ _id: id });
      let after = before;
      for (const event of events) after = foldWorkItem(after, id, event);
      if (!after || after === before) return undefined;
      if (!before) {
        try {
          await this.collection.insertOne(after);
          return after;
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          continue;
        }
      }
      const result = await this.collection.replaceOne(
        { _id: id, revision: before.revision },
        after,
      );
      if (result.matchedCount > 0) return after;
    }
    throw new Error(`work item ${id}: changed by another writer ${ATTEMPTS} times in a row`);
  }
}
