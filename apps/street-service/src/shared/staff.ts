import type { OfficerRef, StaffRef } from '@gridline/contracts';
import { DomainError } from '@gridline/eventsourcing';

/**
 * One enforcement credential as the registry holds it (credentials/), folded
 * from the officer's stream `street-credential-<officerId>`.
 */
export interface HeldCredential {
  readonly credentialNumber: string;
  readonly issuingBody: string;
  readonly validFrom: string;
  /** The first instant it is no longer valid. */
  readonly validTo: string;
  readonly grantedBy: string;
  readonly grantedAt: string;
  readonly withdrawn?: {
    readonly reason: string;
    readonly by: string;
    readonly at: string;
  };
}

export type CredentialStatus = 'valid' | 'not-yet-valid' | 'expired' | 'withdrawn';

/** What a credential is worth at a time: valid from `validFrom` until `validTo`, unless withdrawn by then. */
export function credentialStatusAt(credential: HeldCredential, at: Date): CredentialStatus {
  const t = at.getTime();
  if (credential.withdrawn && Date.parse(credential.withdrawn.at) <= t) return 'withdrawn';
  if (t < Date.parse(credential.validFrom)) return 'not-yet-valid';
  if (t >= Date.parse(credential.validTo)) return 'expired';
  return 'valid';
}

/**
 * Who gives a command, as deciders see it: the principal's id and roles and,
 * for commands that need one, the enforcement credentials the registry holds
 * for them (the handler loads them; absent means none). Deciders check
 * qualifications themselves, so a rule holds whichever door (HTTP, Kafka, a
 * script) the command came through.
 */
export interface StaffActor {
  readonly id: string;
  readonly roles: readonly string[];
  readonly credentials?: readonly HeldCredential[];
}

export const hasRole = (actor: StaffActor, role: string) => actor.roles.includes(role);

/** The credential an act at `at` is done under: the most recently granted of those valid then. */
export function validCredentialAt(actor: StaffActor, at: Date): HeldCredential | undefined {
  return (actor.credentials ?? []).filter((c) => credentialStatusAt(c, at) === 'valid').at(-1);
}

/** Auxiliary staff, or an officer naming the credential valid at the time if they hold one. */
export function staffRef(actor: StaffActor, at: Date): StaffRef {
  const credential = validCredentialAt(actor, at);
  return credential
    ? { staffId: actor.id, credentialId: credential.credentialNumber }
    : { staffId: actor.id };
}

const REFUSALS: Record<Exclude<CredentialStatus, 'valid'>, { code: string; why: string }> = {
  'not-yet-valid': { code: 'enforcement-credential-not-yet-valid', why: 'is not valid yet' },
  expired: { code: 'enforcement-credential-expired', why: 'has expired' },
  withdrawn: { code: 'enforcement-credential-withdrawn', why: 'was withdrawn' },
};

/**
 * Warnings, penalties and evidence need a proper officer: the `officer` role and
 * an enforcement credential of the registry valid at the act's time `at`.
 * Auxiliary or temporary staff may only remind and report. A refusal names the
 * officer's most recent credential and why it does not count (not yet valid,
 * expired, withdrawn), or that the registry holds none.
 */
export function requireEnforcementCredential(
  actor: StaffActor,
  action: string,
  at: Date,
): OfficerRef {
  const when = at.toISOString();
  if (!hasRole(actor, 'officer'))
    throw new DomainError(
      'enforcement-credential-required',
      `only an officer holding an enforcement credential may ${action}`,
      { actorId: actor.id, action, at: when },
    );
  const valid = validCredentialAt(actor, at);
  if (valid) return { officerId: actor.id, credentialId: valid.credentialNumber };
  const latest = actor.credentials?.at(-1);
  if (!latest)
    throw new DomainError(
      'enforcement-credential-required',
      `officer ${actor.id} holds no enforcement credential in the registry: only an officer holding one may ${action}`,
      { actorId: actor.id, action, at: when },
    );
  const status = credentialStatusAt(latest, at) as Exclude<CredentialStatus, 'valid'>;
  const refusal = REFUSALS[status];
  const period = `valid ${latest.validFrom} to ${latest.validTo}`;
  throw new DomainError(
    refusal.code,
    `enforcement credential ${latest.credentialNumber} of officer ${actor.id} ${refusal.why} (${period}${latest.withdrawn ? `, withdrawn ${latest.withdrawn.at}` : ''}) at ${when}: only an officer holding a valid credential may ${action}`,
    {
      actorId: actor.id,
      action,
      at: when,
      credentialNumber: latest.credentialNumber,
      validFrom: latest.validFrom,
      validTo: latest.validTo,
      ...(latest.withdrawn ? { withdrawnAt: latest.withdrawn.at } : {}),
    },
  );
}

export function requireRole(actor: StaffActor, role: string, action: string): void {
  if (!hasRole(actor, role))
    throw new DomainError('role-required', `only a ${role} may ${action}`, {
      actorId: actor.id,
      role,
      action,
    });
}
