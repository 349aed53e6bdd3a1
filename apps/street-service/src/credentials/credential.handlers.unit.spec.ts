import { BadRequestException } from '@nestjs/common';
import {
  DomainError,
  InMemoryEventStore,
  type Clock,
  type IdGenerator,
} from '@gridline/eventsourcing';
import { NotFoundError, type Principal } from '@gridline/platform';
import { actorWithCredentials } from './officer-credentials.js';
import { CredentialActionHandler, type GrantCredentialBody } from './credential.commands.js';
import { CREDENTIAL_REGISTRY_CASE_ID } from './credential.decider.js';
import {
  GetOfficerCredentialsHandler,
  ListCredentialsHandler,
  parseCredentialListQuery,
} from './credential.queries.js';

// The registry's handlers and reads with our in-memory store (no mocks).

let now = new Date('2026-01-10T09:00:00.000Z');
const clock: Clock = { now: () => now };
let counter = 0;
const ids: IdGenerator = {
  newId: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
};
const admin: Principal = { id: 'street-admin-1', agency: 'street', roles: ['admin'] };
const body = (officerId: string, credentialNumber: string): GrantCredentialBody => ({
  officerId,
  credentialNumber,
  issuingBody: 'Xicheng District Urban Management Bureau',
  validFrom: '2026-01-01T00:00:00.000Z',
  validTo: '2027-01-01T00:00:00.000Z',
});

describe('credential registry handlers', () => {
  let store: InMemoryEventStore;
  let handler: CredentialActionHandler;
  const grant = (officerId: string, number: string) =>
    handler.execute({ action: { kind: 'grant', body: body(officerId, number) }, principal: admin });

  beforeEach(() => {
    store = new InMemoryEventStore();
    handler = new CredentialActionHandler(store, clock, ids);
    now = new Date('2026-01-10T09:00:00.000Z');
  });

  it('records a grant on the officer’s stream under the registry’s case id', async () => {
    const result = await grant('officer-5', 'ZF-1');
    expect(result).toMatchObject({ officerId: 'officer-5', credentialNumber: 'ZF-1', revision: 0 });
    const [event] = await store.readStream('street-credential-officer-5');
    expect(event?.metadata).toMatchObject({
      caseId: CREDENTIAL_REGISTRY_CASE_ID,
      actor: { id: 'street-admin-1', agency: 'street', kind: 'user' },
    });
  });

  it('refuses a number another officer holds', async () => {
    await grant('officer-5', 'ZF-1');
    await expect(grant('officer-8', 'ZF-1')).rejects.toMatchObject({
      code: 'credential-already-granted',
      details: { credentialNumber: 'ZF-1', officerId: 'officer-5' },
    });
    expect(await store.readStream('street-credential-officer-8')).toEqual([]);
  });

  it('gives a gated command the officer’s credentials, and nobody else’s stream is read', async () => {
    await grant('officer-5', 'ZF-1');
    const officer: Principal = { id: 'officer-5', agency: 'street', roles: ['officer'] };
    expect((await actorWithCredentials(store, officer)).credentials).toMatchObject([
      { credentialNumber: 'ZF-1', validTo: '2027-01-01T00:00:00.000Z' },
    ]);
    const worker: Principal = { id: 'officer-5', agency: 'street', roles: ['grid-worker'] };
    expect(await actorWithCredentials(store, worker)).toEqual({
      id: 'officer-5',
      roles: ['grid-worker'],
    });
  });

  it('shows one officer’s history: who granted and withdrew what, when', async () => {
    await grant('officer-5', 'ZF-1');
    now = new Date('2026-06-01T09:00:00.000Z');
    await handler.execute({
      action: {
        kind: 'withdraw',
        officerId: 'officer-5',
        body: { credentialNumber: 'ZF-1', reason: 'transferred' },
      },
      principal: admin,
    });
    const view = await new GetOfficerCredentialsHandler(store, clock).execute({
      officerId: 'officer-5',
    });
    expect(view.credentials).toMatchObject([{ credentialNumber: 'ZF-1', status: 'withdrawn' }]);
    expect(view.history).toMatchObject([
      {
        action: 'granted',
        credentialNumber: 'ZF-1',
        by: 'street-admin-1',
        at: '2026-01-10T09:00:00.000Z',
      },
      {
        action: 'withdrawn',
        credentialNumber: 'ZF-1',
        by: 'street-admin-1',
        at: '2026-06-01T09:00:00.000Z',
        reason: 'transferred',
      },
    ]);
    await expect(
      new GetOfficerCredentialsHandler(store, clock).execute({ officerId: 'officer-9' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      handler.execute({
        action: {
          kind: 'withdraw',
          officerId: 'officer-5',
          body: { credentialNumber: 'ZF-1', reason: 'again' },
        },
        principal: admin,
      }),
    ).rejects.toBeInstanceOf(DomainError);
  });

  it('lists officers a page at a time, with each credential’s status now', async () => {
    for (const [officer, number] of [
      ['officer-c', 'ZF-3'],
      ['officer-a', 'ZF-1'],
      ['officer-b', 'ZF-2'],
    ] as const)
      await grant(officer, number);
    await grant('officer-d', 'ZF-4');
    await handler.execute({
      action: {
        kind: 'withdraw',
        officerId: 'officer-d',
        body: { credentialNumber: 'ZF-4', reason: 'x' },
      },
      principal: admin,
    });
    const list = new ListCredentialsHandler(store, clock);
    const first = await list.execute({ filter: { limit: 2 } });
    expect(first.items.map((i) => i.officerId)).toEqual(['officer-a', 'officer-b']);
    expect(first.items[0]?.credentials).toMatchObject([
      { credentialNumber: 'ZF-1', status: 'valid' },
    ]);
    const second = await list.execute({
      filter: parseCredentialListQuery({ limit: '2', cursor: first.nextCursor ?? '' }),
    });
    expect(second.items.map((i) => i.officerId)).toEqual(['officer-c', 'officer-d']);
    expect(second.nextCursor).toBeNull();
    const valid = await list.execute({ filter: parseCredentialListQuery({ status: 'valid' }) });
    expect(valid.items.map((i) => i.officerId)).toEqual(['officer-a', 'officer-b', 'officer-c']);
    now = new Date('2027-02-01T00:00:00.000Z');
    const expired = await list.execute({ filter: { status: 'expired', limit: 50 } });
    expect(expired.items.map((i) => i.officerId)).toEqual(['officer-a', 'officer-b', 'officer-c']);
  });

  it('refuses unknown, repeated and out-of-range list parameters, naming each', () => {
    expect(parseCredentialListQuery({})).toEqual({ limit: 50 });
    const refused = (() => {
      try {
        parseCredentialListQuery({ status: 'lapsed', limit: '500', sort: 'x', cursor: ['a', 'b'] });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(BadRequestException);
    expect((refused as BadRequestException).getResponse()).toMatchObject({
      problems: [
        { parameter: 'status' },
        { parameter: 'limit' },
        { parameter: 'sort' },
        { parameter: 'cursor' },
      ],
    });
  });
});
