import { InMemoryEventStore, randomIds, type EventStore } from '@gridline/eventsourcing';
import { CaseCommandHandler, ExecuteCaseCommand } from './case-command.handler.js';
import type { CaseCommand } from './case.decider.js';
import { DEFAULT_SLA } from './sla.js';

const caseId = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const report = '11111111-2222-4333-8444-555555555555';
const at = new Date('2026-03-02T08:00:00.000Z');
const metadata = (causationId: string) => ({
  caseId,
  correlationId: caseId,
  causationId,
  actor: { id: 'swc-service', agency: 'swc' as const, kind: 'service' as const },
});

describe('CaseCommandHandler (in-memory store)', () => {
  let store: EventStore;
  let handler: CaseCommandHandler;
  const run = (command: CaseCommand, triggerId?: string) =>
    handler.execute(
      new ExecuteCaseCommand(caseId, command, metadata(triggerId ?? 'http'), triggerId),
    );

  beforeEach(() => {
    store = new InMemoryEventStore().forWriter('swc');
    handler = new CaseCommandHandler(store, randomIds);
  });

  it('a reaction replayed or redelivered appends its events once', async () => {
    const open: CaseCommand = {
      type: 'OpenCase',
      caseId,
      origin: 'street-report',
      originEventId: report,
      category: 'street-vending',
      location: { street: 'Xinjiekou' },
      severity: 'medium',
      by: 'swc-service',
      at,
    };
    const first = await run(open, report);
    const second = await run(open, report);
    expect(first.eventIds).toHaveLength(1);
    expect(second.eventIds).toEqual([]);
    const stored = await store.readStream(`swc-case-${caseId}`);
    expect(stored.map((e) => e.metadata.causationId)).toEqual([report]);

    await run({
      type: 'TriageCase',
      riskLevel: 'blue',
      category: 'street-vending',
      leadAgency: 'street',
      coHandlers: [],
      assignmentIds: ['aaaaaaaa-0000-4000-8000-000000000001'],
      sla: DEFAULT_SLA,
      by: 'coord-1',
      at,
    });
    const accepted: CaseCommand = {
      type: 'RecordHandoff',
      kind: 'accepted',
      assignmentId: 'aaaaaaaa-0000-4000-8000-000000000001',
      agency: 'street',
      sourceEventId: 'bbbbbbbb-0000-4000-8000-000000000001',
      by: 'officer-3',
      at,
    };
    await run(accepted, 'bbbbbbbb-0000-4000-8000-000000000001');
    await run(accepted, 'bbbbbbbb-0000-4000-8000-000000000001');
    const types = (await store.readStream(`swc-case-${caseId}`)).map((e) => e.type);
    expect(types.filter((t) => t === 'swc.case.assignment-accepted.v1')).toHaveLength(1);
  });

  it('a command on a case that does not exist is a not-found error, not a rule violation', async () => {
    await expect(run({ type: 'CloseCase', by: 'coord-1', at })).rejects.toMatchObject({
      name: 'NotFoundError',
    });
  });
});
