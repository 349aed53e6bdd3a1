import { DomainError, deciderSpec } from '@gridline/eventsourcing';
import type {
  IssueAcknowledged,
  IssueNoteAdded,
  IssueReported,
  IssueReporterErased,
  IssueResolved,
  SealedValue,
} from '@gridline/contracts';
import {
  issueDecider,
  type AcknowledgeIssue,
  type AddIssueNote,
  type EraseReporter,
  type ReportIssue,
  type ResolveIssue,
} from './issue.decider.js';

const spec = deciderSpec(issueDecider);

const issueId = '0b6f3c1e-2a4d-4c3e-9f1a-1d2e3f4a5b6c';
const caseId = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

const report: ReportIssue = {
  type: 'ReportIssue',
  issueId,
  caseId,
  source: 'grid-worker',
  category: 'street-vending',
  location: {
    street: 'Xinjiekou',
    community: 'Zhaodengyu',
    grid: 'G-0312',
    description: 'school gate, north side',
  },
  description: 'Unlicensed vending near the school gate at pick-up time',
  severity: 'medium',
  reportedBy: 'worker-17',
  reportedAt: new Date('2026-03-02T07:45:00.000Z'),
};

const reported: IssueReported = {
  type: 'street.issue.reported.v1',
  data: {
    issueId,
    caseId,
    source: 'grid-worker',
    category: 'street-vending',
    location: report.location,
    description: report.description,
    severity: 'medium',
    reportedBy: 'worker-17',
    reportedAt: '2026-03-02T07:45:00.000Z',
  },
};

const sealedContact: SealedValue = {
  alg: 'A256GCM',
  keyId: 'subject-key-1',
  iv: 'AAAAAAAAAAAAAAAA',
  ct: 'c2VhbGVk',
  tag: 'AAAAAAAAAAAAAAAAAAAAAA==',
};
const complaint: ReportIssue = {
  ...report,
  source: 'resident-complaint',
  reportedBy: 'hotline-3',
  reporterContact: {
    dataSubjectId: 'c0ffee00-0000-4000-8000-000000000001',
    contact: sealedContact,
  },
};

const acknowledge: AcknowledgeIssue = {
  type: 'AcknowledgeIssue',
  acknowledgedBy: 'officer-5',
  acknowledgedAt: new Date('2026-03-02T08:00:00.000Z'),
};
const acknowledged: IssueAcknowledged = {
  type: 'street.issue.acknowledged.v1',
  data: {
    issueId,
    caseId,
    acknowledgedBy: 'officer-5',
    acknowledgedAt: '2026-03-02T08:00:00.000Z',
  },
};

const note = (noteId: string, text: string): AddIssueNote => ({
  type: 'AddIssueNote',
  noteId,
  note: text,
  addedBy: 'worker-17',
  addedAt: new Date('2026-03-02T09:00:00.000Z'),
});
const noteAdded = (noteId: string, text: string): IssueNoteAdded => ({
  type: 'street.issue.note-added.v1',
  data: {
    issueId,
    caseId,
    noteId,
    note: text,
    addedBy: 'worker-17',
    addedAt: '2026-03-02T09:00:00.000Z',
  },
});
const firstNote = 'a1a1a1a1-0000-4000-8000-000000000001';
const secondNote = 'a1a1a1a1-0000-4000-8000-000000000002';

const resolve: ResolveIssue = {
  type: 'ResolveIssue',
  outcome: 'remedied',
  summary: 'Vendor moved to the designated zone',
  resolvedBy: 'officer-5',
  resolvedAt: new Date('2026-03-03T10:00:00.000Z'),
};
const resolved: IssueResolved = {
  type: 'street.issue.resolved.v1',
  data: {
    issueId,
    caseId,
    outcome: 'remedied',
    summary: 'Vendor moved to the designated zone',
    resolvedBy: 'officer-5',
    resolvedAt: '2026-03-03T10:00:00.000Z',
  },
};

const code = (expected: string) => (e: DomainError) => e.code === expected;

