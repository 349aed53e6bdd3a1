// Fixtures shared by the street specs. The `.spec.ts` suffix keeps this file out
// of the production build; jest runs only `*.unit.spec.ts`, so it is no test itself.
import type { EnforcementEvidence, OfficerRef, Place } from '@gridline/contracts';
import type { NewEvidence } from './evidence.js';
import type { HeldCredential, StaffActor } from './staff.js';

export const caseId = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
export const subjectId = '5b1e0c9a-1111-4a2b-8c3d-000000000001';
export const category = 'street-vending';

export const schoolGate: Place = {
  street: 'Xinjiekou',
  community: 'Zhaodengyu',
  grid: 'G-0312',
  description: 'school gate, north side',
};

export const gridWorker: StaffActor = { id: 'worker-17', roles: ['grid-worker'] };

// Credentials of the registry, as the handler folds them for the decider. The
// specs' acts happen in March to May 2026.
const credential = (
  credentialNumber: string,
  validFrom: string,
  validTo: string,
): HeldCredential => ({
  credentialNumber,
  issuingBody: 'Xicheng District Urban Management Bureau',
  validFrom,
  validTo,
  grantedBy: 'street-admin-1',
  grantedAt: '2024-12-20T09:00:00.000Z',
});
export const validCredential = credential(
  'ZF-110105-0042',
  '2025-01-01T00:00:00.000Z',
  '2028-01-01T00:00:00.000Z',
);
export const notYetValidCredential = credential(
  'ZF-110105-0043',
  '2027-01-01T00:00:00.000Z',
  '2030-01-01T00:00:00.000Z',
);
export const expiredCredential = credential(
  'ZF-110105-0041',
  '2022-01-01T00:00:00.000Z',
  '2026-01-01T00:00:00.000Z',
);
export const withdrawnCredential: HeldCredential = {
  ...credential('ZF-110105-0044', '2025-01-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z'),
  withdrawn: {
    reason: 'left the enforcement team',
    by: 'street-admin-1',
    at: '2026-02-01T09:00:00.000Z',
  },
};

/** officer-5 as the registry holds them: these credentials and no other. */
export const officerHolding = (...credentials: HeldCredential[]): StaffActor => ({
  id: 'officer-5',
  roles: ['officer'],
  credentials,
});
export const officer: StaffActor = officerHolding(validCredential);
export const officerRef: OfficerRef = { officerId: 'officer-5', credentialId: 'ZF-110105-0042' };
/** Holds the role but no enforcement credential (e.g. a temporary hire). */
export const uncredentialedOfficer: StaffActor = { id: 'officer-9', roles: ['officer'] };

/**
 * Officers whose credentials do not count at the specs' times, with the code and
 * details each refusal gives: every act that needs a credential runs them all.
 */
export const credentialRefusals: readonly {
  readonly name: string;
  readonly actor: StaffActor;
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;
}[] = [
  {
    name: 'none in the registry',
    actor: officerHolding(),
    code: 'enforcement-credential-required',
    details: { actorId: 'officer-5' },
  },
  {
    name: 'one not valid yet',
    actor: officerHolding(notYetValidCredential),
    code: 'enforcement-credential-not-yet-valid',
    details: {
      credentialNumber: 'ZF-110105-0043',
      validFrom: '2027-01-01T00:00:00.000Z',
      validTo: '2030-01-01T00:00:00.000Z',
    },
  },
  {
    name: 'an expired one',
    actor: officerHolding(expiredCredential),
    code: 'enforcement-credential-expired',
    details: {
      credentialNumber: 'ZF-110105-0041',
      validFrom: '2022-01-01T00:00:00.000Z',
      validTo: '2026-01-01T00:00:00.000Z',
    },
  },
  {
    name: 'a withdrawn one',
    actor: officerHolding(withdrawnCredential),
    code: 'enforcement-credential-withdrawn',
    details: {
      credentialNumber: 'ZF-110105-0044',
      withdrawnAt: '2026-02-01T09:00:00.000Z',
    },
  },
];

/** An officer holding an expired, a withdrawn and a valid credential acts under the valid one. */
export const officerWithHistory = officerHolding(
  expiredCredential,
  validCredential,
  withdrawnCredential,
);
export const reviewer: StaffActor = { id: 'reviewer-2', roles: ['legal-reviewer'] };

export const at = (iso: string) => new Date(iso);

export const evidence = (n: number): NewEvidence => ({
  evidenceId: `e0000000-0000-4000-8000-00000000000${n}`,
  kind: 'photo',
  sha256: n.toString(16).repeat(64).slice(0, 64),
  description: `photo ${n} of the stall`,
  // Before every recording in these specs (evidence is captured, then recorded).
  capturedAt: '2026-03-01T07:40:00.000Z',
  place: schoolGate,
});

export const recorded = (n: number, recordedAt: string, by = officerRef): EnforcementEvidence => ({
  ...evidence(n),
  recordedBy: by,
  recordedAt,
});

export const code = (expected: string) => (e: { code: string }) => e.code === expected;

/** A refusal with this code whose details include these. */
export const refusal =
  (expected: string, details: Readonly<Record<string, unknown>>) =>
  (e: { code: string; details: Readonly<Record<string, unknown>> }) =>
    e.code === expected && Object.entries(details).every(([k, v]) => e.details[k] === v);
