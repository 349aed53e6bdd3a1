import { type DomainError } from '@gridline/eventsourcing';
import {
  at,
  expiredCredential,
  notYetValidCredential,
  officerHolding,
  validCredential,
  withdrawnCredential,
} from './fixtures.spec.js';
import { credentialStatusAt, requireEnforcementCredential, staffRef } from './staff.js';

describe('An enforcement credential at a time', () => {
  it('is valid from its first instant until, not including, its end', () => {
    expect(credentialStatusAt(validCredential, at('2024-12-31T23:59:59.999Z'))).toBe(
      'not-yet-valid',
    );
    expect(credentialStatusAt(validCredential, at('2025-01-01T00:00:00.000Z'))).toBe('valid');
    expect(credentialStatusAt(validCredential, at('2027-12-31T23:59:59.999Z'))).toBe('valid');
    expect(credentialStatusAt(validCredential, at('2028-01-01T00:00:00.000Z'))).toBe('expired');
  });

  it('counts as withdrawn from the withdrawal on, not before', () => {
    expect(credentialStatusAt(withdrawnCredential, at('2026-02-01T08:59:59.999Z'))).toBe('valid');
    expect(credentialStatusAt(withdrawnCredential, at('2026-02-01T09:00:00.000Z'))).toBe(
      'withdrawn',
    );
  });

  it('a withdrawal outranks the validity period in the refusal', () => {
    const withdrawnLate = {
      ...expiredCredential,
      withdrawn: { reason: 'misconduct', by: 'street-admin-1', at: '2025-06-01T00:00:00.000Z' },
    };
    expect(credentialStatusAt(withdrawnLate, at('2026-03-01T00:00:00.000Z'))).toBe('withdrawn');
  });

  it('the refusal names the most recently granted credential', () => {
    const actor = officerHolding(expiredCredential, notYetValidCredential);
    expect(() =>
      requireEnforcementCredential(actor, 'issue a warning', at('2026-03-09T07:45:00Z')),
    ).toThrow(
      expect.objectContaining({
        code: 'enforcement-credential-not-yet-valid',
        details: expect.objectContaining({
          credentialNumber: 'ZF-110105-0043',
          at: '2026-03-09T07:45:00.000Z',
        }) as unknown,
      }) as DomainError,
    );
  });

  it('the act records the most recently granted of the credentials valid then', () => {
    const second = { ...validCredential, credentialNumber: 'ZF-110105-0050' };
    const actor = officerHolding(validCredential, second, notYetValidCredential);
    expect(requireEnforcementCredential(actor, 'warn', at('2026-03-09T07:45:00Z'))).toEqual({
      officerId: 'officer-5',
      credentialId: 'ZF-110105-0050',
    });
    expect(staffRef(actor, at('2026-03-09T07:45:00Z'))).toEqual({
      staffId: 'officer-5',
      credentialId: 'ZF-110105-0050',
    });
  });
});
