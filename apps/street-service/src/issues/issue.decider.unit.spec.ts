import { DomainError, deciderSpec } from '@gridline/eventsourcing';
import type { IssueReported } from '@gridline/contracts';
import { issueDecider, type ReportIssue } from './issue.decider.js';

const spec = deciderSpec(issueDecider);

const report: ReportIssue = {
  type: 'ReportIssue',
  issueId: '0b6f3c1e-2a4d-4c3e-9f1a-1d2e3f4a5b6c',
  caseId: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
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
    issueId: report.issueId,
    caseId: report.caseId,
    source: 'grid-worker',
    category: 'street-vending',
    location: report.location,
    description: report.description,
    severity: 'medium',
    reportedBy: 'worker-17',
    reportedAt: '2026-03-02T07:45:00.000Z',
  },
};

describe('Issue', () => {
  it('a grid worker reports an issue in their grid', () => {
    spec.given([]).when(report).then([reported]);
  });

  it('the same issue cannot be reported twice', () => {
    spec
      .given([reported])
      .when(report)
      .thenThrows(DomainError, (e) => e.code === 'issue-exists');
  });
});
