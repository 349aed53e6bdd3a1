import type { CredentialGranted, CredentialWithdrawn } from '@gridline/contracts';
import { assertNever, deterministicId, DomainError, type Decider } from '@gridline/eventsourcing';
import { requireRole, type HeldCredential, type StaffActor } from '../shared/staff.js';

// The enforcement credential registry: one stream per officer holds every
// credential the street office's admin granted them and every withdrawal. The
// deciders of warnings, penalties and evidence get the folded credentials in the
// acting officer's StaffActor (shared/staff.ts) and check them at the act's time.

export interface GrantCredential {
  readonly type: 'GrantCredential';
  readonly officerId: string;
  readonly credentialNumber: string;
  readonly issuingBody: string;
  readonly validFrom: Date;
  readonly validTo: Date;
  /**
   * The officer who already holds this number elsewhere in the registry, as the
   * handler read it (a number is granted once, whoever to).
   */
  readonly numberHeldBy?: string;
  readonly actor: StaffActor;
  readonly grantedAt: Date;
}

export interface WithdrawCredential {
  readonly type: 'WithdrawCredential';
  readonly officerId: string;
  readonly credentialNumber: string;
  readonly reason: string;
  readonly actor: StaffActor;
  readonly withdrawnAt: Date;
}

export type CredentialCommand = GrantCredential | WithdrawCredential;
export type CredentialEvent = CredentialGranted | CredentialWithdrawn;

export interface CredentialRegistryState {
  /** In the order they were granted. */
  readonly credentials: readonly HeldCredential[];
}

export const CREDENTIAL_STREAM_PREFIX = 'street-credential-';
export const credentialStreamId = (officerId: string) => `${CREDENTIAL_STREAM_PREFIX}${officerId}`;

/**
 * Registry events belong to no coordinated case, yet every event needs a case id
 * (the Kafka key): one fixed id for the whole registry keeps it in order on one
 * key, and lets the list read fetch it by case (an indexed read of the store).
 */
export const CREDENTIAL_REGISTRY_CASE_ID = deterministicId('street-credential-registry');

export const credentialDecider: Decider<
  CredentialCommand,
  CredentialEvent,
  CredentialRegistryState
> = {
  initialState: () => ({ credentials: [] }),

  decide(command, state) {
    switch (command.type) {
      case 'GrantCredential': {
        requireRole(command.actor, 'admin', 'grant an enforcement credential');
        if (command.validTo.getTime() <= command.validFrom.getTime())
          throw new DomainError(
            'credential-validity-invalid',
            `a credential must end after it starts (valid from ${command.validFrom.toISOString()} to ${command.validTo.toISOString()})`,
            {
              validFrom: command.validFrom.toISOString(),
              validTo: command.validTo.toISOString(),
            },
          );
        const holder = state.credentials.some(
          (c) => c.credentialNumber === command.credentialNumber,
        )
          ? command.officerId
          : command.numberHeldBy;
        if (holder !== undefined)
          throw new DomainError(
            'credential-already-granted',
            `enforcement credential ${command.credentialNumber} was already granted (to officer ${holder}): a number is granted once`,
            { credentialNumber: command.credentialNumber, officerId: holder },
          );
        return [
          {
            type: 'street.credential.granted.v1',
            data: {
              officerId: command.officerId,
              credentialNumber: command.credentialNumber,
              issuingBody: command.issuingBody,
              validFrom: command.validFrom.toISOString(),
              validTo: command.validTo.toISOString(),
              grantedBy: command.actor.id,
              grantedAt: command.grantedAt.toISOString(),
            },
          },
        ];
      }
      case 'WithdrawCredential': {
        requireRole(command.actor, 'admin', 'withdraw an enforcement credential');
        const credential = state.credentials.find(
          (c) => c.credentialNumber === command.credentialNumber,
        );
        if (!credential)
          throw new DomainError(
            'credential-unknown',
            `officer ${command.officerId} holds no enforcement credential ${command.credentialNumber}`,
            { officerId: command.officerId, credentialNumber: command.credentialNumber },
          );
        if (credential.withdrawn)
          throw new DomainError(
            'credential-already-withdrawn',
            `enforcement credential ${command.credentialNumber} was already withdrawn on ${credential.withdrawn.at} by ${credential.withdrawn.by}`,
            {
              officerId: command.officerId,
              credentialNumber: command.credentialNumber,
              withdrawnAt: credential.withdrawn.at,
              withdrawnBy: credential.withdrawn.by,
            },
          );
        return [
          {
            type: 'street.credential.withdrawn.v1',
            data: {
              officerId: command.officerId,
              credentialNumber: command.credentialNumber,
              reason: command.reason,
              withdrawnBy: command.actor.id,
              withdrawnAt: command.withdrawnAt.toISOString(),
            },
          },
        ];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'street.credential.granted.v1': {
        const { credentialNumber, issuingBody, validFrom, validTo, grantedBy, grantedAt } =
          event.data;
        return {
          credentials: [
            ...state.credentials,
            { credentialNumber, issuingBody, validFrom, validTo, grantedBy, grantedAt },
          ],
        };
      }
      case 'street.credential.withdrawn.v1': {
        const { credentialNumber, reason, withdrawnBy, withdrawnAt } = event.data;
        return {
          credentials: state.credentials.map((c) =>
            c.credentialNumber === credentialNumber
              ? { ...c, withdrawn: { reason, by: withdrawnBy, at: withdrawnAt } }
              : c,
          ),
        };
      }
      default:
        return assertNever(event);
    }
  },
};
