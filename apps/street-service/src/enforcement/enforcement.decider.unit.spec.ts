import type {
  EnforcementEvidenceRecorded,
  ReminderIssued,
  WarningIssued,
} from '@gridline/contracts';
import { DomainError, deciderSpec } from '@gridline/eventsourcing';
import {
  at,
  caseId,
  category,
  code,
  credentialRefusals,
  evidence,
  expiredCredential,
  gridWorker,
  officer,
  officerHolding,
  officerRef,
  officerWithHistory,
  recorded,
  refusal,
  schoolGate,
  subjectId,
  uncredentialedOfficer,
} from '../shared/fixtures.spec.js';
import {
  enforcementDecider,
  type IssueReminder,
  type IssueWarning,
  type RecordStepEvidence,
} from './enforcement.decider.js';

const spec = deciderSpec(enforcementDecider);

const reminderStep = 'a0000000-0000-4000-8000-000000000001';
const warningStep = 'a0000000-0000-4000-8000-000000000002';

const remind: IssueReminder = {
  type: 'IssueReminder',
  stepId: reminderStep,
  subjectId,
  category,
  caseId,
  place: schoolGate,
  explanation: 'Vending at the school gate blocks the pavement; the vending zone is 200 m east.',
  actor: gridWorker,
  issuedAt: at('2026-03-02T07:50:00.000Z'),
};
const reminded = (issuedAt = '2026-03-02T07:50:00.000Z'): ReminderIssued => ({
  type: 'street.enforcement.reminder-issued.v1',
  data: {
    stepId: reminderStep,
    subjectId,
    category,
    caseId,
    place: schoolGate,
    explanation: remind.explanation,
    issuedBy: { staffId: 'worker-17' },
    issuedAt,
  },
});

const warn: IssueWarning = {
  type: 'IssueWarning',
  stepId: warningStep,
  subjectId,
  category,
  caseId,
  place: schoolGate,
  explanation: 'Second time this month: next time a fine follows.',
  evidence: [evidence(1)],
  actor: officer,
  issuedAt: at('2026-03-09T07:45:00.000Z'),
  lookBackMonths: 12,
};
const warned: WarningIssued = {
  type: 'street.enforcement.warning-issued.v1',
  data: {
    stepId: warningStep,
    subjectId,
    category,
    caseId,
    place: schoolGate,
    explanation: warn.explanation,
    evidence: [recorded(1, '2026-03-09T07:45:00.000Z')],
    issuedBy: officerRef,
    issuedAt: '2026-03-09T07:45:00.000Z',
  },
};

