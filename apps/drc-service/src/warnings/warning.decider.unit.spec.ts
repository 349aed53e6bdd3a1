import type {
  RiskWarningIssued,
  RiskWarningLifted,
  RiskWarningReleveled,
} from '@gridline/contracts';
import { DomainError, deciderSpec } from '@gridline/eventsourcing';
import {
  warningDecider,
  type IssueWarning,
  type LiftWarning,
  type RelevelWarning,
} from './warning.decider.js';

const spec = deciderSpec(warningDecider);

const warningId = '3f0c9a51-6a3e-4f7e-9b1d-2c4e6a8b0d1f';
const caseId = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';

const issue: IssueWarning = {
  type: 'IssueWarning',
  warningId,
  caseId,
  kind: 'tourism-surge',
  level: 'yellow',
  area: { street: 'Shichahai', community: 'Yandaixie' },
  description: 'Visitors for the lantern festival expected at three times the usual number',
  signal: { indicator: 'daily visitors', observed: 42_000, baseline: 14_000, unit: 'people/day' },
  issuedBy: 'analyst-3',
  issuedAt: new Date('2026-02-10T02:00:00.000Z'),
};

const issued: RiskWarningIssued = {
  type: 'drc.warning.issued.v1',
  data: {
    warningId,
    caseId,
    kind: 'tourism-surge',
    level: 'yellow',
    area: { street: 'Shichahai', community: 'Yandaixie' },
    description: issue.description,
    signal: issue.signal!,
    issuedBy: 'analyst-3',
    issuedAt: '2026-02-10T02:00:00.000Z',
  },
};

const raiseToRed: RelevelWarning = {
  type: 'RelevelWarning',
  warningId,
  level: 'red',
  reason: 'bookings doubled again overnight',
  releveledBy: 'coord-drc-1',
  releveledAt: new Date('2026-02-11T08:30:00.000Z'),
};

const raisedToRed: RiskWarningReleveled = {
  type: 'drc.warning.re-leveled.v1',
  data: {
    warningId,
    caseId,
    fromLevel: 'yellow',
    toLevel: 'red',
    direction: 'raised',
    reason: 'bookings doubled again overnight',
    releveledBy: 'coord-drc-1',
    releveledAt: '2026-02-11T08:30:00.000Z',
  },
};

const lift: LiftWarning = {
  type: 'LiftWarning',
  warningId,
  reason: 'festival over, visitor numbers back to baseline',
  liftedBy: 'analyst-3',
  liftedAt: new Date('2026-02-20T10:00:00.000Z'),
};

const lifted: RiskWarningLifted = {
  type: 'drc.warning.lifted.v1',
  data: {
    warningId,
    caseId,
    reason: 'festival over, visitor numbers back to baseline',
    liftedBy: 'analyst-3',
    liftedAt: '2026-02-20T10:00:00.000Z',
  },
};

describe('Risk early warning', () => {
  describe('issuing', () => {
    it('an analyst issues a warning for an area, with its case id, level and signal figures', () => {
      spec.given([]).when(issue).then([issued]);
    });

    it('a warning without signal figures records none', () => {
      const { signal, ...issuedWithoutSignal } = issued.data;
      expect(signal).toBeDefined();
      spec
        .given([])
        .when({ ...issue, signal: undefined })
        .then([{ type: 'drc.warning.issued.v1', data: issuedWithoutSignal }]);
    });

    it('the same warning cannot be issued twice', () => {
      spec
        .given([issued])
        .when(issue)
        .thenThrows(DomainError, (e) => e.code === 'warning-exists');
    });
  });

  describe('re-leveling', () => {
    it('a rising risk raises the level', () => {
      spec.given([issued]).when(raiseToRed).then([raisedToRed]);
    });

    it('an easing risk lowers the level, from the level it has now', () => {
      spec
        .given([issued, raisedToRed])
        .when({
          type: 'RelevelWarning',
          warningId,
          level: 'blue',
          releveledBy: 'coord-drc-1',
          releveledAt: new Date('2026-02-15T09:00:00.000Z'),
        })
        .then([
          {
            type: 'drc.warning.re-leveled.v1',
            data: {
              warningId,
              caseId,
              fromLevel: 'red',
              toLevel: 'blue',
              direction: 'lowered',
              releveledBy: 'coord-drc-1',
              releveledAt: '2026-02-15T09:00:00.000Z',
            },
          },
        ]);
    });

    it('the level must actually change', () => {
      spec
        .given([issued])
        .when({ ...raiseToRed, level: 'yellow' })
        .thenThrows(DomainError, (e) => e.code === 'level-unchanged');
    });

    it('the level compared is the current one, after earlier re-levelings', () => {
      spec
        .given([issued, raisedToRed])
        .when(raiseToRed)
        .thenThrows(DomainError, (e) => e.code === 'level-unchanged');
    });

    it('a lifted warning cannot be re-leveled', () => {
      spec
        .given([issued, lifted])
        .when(raiseToRed)
        .thenThrows(DomainError, (e) => e.code === 'warning-lifted');
    });

    it('a warning that was never issued cannot be re-leveled', () => {
      spec
        .given([])
        .when(raiseToRed)
        .thenThrows(DomainError, (e) => e.code === 'warning-not-found');
    });
  });

  describe('lifting', () => {
    it('a warning is lifted with the reason the risk has passed', () => {
      spec.given([issued, raisedToRed]).when(lift).then([lifted]);
    });

    it('lifting needs a reason', () => {
      spec
        .given([issued])
        .when({ ...lift, reason: '   ' })
        .thenThrows(DomainError, (e) => e.code === 'reason-required');
    });

    it('a lifted warning cannot be lifted again', () => {
      spec
        .given([issued, lifted])
        .when(lift)
        .thenThrows(DomainError, (e) => e.code === 'warning-lifted');
    });
  });
});
