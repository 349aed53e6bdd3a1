import type { OfficerRef, StaffRef } from '@gridline/contracts';
import { DomainError } from '@gridline/eventsourcing';

/**
 * Who gives a command, as deciders see it: the principal's id, roles and
 * enforcement credential. Deciders check qualifications themselves, so a rule
 * holds whichever door (HTTP, Kafka, a script) the command came through.
 */
export interface StaffActor {
  readonly id: string;
  readonly roles: readonly string[];
  /** Enforcement credential id: officers hold one, auxiliary staff do not. */
  readonly credentialId?: string;
}

export const hasRole = (actor: StaffActor, role: string) => actor.roles.includes(role);

export function staffRef(actor: StaffActor): StaffRef {
  return actor.credentialId
    ? { staffId: actor.id, credentialId: actor.credentialId }
    : { staffId: actor.id };
}

/**
 * Warnings, penalties and evidence need a proper officer: the `officer` role and
 * an enforcement credential. Auxiliary or temporary staff may only remind and report.
 */
export function requireEnforcementCredential(actor: StaffActor, action: string): OfficerRef {
  if (!hasRole(actor, 'officer') || !actor.credentialId)
    throw new DomainError(
      'enforcement-credential-required',
      `only an officer holding an enforcement credential may ${action}`,
      { actorId: actor.id, action },
    );
  return { officerId: actor.id, credentialId: actor.credentialId };
}

export function requireRole(actor: StaffActor, role: string, action: string): void {
  if (!hasRole(actor, role))
    throw new DomainError('role-required', `only a ${role} may ${action}`, {
      actorId: actor.id,
      role,
      action,
    });
}
