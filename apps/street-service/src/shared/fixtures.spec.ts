// Fixtures shared by the street specs. The `.spec.ts` suffix keeps this file out
// of the production build; jest runs only `*.unit.spec.ts`, so it is no test itself.
import type { EnforcementEvidence, OfficerRef, Place } from '@gridline/contracts';
import type { NewEvidence } from './evidence.js';
import type { StaffActor } from './staff.js';

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
export const officer: StaffActor = {
  id: 'officer-5',
  roles: ['officer'],
  credentialId: 'ZF-110105-0042',
};
export const officerRef: OfficerRef = { officerId: 'officer-5', credentialId: 'ZF-110105-0042' };
/** Holds the role but no enforcement credential (e.g. a temporary hire). */
export const uncredentialedOfficer: StaffActor = { id: 'officer-9', roles: ['officer'] };
export const reviewer: StaffActor = { id: 'reviewer-2', roles: ['legal-reviewer'] };

export const at = (iso: string) => new Date(iso);

export const evidence = (n: number): NewEvidence => ({
  evidenceId: `e0000000-0000-4000-8000-00000000000${n}`,
  kind: 'photo',
  sha256: n.toString(16).repeat(64).slice(0, 64),
  description: `photo ${n} of the stall`,
  capturedAt: '2026-03-09T07:40:00.000Z',
  place: schoolGate,
});

export const recorded = (n: number, recordedAt: string, by = officerRef): EnforcementEvidence => ({
  ...evidence(n),
  recordedBy: by,
  recordedAt,
});

export const code = (expected: string) => (e: { code: string }) => e.code === expected;
