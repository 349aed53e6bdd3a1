import type { CredentialGranted, CredentialWithdrawn } from '@gridline/contracts';
import { DomainError, deciderSpec, fold } from '@gridline/eventsourcing';
import { at, code, refusal } from '../shared/fixtures.spec.js';
import type { StaffActor } from '../shared/staff.js';
import {
  credentialDecider,
  type GrantCredential,
  type WithdrawCredential,
} from './credential.decider.js';

const spec = deciderSpec(credentialDecider);
const admin: StaffActor = { id: 'street-admin-1', roles: ['admin'] };

const grant: GrantCredential = {
  type: 'GrantCredential',
  officerId: 'officer-5',
  credentialNumber: 'ZF-110105-0042',
  issuingBody: 'Xicheng District Urban Management Bureau',
  validFrom: at('2026-01-01T00:00:00.000Z'),
  validTo: at('2029-01-01T00:00:00.000Z'),
  actor: admin,
  grantedAt: at('2025-12-20T09:00:00.000Z'),
};
const granted = (credentialNumber = 'ZF-110105-0042'): CredentialGranted => ({
  type: 'street.credential.granted.v1',
  data: {
    officerId: 'officer-5',
    credentialNumber,
    issuingBody: 'Xicheng District Urban Management Bureau',
    validFrom: '2026-01-01T00:00:00.000Z',
    validTo: '2029-01-01T00:00:00.000Z',
    grantedBy: 'street-admin-1',
    grantedAt: '2025-12-20T09:00:00.000Z',
  },
});
const withdraw: WithdrawCredential = {
  type: 'WithdrawCredential',
  officerId: 'officer-5',
  credentialNumber: 'ZF-110105-0042',
  reason: 'left the enforcement team',
  actor: admin,
  withdrawnAt: at('2026-06-01T09:00:00.000Z'),
};
const withdrawn: CredentialWithdrawn = {
  type: 'street.credential.withdrawn.v1',
  data: {
    officerId: 'officer-5',
    credentialNumber: 'ZF-110105-0042',
    reason: 'left the enforcement team',
    withdrawnBy: 'street-admin-1',
    withdrawnAt: '2026-06-01T09:00:00.000Z',
  },
};

describe('Enforcement credential registry of an officer', () => {
  describe('grant', () => {
    it('the street office admin grants a credential with its number, issuing body and validity', () => {
      spec.given([]).when(grant).then([granted()]);
    });

    it('an officer may hold several credentials', () => {
      spec
        .given([granted()])
        .when({ ...grant, credentialNumber: 'ZF-110105-0099' })
        .then([granted('ZF-110105-0099')]);
    });

    it.each([
      ['an officer', { id: 'officer-5', roles: ['officer'] }],
      ['a coordinator', { id: 'coord-1', roles: ['coordinator'] }],
    ])('%s may not grant', (_, actor) => {
      spec
        .given([])
        .when({ ...grant, actor })
        .thenThrows(DomainError, refusal('role-required', { role: 'admin' }));
    });

    it('a credential must end after it starts', () => {
      spec
        .given([])
        .when({ ...grant, validTo: grant.validFrom })
        .thenThrows(
          DomainError,
          refusal('credential-validity-invalid', {
            validFrom: '2026-01-01T00:00:00.000Z',
            validTo: '2026-01-01T00:00:00.000Z',
          }),
        );
      spec
        .given([])
        .when({ ...grant, validTo: at('2025-01-01T00:00:00.000Z') })
        .thenThrows(DomainError, code('credential-validity-invalid'));
    });

    it('a number is granted once, also after it was withdrawn', () => {
      spec
        .given([granted(), withdrawn])
        .when(grant)
        .thenThrows(
          DomainError,
          refusal('credential-already-granted', {
            credentialNumber: 'ZF-110105-0042',
            officerId: 'officer-5',
          }),
        );
    });

    it('a number another officer holds is refused, naming them', () => {
      spec
        .given([])
        .when({ ...grant, numberHeldBy: 'officer-8' })
        .thenThrows(
          DomainError,
          refusal('credential-already-granted', {
            credentialNumber: 'ZF-110105-0042',
            officerId: 'officer-8',
          }),
        );
    });
  });

  describe('withdrawal', () => {
    it('the admin withdraws a credential with a reason', () => {
      spec.given([granted()]).when(withdraw).then([withdrawn]);
    });

    it('only the admin withdraws', () => {
      spec
        .given([granted()])
        .when({ ...withdraw, actor: { id: 'officer-5', roles: ['officer'] } })
        .thenThrows(DomainError, code('role-required'));
    });

    it('an unknown credential is refused', () => {
      spec
        .given([granted('ZF-110105-0099')])
        .when(withdraw)
        .thenThrows(
          DomainError,
          refusal('credential-unknown', {
            officerId: 'officer-5',
            credentialNumber: 'ZF-110105-0042',
          }),
        );
    });

    it('a credential is withdrawn once', () => {
      spec
        .given([granted(), withdrawn])
        .when(withdraw)
        .thenThrows(
          DomainError,
          refusal('credential-already-withdrawn', {
            withdrawnAt: '2026-06-01T09:00:00.000Z',
            withdrawnBy: 'street-admin-1',
          }),
        );
    });
  });

  it('folds into the credentials the enforcement deciders judge, in the order granted', () => {
    expect(fold(credentialDecider, [granted('ZF-1'), granted(), withdrawn])).toEqual({
      credentials: [
        {
          credentialNumber: 'ZF-1',
          issuingBody: 'Xicheng District Urban Management Bureau',
          validFrom: '2026-01-01T00:00:00.000Z',
          validTo: '2029-01-01T00:00:00.000Z',
          grantedBy: 'street-admin-1',
          grantedAt: '2025-12-20T09:00:00.000Z',
        },
        {
          credentialNumber: 'ZF-110105-0042',
          issuingBody: 'Xicheng District Urban Management Bureau',
          validFrom: '2026-01-01T00:00:00.000Z',
          validTo: '2029-01-01T00:00:00.000Z',
          grantedBy: 'street-admin-1',
          grantedAt: '2025-12-20T09:00:00.000Z',
          withdrawn: {
            reason: 'left the enforcement team',
            by: 'street-admin-1',
            at: '2026-06-01T09:00:00.000Z',
          },
        },
      ],
    });
  });
});
