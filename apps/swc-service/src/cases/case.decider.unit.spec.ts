import type { CaseOpened } from '@gridline/contracts';
import { DomainError, deciderSpec } from '@gridline/eventsourcing';
import { caseDecider, type OpenCase } from './case.decider.js';

const spec = deciderSpec(caseDecider);

const open: OpenCase = {
  type: 'OpenCase',
  caseId: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  origin: 'street-report',
  originEventId: '11111111-2222-4333-8444-555555555555',
  category: 'street-vending',
  location: { street: 'Xinjiekou', community: 'Zhaodengyu', grid: 'G-0312' },
  severity: 'medium',
  openedAt: new Date('2026-03-02T07:46:00.000Z'),
};

const opened: CaseOpened = {
  type: 'swc.case.opened.v1',
  data: {
    caseId: open.caseId,
    origin: 'street-report',
    originEventId: open.originEventId,
    category: 'street-vending',
    location: open.location,
    severity: 'medium',
    openedAt: '2026-03-02T07:46:00.000Z',
  },
};

describe('Coordinated case', () => {
  it('SWC opens a case from a street report', () => {
    spec.given([]).when(open).then([opened]);
  });

  it('the same report delivered again opens nothing more', () => {
    spec.given([opened]).when(open).then([]);
  });

  it('an open case cannot be opened again from another trigger', () => {
    spec
      .given([opened])
      .when({ ...open, originEventId: '99999999-2222-4333-8444-555555555555' })
      .thenThrows(DomainError, (e) => e.code === 'case-already-open');
  });
});
