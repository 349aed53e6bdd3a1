import { withoutUploads } from '@gridline/evidence-store';
import {
  InMemoryEventStore,
  InMemoryPersonalDataVault,
  type Clock,
  type IdGenerator,
} from '@gridline/eventsourcing';
import type { SubjectRegistered } from '@gridline/contracts';
import type { Principal } from '@gridline/platform';
import { CredentialActionHandler } from '../credentials/credential.commands.js';
import { DecisionActionHandler } from '../decisions/decision.commands.js';
import { ProposePenaltyHandler } from '../decisions/propose-penalty.command.js';
import { PublishStandardHandler } from '../discretion/publish-standard.command.js';
import { ReportIssueHandler } from '../issues/report-issue.command.js';
import type { EnforcementPolicy } from '../shared/street-policy.js';
import { RegisterSubjectCommand, RegisterSubjectHandler } from './register-subject.command.js';

// The command handlers with our in-memory store and vault (no mocks): what reaches
// the event store never holds personal data in clear, and the vault opens it again.

const clock: Clock = { now: () => new Date('2026-03-02T08:00:00.000Z') };
let counter = 0;
const ids: IdGenerator = {
  newId: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
};
const policy: EnforcementPolicy = {
  lookBackMonths: 12,
  majorThresholdYuan: 10_000,
  appealTimeLimitDays: 60,
};
const worker: Principal = { id: 'worker-17', agency: 'street', roles: ['grid-worker'] };
const officer: Principal = { id: 'officer-5', agency: 'street', roles: ['officer'] };
const admin: Principal = { id: 'admin-1', agency: 'street', roles: ['admin'] };
const caseId = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

const NAME = 'Wang Xiaoming';
const ID_NUMBER = '110105199001011234';
const PHONE = '+86 138 0013 8000';

describe('personal data in street commands', () => {
  let store: InMemoryEventStore;
  let vault: InMemoryPersonalDataVault;

  beforeEach(async () => {
    store = new InMemoryEventStore();
    vault = new InMemoryPersonalDataVault();
    // Street reported the case: subjects and steps may name it (assertCaseKnown).
    await store.appendToStream(`street-issue-${caseId}`, [
      {
        id: '00000000-0000-4000-8000-ffffffffffff',
        type: 'street.issue.reported.v1',
        data: { issueId: caseId, category: 'street-vending' },
        metadata: {
          caseId,
          correlationId: caseId,
          causationId: caseId,
          actor: { id: worker.id, agency: 'street', kind: 'user' },
        },
        occurredAt: '2026-03-01T08:00:00.000Z',
      },
    ]);
  });

  /** Every stored event's payload and metadata, as text (positions are bigints: left out). */
  const everythingStored = async () =>
    JSON.stringify(
      (await store.readAll({ maxCount: 1000 })).map(({ type, data, metadata }) => ({
        type,
        data,
        metadata,
      })),
    );

  it('a registered subject’s name, ID number and contact are stored sealed, under its own key', async () => {
    const handler = new RegisterSubjectHandler(store, clock, ids, vault);
    const { subjectId } = await handler.execute(
      new RegisterSubjectCommand(
        { caseId, kind: 'person', name: NAME, identifier: ID_NUMBER, contact: PHONE },
        officer,
      ),
    );

    const stored = await everythingStored();
    for (const clear of [NAME, ID_NUMBER, PHONE, 'Xiaoming', '13800138000'])
      expect(stored).not.toContain(clear);

    const [event] = await store.readStream(`street-subject-${subjectId}`);
    const data = event!.data as SubjectRegistered['data'];
    expect(await vault.open(data.name)).toBe(NAME);
    expect(await vault.open(data.identifier)).toBe(ID_NUMBER);
    expect(await vault.open(data.contact!)).toBe(PHONE);

    // Crypto-shredding: erasing the subject makes every copy unreadable, the events stay.
    await vault.erase(subjectId);
    expect(await vault.open(data.name)).toBeUndefined();
  });

  it('a resident’s contact on a complaint is stored sealed', async () => {
    const handler = new ReportIssueHandler(store, clock, ids, vault, withoutUploads);
    const { issueId } = await handler.execute({
      body: {
        source: 'resident-complaint',
        category: 'street-vending',
        location: {
          street: 'Xinjiekou',
          community: 'Zhaodengyu',
          grid: 'G-0312',
          description: 'gate',
        },
        description: 'Vendors block the school gate',
        severity: 'medium',
        reporterContact: PHONE,
      },
      principal: worker,
    });

    expect(await everythingStored()).not.toContain(PHONE);
    const [event] = await store.readStream(`street-issue-${issueId}`);
    const { reporterContact } = event!.data as {
      reporterContact: { contact: Parameters<typeof vault.open>[0] };
    };
    expect(await vault.open(reporterContact.contact)).toBe(PHONE);
  });

  it('publicity names the subject only by a masked label', async () => {
    const { subjectId } = await new RegisterSubjectHandler(store, clock, ids, vault).execute(
      new RegisterSubjectCommand(
        { caseId, kind: 'person', name: NAME, identifier: ID_NUMBER },
        officer,
      ),
    );
    await new PublishStandardHandler(store, clock, ids).execute({
      category: 'street-vending',
      body: {
        ranges: [{ circumstance: 'aggravated', minYuan: 100, maxYuan: 500 }],
        legalBasis: 'City appearance regulations, art. 17',
      },
      principal: admin,
    });
    await new CredentialActionHandler(store, clock, ids).execute({
      action: {
        kind: 'grant',
        body: {
          officerId: officer.id,
          credentialNumber: 'ZF-110105-0042',
          issuingBody: 'Xicheng District Urban Management Bureau',
          validFrom: '2026-01-01T00:00:00.000Z',
          validTo: '2029-01-01T00:00:00.000Z',
        },
      },
      principal: admin,
    });
    const place = {
      street: 'Xinjiekou',
      community: 'Zhaodengyu',
      grid: 'G-0312',
      description: 'gate',
    };
    const { decisionId } = await new ProposePenaltyHandler(
      store,
      clock,
      ids,
      policy,
      withoutUploads,
    ).execute({
      body: {
        subjectId,
        category: 'street-vending',
        caseId,
        penalty: { circumstance: 'aggravated', amountYuan: 300 },
        facts: 'Cooked food without a licence',
        legalBasis: 'Food safety law, art. 122',
        serious: { legalGround: 'Food safety law, art. 122' },
        evidence: [
          {
            kind: 'photo',
            sha256: 'ab'.repeat(32),
            description: 'the stall',
            capturedAt: '2026-03-02T07:40:00.000Z',
            place,
          },
        ],
      },
      principal: officer,
    });
    const decisions = new DecisionActionHandler(store, clock, ids, vault, policy, withoutUploads);
    await decisions.execute({ decisionId, action: { kind: 'issue' }, principal: officer });
    await decisions.execute({ decisionId, action: { kind: 'publish' }, principal: officer });

    const events = await store.readStream(`street-decision-${decisionId}`);
    const published = events.find((e) => e.type === 'street.decision.published.v1');
    expect(published?.data).toMatchObject({ subjectLabel: 'Individual W**' });
    expect(JSON.stringify(published?.data)).not.toMatch(/Wang|Xiaoming/);
    expect(await everythingStored()).not.toContain(NAME);
  });
});
