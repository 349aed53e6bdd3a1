import type { Agency } from '@gridline/contracts';
import type {
  CaseDocument,
  ReadModelCollections,
  TimelineEntry,
} from './case-timeline.projection.js';

export type CaseView = Omit<CaseDocument, '_id' | 'streams'>;
export type TimelineView = Omit<TimelineEntry, '_id'> & { readonly eventId: string };

export class CaseQueries {
  constructor(private readonly collections: ReadModelCollections) {}

  async getCase(caseId: string): Promise<CaseView | undefined> {
    const doc = await this.collections.cases.findOne(
      { _id: caseId },
      { projection: { _id: 0, streams: 0 } },
    );
    return doc ?? undefined;
  }

  /** The case's entries from every agency in global log order. */
  async getTimeline(caseId: string): Promise<TimelineView[]> {
    const entries = await this.collections.timeline
      .find({ caseId })
      .sort({ 'position.commit': 1, 'position.prepare': 1 })
      .toArray();
    return entries.map(({ _id, ...entry }) => ({ eventId: _id, ...entry }));
  }

  async agenciesOf(caseId: string): Promise<readonly Agency[] | undefined> {
    const doc = await this.collections.cases.findOne(
      { _id: caseId },
      { projection: { agencies: 1 } },
    );
    return doc?.agencies;
  }
}
