import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isEventOfType } from '@gridline/contracts';
import type { Clock, EventStore, IdGenerator } from '@gridline/eventsourcing';
import { CLOCK, EVENT_STORE, IDS, type Principal } from '@gridline/platform';
import { textBodySchema } from '../shared/body-schemas.js';
import { actorOf, runCommand, type CommandResult } from '../shared/run-command.js';
import {
  CREDENTIAL_REGISTRY_CASE_ID,
  credentialDecider,
  credentialStreamId,
  type CredentialCommand,
} from './credential.decider.js';

/** A principal id as tokens carry it (a username or a UUID). */
export const officerIdSchema = {
  type: 'string',
  pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$',
} as const;
export const credentialNumberSchema = {
  type: 'string',
  pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$',
} as const;

/** Body of `POST /api/credentials`. */
export interface GrantCredentialBody {
  readonly officerId: string;
  readonly credentialNumber: string;
  readonly issuingBody: string;
  readonly validFrom: string;
  readonly validTo: string;
}

export const grantCredentialBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['officerId', 'credentialNumber', 'issuingBody', 'validFrom', 'validTo'],
  properties: {
    officerId: officerIdSchema,
    credentialNumber: credentialNumberSchema,
    issuingBody: { type: 'string', minLength: 1, maxLength: 200 },
    validFrom: { type: 'string', format: 'date-time' },
    validTo: { type: 'string', format: 'date-time' },
  },
} as const;

/** Body of `POST /api/credentials/{officerId}/withdrawals`. */
export interface WithdrawCredentialBody {
  readonly credentialNumber: string;
  readonly reason: string;
}

export const withdrawCredentialBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['credentialNumber', 'reason'],
  properties: { credentialNumber: credentialNumberSchema, reason: textBodySchema },
} as const;

export type CredentialAction =
  | { readonly kind: 'grant'; readonly body: GrantCredentialBody }
  | {
      readonly kind: 'withdraw';
      readonly officerId: string;
      readonly body: WithdrawCredentialBody;
    };

export class CredentialActionCommand {
  constructor(
    readonly action: CredentialAction,
    readonly principal: Principal,
    readonly traceparent?: string,
  ) {}
}

export type CredentialActionResult = CommandResult & {
  readonly officerId: string;
  readonly credentialNumber: string;
};

/** Grants and withdrawals: load the officer's registry stream, decide, append. */
@CommandHandler(CredentialActionCommand)
export class CredentialActionHandler implements ICommandHandler<
  CredentialActionCommand,
  CredentialActionResult
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
  ) {}

  async execute({
    action,
    principal,
    traceparent,
  }: CredentialActionCommand): Promise<CredentialActionResult> {
    const now = this.clock.now();
    const actor = actorOf(principal);
    const officerId = action.kind === 'grant' ? action.body.officerId : action.officerId;
    const command: CredentialCommand =
      action.kind === 'grant'
        ? {
            type: 'GrantCredential',
            officerId,
            credentialNumber: action.body.credentialNumber,
            issuingBody: action.body.issuingBody,
            validFrom: new Date(action.body.validFrom),
            validTo: new Date(action.body.validTo),
            ...(await this.holderElsewhere(officerId, action.body.credentialNumber)),
            actor,
            grantedAt: now,
          }
        : {
            type: 'WithdrawCredential',
            officerId,
            credentialNumber: action.body.credentialNumber,
            reason: action.body.reason,
            actor,
            withdrawnAt: now,
          };
    const result = await runCommand(
      this.store,
      this.ids,
      credentialDecider,
      credentialStreamId(officerId),
      command,
      {
        principal,
        caseId: CREDENTIAL_REGISTRY_CASE_ID,
        now,
        ...(traceparent ? { traceparent } : {}),
      },
    );
    return { officerId, credentialNumber: command.credentialNumber, ...result };
  }

  /**
   * Another officer already granted this number, read from the whole registry.
   * Two grants of one number to two officers at the same moment could both pass
   * (different streams); the registry is an admin's tool, so that is accepted.
   */
  private async holderElsewhere(
    officerId: string,
    credentialNumber: string,
  ): Promise<{ numberHeldBy?: string }> {
    const registry = await this.store.readCase(CREDENTIAL_REGISTRY_CASE_ID);
    const held = registry.find(
      (e) =>
        isEventOfType(e, 'street.credential.granted.v1') &&
        e.data.credentialNumber === credentialNumber &&
        e.data.officerId !== officerId,
    );
    return held ? { numberHeldBy: (held.data as { officerId: string }).officerId } : {};
  }
}
