import type { SealedValue, SubjectErased, SubjectRegistered } from '@gridline/contracts';
import { DomainError, deciderSpec } from '@gridline/eventsourcing';
import {
  maskedSubjectLabel,
  subjectDecider,
  type EraseSubject,
  type RegisterSubject,
} from './subject.decider.js';

const spec = deciderSpec(subjectDecider);

const sealed = (keyId: string): SealedValue => ({
  alg: 'A256GCM',
  keyId,
  iv: 'AAAAAAAAAAAAAAAA',
  ct: 'c2VhbGVk',
  tag: 'AAAAAAAAAAAAAAAAAAAAAA==',
});

const subjectId = '5b1e0c9a-1111-4a2b-8c3d-000000000001';
const register: RegisterSubject = {
  type: 'RegisterSubject',
  subjectId,
  caseId: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  kind: 'person',
  name: sealed('k-name'),
  identifier: sealed('k-id'),
  registeredBy: 'officer-5',
  registeredAt: new Date('2026-03-02T08:00:00.000Z'),
};
const registered: SubjectRegistered = {
  type: 'street.subject.registered.v1',
  data: {
    subjectId,
    caseId: register.caseId,
    kind: 'person',
    name: sealed('k-name'),
    identifier: sealed('k-id'),
    registeredBy: 'officer-5',
    registeredAt: '2026-03-02T08:00:00.000Z',
  },
};

describe('Enforcement subject', () => {
  it('is registered under a pseudonymous id with sealed identity', () => {
    spec.given([]).when(register).then([registered]);
  });

  describe('erasure on request', () => {
    const erase: EraseSubject = {
      type: 'EraseSubject',
      subjectId,
      reason: 'the subject asked to be forgotten; no proceedings pending',
      erasedBy: 'admin-1',
      erasedAt: new Date('2026-05-01T09:00:00.000Z'),
    };
    const erased: SubjectErased = {
      type: 'street.subject.erased.v1',
      data: {
        subjectId,
        caseId: register.caseId,
        reason: erase.reason,
        erasedBy: 'admin-1',
        erasedAt: '2026-05-01T09:00:00.000Z',
      },
    };
    it('is recorded once, under the case the subject was registered in', () => {
      spec.given([registered]).when(erase).then([erased]);
    });
    it('asked again, records nothing more', () => {
      spec.given([registered, erased]).when(erase).then([]);
    });
    it('of an unknown subject is refused', () => {
      spec
        .given([])
        .when(erase)
        .thenThrows(DomainError, (e) => e.code === 'subject-unknown');
    });
  });

  it('is registered once', () => {
    spec
      .given([registered])
      .when(register)
      .thenThrows(DomainError, (e) => e.code === 'subject-exists');
  });

  describe('masked label for publicity', () => {
    it('shows the kind and the initial only', () => {
      expect(maskedSubjectLabel('person', 'wang wei', subjectId)).toBe('Individual W**');
      expect(maskedSubjectLabel('business', '王记小吃', subjectId)).toBe('Business 王**');
    });

    it('falls back to a short pseudonym when the subject was erased', () => {
      expect(maskedSubjectLabel('person', undefined, subjectId)).toBe('subject 5b1e0c9a');
    });
  });
});