describe('Enforcement progression (721) of one subject and category', () => {
  describe('reminder (service)', () => {
    it('a grid worker, auxiliary staff without a credential, may remind', () => {
      spec.given([]).when(remind).then([reminded()]);
    });

    it('staff who are neither grid workers nor officers may not', () => {
      spec
        .given([])
        .when({ ...remind, actor: { id: 'analyst-1', roles: ['analyst'] } })
        .thenThrows(DomainError, code('role-required'));
    });

    it('a step id is used once', () => {
      spec.given([reminded()]).when(remind).thenThrows(DomainError, code('step-exists'));
    });

    it('an officer reminds under the credential valid then, and without one as well', () => {
      const byOfficer = (issuedBy: ReminderIssued['data']['issuedBy']): ReminderIssued => ({
        ...reminded(),
        data: { ...reminded().data, issuedBy },
      });
      spec
        .given([])
        .when({ ...remind, actor: officer })
        .then([byOfficer({ staffId: 'officer-5', credentialId: 'ZF-110105-0042' })]);
      spec
        .given([])
        .when({ ...remind, actor: officerHolding(expiredCredential) })
        .then([byOfficer({ staffId: 'officer-5' })]);
    });
  });

  describe('warning (management)', () => {
    it('a credentialed officer warns after a reminder, with the evidence recorded in the step', () => {
      spec.given([reminded()]).when(warn).then([warned]);
    });

    it('a grid worker may not warn', () => {
      spec
        .given([reminded()])
        .when({ ...warn, actor: gridWorker })
        .thenThrows(DomainError, code('enforcement-credential-required'));
    });

    it('an officer without an enforcement credential may not warn', () => {
      spec
        .given([reminded()])
        .when({ ...warn, actor: uncredentialedOfficer })
        .thenThrows(DomainError, code('enforcement-credential-required'));
    });

    describe.each(credentialRefusals)('an officer holding $name', ({ actor, code, details }) => {
      it(`may not warn: ${code}`, () => {
        spec
          .given([reminded()])
          .when({ ...warn, actor })
          .thenThrows(DomainError, refusal(code, { ...details, action: 'issue a warning' }));
      });
    });

    it('an officer with ended credentials and a valid one warns under the valid one', () => {
      spec
        .given([reminded()])
        .when({ ...warn, actor: officerWithHistory })
        .then([warned]);
    });

    it('a warning without evidence is refused', () => {
      spec
        .given([reminded()])
        .when({ ...warn, evidence: [] })
        .thenThrows(DomainError, code('evidence-required'));
    });

    it('a warning without a prior reminder is refused', () => {
      spec.given([]).when(warn).thenThrows(DomainError, code('progression-721'));
    });

    it('a reminder older than the look-back window no longer counts', () => {
      spec
        .given([reminded('2025-02-01T08:00:00.000Z')])
        .when(warn)
        .thenThrows(DomainError, code('progression-721'));
    });

    it('the window is configurable: with 24 months the same reminder counts', () => {
      spec
        .given([reminded('2025-02-01T08:00:00.000Z')])
        .when({ ...warn, lookBackMonths: 24 })
        .then([warned]);
    });

    it('a serious violation may skip the reminder, on a stated legal ground', () => {
      const serious = { legalGround: 'Food safety law, art. 122: unlicensed cooked food' };
      spec
        .given([])
        .when({ ...warn, serious })
        .then([{ ...warned, data: { ...warned.data, serious } }]);
    });
  });

  describe('full-process record', () => {
    const addEvidence: RecordStepEvidence = {
      type: 'RecordStepEvidence',
      stepId: reminderStep,
      evidence: evidence(2),
      actor: officer,
      recordedAt: at('2026-03-02T09:00:00.000Z'),
    };
    const evidenceRecorded: EnforcementEvidenceRecorded = {
      type: 'street.enforcement.evidence-recorded.v1',
      data: {
        stepId: reminderStep,
        subjectId,
        category,
        caseId,
        evidence: recorded(2, '2026-03-02T09:00:00.000Z'),
      },
    };

    it('an officer adds evidence (digest, kind, place, time, credential) to a step', () => {
      spec.given([reminded()]).when(addEvidence).then([evidenceRecorded]);
    });

    describe.each(credentialRefusals)('an officer holding $name', ({ actor, code, details }) => {
      it(`may not record evidence: ${code}`, () => {
        spec
          .given([reminded()])
          .when({ ...addEvidence, actor })
          .thenThrows(DomainError, refusal(code, { ...details, action: 'record evidence' }));
      });
    });

    it('a credential valid at the time of recording counts, whenever it was granted', () => {
      spec
        .given([reminded()])
        .when({ ...addEvidence, actor: officerWithHistory })
        .then([evidenceRecorded]);
    });

    it.each([
      [
        'after it is recorded (beyond five minutes)',
        '2026-03-02T09:06:00.000Z',
        'evidence-captured-later',
      ],
      ['in the year 9999', '9999-12-31T00:00:00.000Z', 'evidence-captured-later'],
      ['before 2000', '0001-01-01T00:00:00.000Z', 'evidence-captured-too-early'],
    ])('evidence said to be captured %s is refused', (_what, capturedAt, expected) => {
      spec
        .given([reminded()])
        .when({ ...addEvidence, evidence: { ...evidence(2), capturedAt } })
        .thenThrows(DomainError, code(expected));
    });

    it('evidence captured a minute "after" it is recorded (a device clock ahead) is recorded', () => {
      const capturedAt = '2026-03-02T09:01:00.000Z';
      spec
        .given([reminded()])
        .when({ ...addEvidence, evidence: { ...evidence(2), capturedAt } })
        .then([
          {
            ...evidenceRecorded,
            data: {
              ...evidenceRecorded.data,
              evidence: { ...evidenceRecorded.data.evidence, capturedAt },
            },
          },
        ]);
    });

    it('recording the same evidence again records nothing', () => {
      spec.given([reminded(), evidenceRecorded]).when(addEvidence).then([]);
    });

    it('a grid worker may not record evidence', () => {
      spec
        .given([reminded()])
        .when({ ...addEvidence, actor: gridWorker })
        .thenThrows(DomainError, code('enforcement-credential-required'));
    });

    it('evidence needs an existing step', () => {
      spec.given([]).when(addEvidence).thenThrows(DomainError, code('step-unknown'));
    });
  });
});
