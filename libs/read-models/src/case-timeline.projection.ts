import { REFERENCE_DATA_EVENT_TYPES, type EventEnvelope } from '@gridline/contracts';
import { parsePosition, toEnvelope, type EventStore } from '@gridline/eventsourcing';
import type { UpdateFilter } from 'mongodb';
import { caseChange } from './case-document.js';
import type { CaseDocument, ReadModelCollections, TimelineEntry } from './collections.js';
import { isDuplicateKey } from './mongo.js';
import { applyStatIncrement, EnforcementProjection } from './statistics.projection.js';
import { summarize } from './summaries.js';

export class ProjectionGapError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: number,
    readonly received: number,
  ) {
    super(`stream ${streamId}: expected revision ${expected}, received ${received}`);
    this.name = 'ProjectionGapError';
  }
}

/** The timeline entry of one event. */
export function timelineEntry(event: EventEnvelope): TimelineEntry {
  const position = parsePosition(event.position);
  return {
    _id: event.id,
    caseId: event.metadata.caseId,
    agency: event.agency,
    type: event.type,
    time: event.time,
    actor: event.metadata.actor,
    summary: summarize(event),
    causationId: event.metadata.causationId,
    correlationId: event.metadata.correlationId,
    streamId: event.streamId,
    revision: event.revision,
    // Split for sorting (numbers: exact below 2^53).
    position: { commit: Number(position.commit), prepare: Number(position.prepare) },
    projectedAt: Date.now(),
  };
}

/**
 * The events of `event`'s stream after revision `last` and before `event`, read
 * from the store to fill a gap; all of them, or a ProjectionGapError.
 */
export async function eventsBefore(
  store: Pick<EventStore, 'readStream'> | undefined,
  event: EventEnvelope,
  last: number,
): Promise<EventEnvelope[]> {
  if (!store) throw new ProjectionGapError(event.streamId, last + 1, event.revision);
  const missing = await store.readStream(event.streamId, {
    fromRevision: last + 1,
    maxCount: event.revision - last - 1,
  });
  if (missing.length !== event.revision - last - 1)
    throw new ProjectionGapError(event.streamId, last + 1, event.revision);
  return missing.map(toEnvelope);
}

/**
 * Projects every agency's events into one document per case and one timeline
 * entry per event. Each case remembers the last revision it applied per source
 * stream: a duplicate is skipped, and a gap (an event that overtook an earlier
 * one of its stream) is filled from the event store before going on.
 */
export class CaseTimelineProjection {
  private readonly enforcement: EnforcementProjection;

  constructor(
    private readonly collections: ReadModelCollections,
    private readonly store?: Pick<EventStore, 'readStream'>,
  ) {
    this.enforcement = new EnforcementProjection(collections);
  }

  async apply(event: EventEnvelope): Promise<'applied' | 'duplicate' | 'not-a-case'> {
    if (REFERENCE_DATA_EVENT_TYPES.has(event.type)) return 'not-a-case';
    const caseId = event.metadata.caseId;
    const current = await this.collections.cases.findOne(
      { _id: caseId },
      { projection: { [`streams.${event.streamId}`]: 1 } },
    );
    const last = current?.streams?.[event.streamId] ?? -1;
    if (event.revision <= last) return 'duplicate';
    if (event.revision > last + 1) await this.repairGap(event, last);
    await this.applyInOrder(event);
    return 'applied';
  }

  private async repairGap(event: EventEnvelope, last: number): Promise<void> {
    for (const missing of await eventsBefore(this.store, event, last))
      await this.applyInOrder(missing);
  }

  /**
   * Writes one event everywhere it goes. Every write is idempotent on its own
   * (timeline by event id, statistics by marker, case by revision guard) and the
   * case document's revision is written last: a crash part-way leaves the
   * revision unapplied, the redelivery redoes the rest and changes nothing twice.
   */
  private async applyInOrder(event: EventEnvelope): Promise<void> {
    const caseId = event.metadata.caseId;
    // An insert that may find its entry already there (a redelivery): E11000 means
    // done. Not an upsert: on FerretDB an upsert that finds nothing scans the whole
    // collection (docs/benchmarks.md), an insert does not.
    try {
      await this.collections.timeline.insertOne(timelineEntry(event));
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const before = await this.collections.cases.findOne({ _id: caseId });
    const change = caseChange(before, event);
    for (const stat of change.stats) await applyStatIncrement(this.collections, stat);
    await this.enforcement.apply(event);

    const streamKey = `streams.${event.streamId}`;
    const update: UpdateFilter<CaseDocument> = {
      $set: { [streamKey]: event.revision, ...change.set },
      // Agencies' topics interleave freely: keep the latest time, whatever the arrival order.
      $max: { lastEventAt: event.time },
      $addToSet: { agencies: { $each: [event.agency, ...(change.addAgencies ?? [])] } },
      ...(change.inc ? { $inc: change.inc } : {}),
      // A case first seen through an event that sets no status starts as reported.
      $setOnInsert: { caseId, ...(change.set['status'] ? {} : { status: 'reported' as const }) },
    };
    try {
      await this.collections.cases.updateOne(
        {
          _id: caseId,
          $or: [{ [streamKey]: { $exists: false } }, { [streamKey]: { $lt: event.revision } }],
        },
        update,
        { upsert: true },
      );
    } catch (error) {
      // The guard did not match an existing case: this revision was applied already.
      if (!isDuplicateKey(error)) throw error;
    }
  }
}