describe('Issue', () => {
  describe('reporting', () => {
    it('a grid worker reports an issue in their grid, without a contact', () => {
      spec.given([]).when(report).then([reported]);
    });

    it('a resident complaint carries the reporter’s contact, sealed', () => {
      spec
        .given([])
        .when(complaint)
        .then([
          {
            ...reported,
            data: {
              ...reported.data,
              source: 'resident-complaint',
              reportedBy: 'hotline-3',
              reporterContact: complaint.reporterContact!,
            },
          },
        ]);
    });

    it('a resident complaint without a contact is refused', () => {
      spec
        .given([])
        .when({ ...report, source: 'resident-complaint' })
        .thenThrows(DomainError, code('reporter-contact-required'));
    });

    it('the same issue cannot be reported twice', () => {
      spec.given([reported]).when(report).thenThrows(DomainError, code('issue-exists'));
    });
  });

  describe('handling', () => {
    it('a reported issue is acknowledged', () => {
      spec.given([reported]).when(acknowledge).then([acknowledged]);
    });

    it('is acknowledged only once', () => {
      spec
        .given([reported, acknowledged])
        .when(acknowledge)
        .thenThrows(DomainError, code('issue-already-acknowledged'));
    });

    it('an acknowledged issue collects several handling notes', () => {
      spec
        .given([reported, acknowledged, noteAdded(firstNote, 'Talked to the vendor')])
        .when(note(secondNote, 'Offered a stall in the vending zone'))
        .then([noteAdded(secondNote, 'Offered a stall in the vending zone')]);
    });

    it('notes need an acknowledged issue', () => {
      spec
        .given([reported])
        .when(note(firstNote, 'Talked to the vendor'))
        .thenThrows(DomainError, code('issue-not-acknowledged'));
    });
  });

  describe('resolving', () => {
    it('an acknowledged issue is resolved with its outcome', () => {
      spec
        .given([reported, acknowledged, noteAdded(firstNote, 'Talked to the vendor')])
        .when(resolve)
        .then([resolved]);
    });

    it('cannot be resolved before it is acknowledged', () => {
      spec.given([reported]).when(resolve).thenThrows(DomainError, code('issue-not-acknowledged'));
    });

    it.each([
      ['acknowledge', acknowledge],
      ['add a note', note(firstNote, 'late note')],
      ['resolve again', resolve],
    ])('nothing happens after it is resolved: %s', (_, command) => {
      spec
        .given([reported, acknowledged, resolved])
        .when(command)
        .thenThrows(DomainError, code('issue-resolved'));
    });

    it('an unknown issue cannot be handled', () => {
      spec.given([]).when(acknowledge).thenThrows(DomainError, code('issue-unknown'));
    });
  });

  describe('erasing the reporter (crypto-shredding)', () => {
    const complained: IssueReported = {
      type: 'street.issue.reported.v1',
      data: {
        ...reported.data,
        source: 'resident-complaint',
        reportedBy: 'hotline-3',
        reporterContact: complaint.reporterContact!,
      },
    };
    const erase: EraseReporter = {
      type: 'EraseReporter',
      reason: 'Request of the resident under the personal information protection law',
      erasedBy: 'admin-2',
      erasedAt: new Date('2026-04-01T09:00:00.000Z'),
    };
    const erased: IssueReporterErased = {
      type: 'street.issue.reporter-erased.v1',
      data: {
        issueId,
        caseId,
        dataSubjectId: 'c0ffee00-0000-4000-8000-000000000001',
        reason: erase.reason,
        erasedBy: 'admin-2',
        erasedAt: '2026-04-01T09:00:00.000Z',
      },
    };

    it("records the erasure of the reporter's own data subject, also after resolution", () => {
      spec.given([complained]).when(erase).then([erased]);
      spec.given([complained, acknowledged, resolved]).when(erase).then([erased]);
    });

    it('records it once: asking again records nothing', () => {
      spec.given([complained, erased]).when(erase).then([]);
    });

    it('refuses a report without personal data of its reporter, and an unknown issue', () => {
      spec
        .given([reported])
        .when(erase)
        .thenThrows(DomainError, code('issue-has-no-reporter-data'));
      spec.given([]).when(erase).thenThrows(DomainError, code('issue-unknown'));
    });
  });
});
