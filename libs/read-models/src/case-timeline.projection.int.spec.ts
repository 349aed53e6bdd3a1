import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '@gridline/contracts';
import { InMemoryEventStore, toEnvelope, type NewEvent } from '@gridline/eventsourcing';
import { testInfra } from '@gridline/testing';
import { CaseTimelineProjection, ProjectionGapError } from './case-timeline.projection.js';
import {
  dropReadModelCollections,
  ensureReadModelIndexes,
  readModelCollections,
  type ReadModelCollections,
} from './collections.js';
import { openMongo, type MongoHandle } from './mongo.js';
import { CaseQueries } from './queries.js';

let mongo: MongoHandle;
let collections: ReadModelCollections;
let store: InMemoryEventStore;
let suffix: string;

const location = { street: 'Xinjiekou', community: 'Zhaodengyu', grid: 'G-0312' };

function meta(caseId: string, agency: 'street' | 'swc', causationId = caseId): EventMetadata {
  return {
    caseId,
    correlationId: caseId,
    causationId,
    actor: { id: `${agency}-actor`, agency, kind: agency === 'swc' ? 'service' : 'user' },
  };
}

function reported(caseId: string): NewEvent {
  return {
    id: randomUUID(),
    type: 'street.issue.reported.v1',
    metadata: meta(caseId, 'street'),
    occurredAt: '2026-03-02T07:45:00.000Z',
    data: {
      issueId: randomUUID(),
      caseId,
      source: 'grid-worker',
      category: 'street-vending',
      location: { ...location, description: 'school gate' },
      description: 'vending',
      severity: 'medium',
      reportedBy: 'worker-17',
      reportedAt: '2026-03-02T07:45:00.000Z',
    },
  };
}

function opened(caseId: string, cause: string): NewEvent {
  return {
    id: randomUUID(),
    type: 'swc.case.opened.v1',
    metadata: meta(caseId, 'swc', cause),
    occurredAt: '2026-03-02T07:46:00.000Z',
    data: {
      caseId,
      origin: 'street-report',
      originEventId: cause,
      category: 'street-vending',
      location,
      severity: 'medium',
      openedAt: '2026-03-02T07:46:00.000Z',
    },
  };
}

/** SWC's triage moves the case to another category than the report's. */
function triaged(caseId: string): NewEvent {
  return {
    id: randomUUID(),
    type: 'swc.case.triaged.v1',
    metadata: meta(caseId, 'swc'),
    occurredAt: '2026-03-02T07:50:00.000Z',
    data: {
      caseId,
      riskLevel: 'blue',
      category: 'waste-management',
      leadAgency: 'street',
      coHandlers: [],
      triagedBy: 'coord-1',
      triagedAt: '2026-03-02T07:50:00.000Z',
    },
  };
}

beforeAll(async () => {
  mongo = await openMongo(testInfra().mongoUrl);
  // A collection suffix per run keeps runs apart on a shared test database.
  suffix = `_test_${randomUUID().slice(0, 8)}`;
  collections = readModelCollections(mongo.db, suffix);
  await ensureReadModelIndexes(collections);
  store = new InMemoryEventStore();
});

afterAll(async () => {
  await dropReadModelCollections(mongo.db, suffix);
  await mongo.close();
});

