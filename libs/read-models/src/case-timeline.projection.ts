import {
  isEventOfType,
  REFERENCE_DATA_EVENT_TYPES,
  type Actor,
  type Agency,
  type EventEnvelope,
  type CaseArea,
} from '@gridline/contracts';
import { parsePosition, toEnvelope, type EventStore } from '@gridline/eventsourcing';
import type { Collection, Db, UpdateFilter } from 'mongodb';
import { isDuplicateKey } from './mongo.js';
import { summarize } from './summaries.js';

export interface TimelineEntry {
  readonly _id: string;
  readonly caseId: string;
  readonly agency: Agency;
  readonly type: string;
  readonly time: string;
  readonly actor: Actor;
  readonly summary: string;
  readonly causationId: string;
  readonly correlationId: string;
  readonly streamId: string;
  readonly revision: number;
  /** Global log position, split for sorting (numbers: exact below 2^53). */
  readonly position: { readonly commit: number; readonly prepare: number };
}

export interface CaseDocument {
  readonly _id: string;
  readonly caseId: string;
  readonly status: 'reported' | 'open';
  readonly category?: string;
  readonly severity?: string;
  readonly location?: CaseArea;
  readonly agencies: Agency[];
  readonly reportedAt?: string;
  readonly openedAt?: string;
  readonly lastEventAt: string;
  /** Last revision applied per source stream: keeps updates idempotent and ordered. */
  readonly streams: Record<string, number>;
}

export interface ReadModelCollections {
  readonly cases: Collection<CaseDocument>;
  readonly timeline: Collection<TimelineEntry>;
}

export function readModelCollections(db: Db, suffix = ''): ReadModelCollections {
  return {
    cases: db.collection<CaseDocument>(`cases${suffix}`),
    timeline: db.collection<TimelineEntry>(`timeline${suffix}`),
  };
}

export async function ensureReadModelIndexes(collections: ReadModelCollections): Promise<void> {
  await collections.timeline.createIndex({
    caseId: 1,
    'position.commit': 1,
    'position.prepare': 1,
  });
  await collections.cases.createIndex({ lastEventAt: -1 });
}

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

/**
 * Projects every agency's events into one document per case and one timeline
 * entry per event. Each case remembers the last revision it applied per source
 * stream: a duplicate is skipped, and a gap (an event that overtook an earlier
 * one of its stream) is filled from the event store before going on.
 */
export class CaseTimelineProjection {
  constructor(
    private readonly collections: ReadModelCollections,
    private readonly store?: Pick<EventStore, 'readStream'>,
  ) {}

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
    if (!this.store) throw new ProjectionGapError(event.streamId, last + 1, event.revision);
    const missing = await this.store.readStream(event.streamId, {
      fromRevision: last + 1,
      maxCount: event.revision - last - 1,
    });
    if (missing.length !== event.revision - last - 1)
      throw new ProjectionGapError(event.streamId, last + 1, event.revision);
    for (const recorded of missing) await this.applyInOrder(toEnvelope(recorded));
  }

  private async applyInOrder(event: EventEnvelope): Promise<void> {
    const caseId = event.metadata.caseId;
    const position = parsePosition(event.position);
    const sortable = { commit: Number(position.commit), prepare: Number(position.prepare) };
    await this.collections.timeline.updateOne(
      { _id: event.id },
      {
        $setOnInsert: {
          caseId,
          agency: event.agency,
          type: event.type,
          time: event.time,
          actor: event.metadata.actor,
          summary: summarize(event),
          causationId: event.metadata.causationId,
          correlationId: event.metadata.correlationId,
          streamId: event.streamId,
          revision: event.revision,
          position: sortable,
        },
      },
      { upsert: true },
    );
    const streamKey = `streams.${event.streamId}`;
    const fields = caseFields(event);
    const update: UpdateFilter<CaseDocument> = {
      $set: { [streamKey]: event.revision, ...fields },
      // Agencies' topics interleave freely: keep the latest time, whatever the arrival order.
      $max: { lastEventAt: event.time },
      $addToSet: { agencies: event.agency },
      // A case first seen through an event that sets no status starts as reported.
      $setOnInsert: { caseId, ...(fields.status ? {} : { status: 'reported' as const }) },
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

function caseFields(event: EventEnvelope): Partial<CaseDocument> {
  if (isEventOfType(event, 'street.issue.reported.v1')) {
    const { street, community, grid } = event.data.location;
    return {
      category: event.data.category,
      severity: event.data.severity,
      location: { street, community, grid },
      reportedAt: event.data.reportedAt,
    };
  }
  if (isEventOfType(event, 'swc.case.opened.v1'))
    return {
      status: 'open',
      category: event.data.category,
      severity: event.data.severity,
      location: event.data.location,
      openedAt: event.data.openedAt,
    };
  return {};
}
