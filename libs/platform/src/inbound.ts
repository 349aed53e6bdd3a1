import { createHash } from 'node:crypto';
import type { Agency } from '@gridline/contracts';
import {
  InboundCommandConsumer,
  RetryLaterError,
  type InboundCommand,
  type KafkaNames,
} from '@gridline/messaging';
import type { PostgresIdempotencyStore } from '@gridline/store-postgres';
import type { Kafka, Producer } from 'kafkajs';
import type { Principal, TokenVerifier } from './token-verifier.js';
import { runOnce } from './idempotency.js';
import type { JsonLogger } from './logger.js';

/**
 * What department systems may send an agency service over Kafka: CloudEvent
 * type → data schema and command. An agency module provides it under this
 * token; the agency runtime consumes `gridline.inbound.<agency>.v1` when it does.
 */
export const INBOUND_COMMANDS = Symbol('INBOUND_COMMANDS');
export type InboundCommands = ReadonlyMap<string, InboundCommand<Principal>>;

/**
 * The inbound consumer of one agency service: tokens checked like HTTP bearer
 * tokens, only the agency's own service accounts (role `service`) granted the
 * command's type as a scope (client credentials of that system) accepted, and
 * each CloudEvent (source, id) executed once — through the same idempotency
 * claims as HTTP commands, so a crash mid-command neither loses nor doubles it.
 */
export function inboundConsumer(args: {
  agency: Agency;
  kafka: Kafka;
  producer: Producer;
  logger: JsonLogger;
  names: KafkaNames;
  verifier: TokenVerifier;
  idempotency: PostgresIdempotencyStore;
  commands: InboundCommands;
}): InboundCommandConsumer<Principal> {
  const { agency, idempotency } = args;
  const scope = `inbound:${agency}`;
  return new InboundCommandConsumer<Principal>(args.kafka, args.producer, args.logger, {
    groupId: `${agency}-inbound`,
    agency,
    names: args.names,
    commands: args.commands,
    authenticate: (token) => args.verifier.verify(token),
    refuse: (principal, type) => {
      if (principal.agency !== agency)
        return `a service account of ${principal.agency} cannot send commands to ${agency}`;
      if (!principal.roles.includes('service'))
        return 'inbound commands need a service account (role service)';
      // Each department system is granted the commands it may send as OAuth scopes.
      if (!principal.scopes?.includes(type))
        return `this department system is not granted ${type} (its token's scope)`;
      return undefined;
    },
    once: async (key, work) => {
      const hash = createHash('sha256').update(key).digest('hex');
      const outcome = await runOnce(idempotency, scope, hash, hash, {
        work,
        // Anything may be tried again, unless it appended something first.
        failure: (error) => ({
          status: 500,
          body: { error: (error as Error).message },
          retryable: true,
        }),
      });
      if (outcome.state === 'in-progress')
        throw new RetryLaterError('the same CloudEvent is being executed elsewhere');
      return outcome.state === 'ran' ? 'ran' : 'duplicate';
    },
  });
}