describe('CaseTimelineProjection on the MongoDB wire protocol (FerretDB)', () => {
  it('builds the case and its cross-agency timeline; a redelivery changes nothing', async () => {
    const caseId = randomUUID();
    const report = reported(caseId);
    const [r] = (await store.appendToStream(`street-issue-${caseId}`, [report])).events;
    const [o] = (await store.appendToStream(`swc-case-${caseId}`, [opened(caseId, report.id)]))
      .events;
    const projection = new CaseTimelineProjection(collections, store);

    // The SWC event arrives first (another topic); order still comes from the log.
    expect(await projection.apply(toEnvelope(o!))).toBe('applied');
    expect(await projection.apply(toEnvelope(r!))).toBe('applied');
    expect(await projection.apply(toEnvelope(r!))).toBe('duplicate');
    expect(await projection.apply(toEnvelope(o!))).toBe('duplicate');

    const queries = new CaseQueries(collections);
    const timeline = await queries.getTimeline(caseId);
    expect(timeline.map((e) => e.type)).toEqual(['street.issue.reported.v1', 'swc.case.opened.v1']);
    expect(timeline[1]).toMatchObject({ agency: 'swc', causationId: report.id });
    expect(timeline[0]?.summary).toBe(
      'Issue reported by a grid worker in grid G-0312 (Xinjiekou): street-vending, severity medium',
    );
    expect(await queries.getCase(caseId)).toMatchObject({
      caseId,
      status: 'open',
      agencies: expect.arrayContaining(['street', 'swc']) as unknown,
      category: 'street-vending',
      lastEventAt: '2026-03-02T07:46:00.000Z',
    });
    expect(await collections.timeline.countDocuments({ caseId })).toBe(2);
  });

  it("a report projected after SWC's opening and triage leaves SWC's category (one by one and in a batch)", async () => {
    const projection = new CaseTimelineProjection(collections, store);
    for (const mode of ['apply', 'applyBatch'] as const) {
      const caseId = randomUUID();
      const report = reported(caseId);
      const [r] = (await store.appendToStream(`street-issue-${caseId}`, [report])).events;
      const swc = (
        await store.appendToStream(`swc-case-${caseId}`, [
          opened(caseId, report.id),
          triaged(caseId),
        ])
      ).events.map(toEnvelope);
      // SWC's topic projected first, the street's report after it (as a replay may).
      const arrival = [...swc, toEnvelope(r!)];
      if (mode === 'apply') for (const event of arrival) await projection.apply(event);
      else await projection.applyBatch(arrival);
      expect({ mode, case: await collections.cases.findOne({ _id: caseId }) }).toMatchObject({
        mode,
        case: {
          category: 'waste-management',
          severity: 'medium',
          location,
          reportedAt: '2026-03-02T07:45:00.000Z',
        },
      });
    }
  });

  it("a report whose projector read the case before another projector opened and triaged it keeps SWC's category (one by one and in a batch)", async () => {
    for (const mode of ['apply', 'applyBatch'] as const) {
      const caseId = randomUUID();
      const report = reported(caseId);
      const [r] = (await store.appendToStream(`street-issue-${caseId}`, [report])).events;
      const swc = (
        await store.appendToStream(`swc-case-${caseId}`, [
          opened(caseId, report.id),
          triaged(caseId),
        ])
      ).events.map(toEnvelope);
      // The case is known already (first seen through another of its events), not
      // yet opened: a read that finds nothing would make A insert, which fails safely.
      await collections.cases.insertOne({
        _id: caseId,
        caseId,
        status: 'reported',
        agencies: ['street'],
        lastEventAt: '2026-03-02T07:40:00.000Z',
        streams: {},
      });
      // Projector B (SWC's partitions) writes the opening and triage right after
      // projector A (the street's) has read the case, before A writes the report.
      const projectorB = new CaseTimelineProjection(collections, store);
      let interleaved = false;
      const cases = new Proxy(collections.cases, {
        get(target, property, receiver) {
          if (property !== 'findOne') return Reflect.get(target, property, receiver) as unknown;
          return async (...args: Parameters<typeof target.findOne>) => {
            const found = await target.findOne(...args);
            if (!interleaved) {
              interleaved = true;
              await projectorB.applyBatch(swc);
            }
            return found;
          };
        },
      });
      const projectorA = new CaseTimelineProjection({ ...collections, cases }, store);
      if (mode === 'apply') await projectorA.apply(toEnvelope(r!));
      else await projectorA.applyBatch([toEnvelope(r!)]);
      expect(interleaved).toBe(true);
      expect({ mode, case: await collections.cases.findOne({ _id: caseId }) }).toMatchObject({
        mode,
        case: {
          category: 'waste-management',
          reportedAt: '2026-03-02T07:45:00.000Z',
          streams: { [`street-issue-${caseId}`]: 0, [`swc-case-${caseId}`]: 1 },
        },
      });
    }
  });

  it("a batch holding every case of a shared stream (a subject's 721 steps) writes them in bulk, none event by event", async () => {
    const subjectId = randomUUID();
    const shared = `street-enforcement-${subjectId}-littering`;
    const caseIds = [randomUUID(), randomUUID(), randomUUID()];
    const batch = [];
    for (const caseId of caseIds) {
      const [report] = (await store.appendToStream(`street-issue-${caseId}`, [reported(caseId)]))
        .events;
      const [reminder] = (
        await store.appendToStream(shared, [
          {
            id: randomUUID(),
            type: 'street.enforcement.reminder-issued.v1',
            metadata: meta(caseId, 'street'),
            occurredAt: '2026-03-03T08:00:00.000Z',
            data: {
              stepId: randomUUID(),
              subjectId,
              category: 'littering',
              caseId,
              place: { ...location, description: 'market gate' },
              explanation: 'Bins must be closed',
              issuedBy: { id: 'worker-17', agency: 'street' },
              issuedAt: '2026-03-03T08:00:00.000Z',
            },
          },
        ])
      ).events;
      batch.push(toEnvelope(report!), toEnvelope(reminder!));
    }
    // Writes per collection and method: the per-event path inserts timeline
    // entries one at a time and upserts cases; the batch path does neither.
    const writes = new Map<string, number>();
    const counted = Object.fromEntries(
      Object.entries(collections).map(([name, collection]) => [
        name,
        new Proxy(collection as object, {
          get(target, property, receiver) {
            const value = Reflect.get(target, property, receiver) as unknown;
            if (typeof value !== 'function') return value;
            return (...args: unknown[]) => {
              const key = `${name}.${String(property)}`;
              writes.set(key, (writes.get(key) ?? 0) + 1);
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
          },
        }),
      ]),
    ) as unknown as ReadModelCollections;
    const result = await new CaseTimelineProjection(counted, store).applyBatch(batch);
    expect(result.applied).toBe(6);
    expect(writes.get('timeline.insertOne')).toBeUndefined();
    expect(writes.get('cases.updateOne')).toBeUndefined();
    for (const [revision, caseId] of caseIds.entries()) {
      expect(await collections.cases.findOne({ _id: caseId })).toMatchObject({
        streams: { [shared]: revision, [`street-issue-${caseId}`]: 0 },
      });
      expect(await collections.timeline.countDocuments({ caseId })).toBe(2);
    }
  });

  it('fills a gap in a stream from the event store before applying the later event', async () => {
    const caseId = randomUUID();
    const stream = `street-issue-${caseId}`;
    const first = reported(caseId);
    await store.appendToStream(stream, [first]);
    const later = reported(caseId);
    const third = reported(caseId);
    const appended = await store.appendToStream(stream, [later, third]);
    const projection = new CaseTimelineProjection(collections, store);

    // Revision 2 arrives while revisions 0 and 1 never did.
    await projection.apply(toEnvelope(appended.events[1]!));
    const timeline = await new CaseQueries(collections).getTimeline(caseId);
    expect(timeline.map((e) => e.revision)).toEqual([0, 1, 2]);
  });

  it('refuses to skip a gap it cannot fill', async () => {
    const caseId = randomUUID();
    const stream = `street-issue-${caseId}`;
    const appended = await store.appendToStream(stream, [reported(caseId), reported(caseId)]);
    const blind = new CaseTimelineProjection(collections);
    await expect(blind.apply(toEnvelope(appended.events[1]!))).rejects.toBeInstanceOf(
      ProjectionGapError,
    );
    expect(await collections.timeline.countDocuments({ caseId })).toBe(0);
  });

  it('leaves reference data (discretion standards) out of the case read models', async () => {
    const standardKey = randomUUID();
    const [published] = (
      await store.appendToStream(`street-discretion-${standardKey}`, [
        {
          id: randomUUID(),
          type: 'street.discretion.standard-published.v1',
          metadata: meta(standardKey, 'street'),
          occurredAt: '2026-03-01T00:00:00.000Z',
          data: {},
        },
      ])
    ).events;
    const projection = new CaseTimelineProjection(collections, store);
    expect(await projection.apply(toEnvelope(published!))).toBe('not-a-case');
    expect(await collections.cases.countDocuments({ _id: standardKey })).toBe(0);
  });

  it('leaves the enforcement credential registry out of the case read models, alone and in a batch', async () => {
    const registry = randomUUID();
    const officer = `officer-${randomUUID().slice(0, 8)}`;
    const grant = {
      officerId: officer,
      credentialNumber: `ZF-${officer}`,
      issuingBody: 'Xicheng District Urban Management Bureau',
      validFrom: '2026-01-01T00:00:00.000Z',
      validTo: '2027-01-01T00:00:00.000Z',
      grantedBy: 'street-admin-1',
      grantedAt: '2026-01-01T00:00:00.000Z',
    };
    const { events } = await store.appendToStream(`street-credential-${officer}`, [
      {
        id: randomUUID(),
        type: 'street.credential.granted.v1',
        metadata: meta(registry, 'street'),
        occurredAt: '2026-01-01T00:00:00.000Z',
        data: grant,
      },
      {
        id: randomUUID(),
        type: 'street.credential.withdrawn.v1',
        metadata: meta(registry, 'street'),
        occurredAt: '2026-02-01T00:00:00.000Z',
        data: {
          officerId: officer,
          credentialNumber: grant.credentialNumber,
          reason: 'transferred',
          withdrawnBy: 'street-admin-1',
          withdrawnAt: '2026-02-01T00:00:00.000Z',
        },
      },
    ]);
    const projection = new CaseTimelineProjection(collections, store);
    expect(await projection.apply(toEnvelope(events[1]!))).toBe('not-a-case');
    const caseId = randomUUID();
    const [report] = (await store.appendToStream(`street-issue-${caseId}`, [reported(caseId)]))
      .events;
    const result = await projection.applyBatch([...events.map(toEnvelope), toEnvelope(report!)]);
    expect(result.applied).toBe(1);
    expect(result.entries.map((e) => e.caseId)).toEqual([caseId]);
    expect(await collections.cases.countDocuments({ _id: registry })).toBe(0);
    expect(await collections.timeline.countDocuments({ caseId: registry })).toBe(0);
  });
});
