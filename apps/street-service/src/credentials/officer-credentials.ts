import type { EventStore } from '@gridline/eventsourcing';
import type { Principal } from '@gridline/platform';
import { actorOf, loadState } from '../shared/run-command.js';
import type { StaffActor } from '../shared/staff.js';
import { credentialDecider, credentialStreamId } from './credential.decider.js';

/**
 * The actor of a command that may need an enforcement credential, with the
 * credentials the registry holds for them: the deciders judge them at the
 * command's time. Only officers can hold one, so nobody else's stream is read.
 */
export async function actorWithCredentials(
  store: EventStore,
  principal: Principal,
): Promise<StaffActor> {
  const actor = actorOf(principal);
  if (!actor.roles.includes('officer')) return actor;
  const { credentials } = await loadState(store, credentialDecider, credentialStreamId(actor.id));
  return { ...actor, credentials };
}
