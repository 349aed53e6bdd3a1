import kafkajs from 'kafkajs';
import type { AclEntry, Kafka as KafkaClient } from 'kafkajs';
import {
  AGENCIES,
  agencyEventsTopic,
  agencyInboundTopic,
  deadLetterTopic,
  TIMELINE_FEED_RETENTION_MS,
  TIMELINE_FEED_TOPIC,
  type Agency,
} from '@gridline/contracts';
import { ensureTopics, type KafkaNames } from './kafka.js';

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

/**
 * Who may do what on Kafka (docs/security.md, "Kafka"). The broker denies by
 * default; these are the only rights granted, one SCRAM user per app:
 *
 * | user | writes | reads | groups |
 * | --- | --- | --- | --- |
 * | gridline-<agency> | its own events topic; the dead-letter topics of what it reads | every agency's events, its inbound commands | `<agency>-…` |
 * | gridline-projector | the timeline feed; the events' dead-letter topics | every agency's events | `projector.…` |
 * | gridline-gateway | — | the timeline feed; counts of the dead-letter topics | `gateway.…` |
 * | gridline-department | the three inbound topics | — | — |
 *
 * Nobody but the owner (a super user, `gridline-admin` locally) creates topics
 * or changes rights: `gridline kafka-acls` creates the topics and grants these,
 * as `gridline migrate` does for the database.
 */
export type KafkaUser = Agency | 'projector' | 'gateway' | 'department';

export const KAFKA_USERS: readonly KafkaUser[] = [
  ...AGENCIES,
  'projector',
  'gateway',
  'department',
];

/** The SCRAM user name of an app (`gridline-swc`, …), as the local stack makes them. */
export function kafkaUserName(user: KafkaUser): string {
  return `gridline-${user}`;
}

type Operation = 'READ' | 'WRITE' | 'DESCRIBE';

export interface KafkaGrant {
  readonly user: KafkaUser;
  readonly resource: 'topic' | 'group';
  /** A topic's or group's full name (under the namespace), or a group prefix. */
  readonly name: string;
  readonly pattern: 'literal' | 'prefixed';
  readonly operation: Operation;
}

export interface KafkaAccessPlan {
  /** Every topic the platform uses, with the settings each is created with. */
  readonly topics: readonly { readonly name: string; readonly configs: Record<string, string> }[];
  readonly grants: readonly KafkaGrant[];
}

/**
 * The topics and grants under a namespace (`KAFKA_NAMESPACE`; empty in
 * production): a test's namespace gets the same rights as production's.
 */
export function kafkaAccessPlan(names: KafkaNames): KafkaAccessPlan {
  const events = AGENCIES.map((a) => names.topic(agencyEventsTopic(a)));
  const inbound = AGENCIES.map((a) => names.topic(agencyInboundTopic(a)));
  const feedTopic = names.topic(TIMELINE_FEED_TOPIC);
  const grants: KafkaGrant[] = [];
  const topic = (user: KafkaUser, name: string, ...operations: Operation[]) => {
    for (const operation of ['DESCRIBE' as const, ...operations])
      grants.push({ user, resource: 'topic', name, pattern: 'literal', operation });
  };
  const groups = (user: KafkaUser, prefix: string) =>
    grants.push({
      user,
      resource: 'group',
      name: names.group(prefix),
      pattern: 'prefixed',
      operation: 'READ',
    });

  for (const agency of AGENCIES) {
    const own = names.topic(agencyEventsTopic(agency));
    const commands = names.topic(agencyInboundTopic(agency));
    for (const t of events)
      topic(agency, t, ...(t === own ? (['READ', 'WRITE'] as const) : (['READ'] as const)));
    topic(agency, commands, 'READ');
    // A message it cannot handle goes to the dead-letter twin of the topic it came from.
    for (const t of [...events, commands]) topic(agency, deadLetterTopic(t), 'WRITE');
    groups(agency, `${agency}-`);
  }

  for (const t of events) {
    topic('projector', t, 'READ');
    topic('projector', deadLetterTopic(t), 'WRITE');
  }
  topic('projector', feedTopic, 'WRITE');
  groups('projector', 'projector.');

  topic('gateway', feedTopic, 'READ');
  for (const t of [...events, ...inbound]) topic('gateway', deadLetterTopic(t));
  groups('gateway', 'gateway.');

  for (const t of inbound) topic('department', t, 'WRITE');

  const topics: { name: string; configs: Record<string, string> }[] = [...events, ...inbound]
    .flatMap((t) => [t, deadLetterTopic(t)])
    .map((name) => ({ name, configs: {} }));
  topics.push({ name: feedTopic, configs: { 'retention.ms': String(TIMELINE_FEED_RETENTION_MS) } });
  return { topics, grants };
}

/**
 * Creates the plan's topics and grants its rights (idempotent: an existing topic
 * or ACL is left as it is). `admin` must be a client of the owner: a super user,
 * or one allowed to create topics and ACLs.
 */
export async function applyKafkaAccess(
  admin: KafkaClient,
  plan: KafkaAccessPlan,
): Promise<{ topics: number; acls: number }> {
  const plain = plan.topics.filter((t) => Object.keys(t.configs).length === 0).map((t) => t.name);
  await ensureTopics(admin, plain);
  for (const t of plan.topics.filter((t) => Object.keys(t.configs).length > 0))
    await ensureTopics(admin, [t.name], 3, t.configs);
  const acl = aclEntries(plan);
  const client = admin.admin();
  await client.connect();
  try {
    await client.createAcls({ acl });
  } finally {
    await client.disconnect();
  }
  return { topics: plan.topics.length, acls: acl.length };
}

/** Takes the plan's rights back (a namespace that is done with, e.g. a test's). */
export async function revokeKafkaAccess(admin: KafkaClient, plan: KafkaAccessPlan): Promise<void> {
  const client = admin.admin();
  await client.connect();
  try {
    await client.deleteAcls({ filters: aclEntries(plan) });
  } finally {
    await client.disconnect();
  }
}

function aclEntries(plan: KafkaAccessPlan): AclEntry[] {
  return plan.grants.map((g) => ({
    resourceType: g.resource === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
    resourceName: g.name,
    resourcePatternType:
      g.pattern === 'literal' ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
    principal: `User:${kafkaUserName(g.user)}`,
    host: '*',
    operation: AclOperationTypes[g.operation],
    permissionType: AclPermissionTypes.ALLOW,
  }));
}
