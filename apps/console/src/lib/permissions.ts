// Whether the signed-in person may use a command, from the table in
// command-access.ts (copied from the services' route declarations).
import type { Identity } from '../api/session';
import { COMMANDS, type CommandAccess } from './command-access';

export { COMMANDS };
export type CommandName = keyof typeof COMMANDS;

/** Whether the signed-in person may use a command (so its form is shown). */
export function mayUse(identity: Identity | null | undefined, command: CommandName): boolean {
  if (!identity) return false;
  const access: CommandAccess = COMMANDS[command];
  return (
    access.roles.some((role) => identity.roles.includes(role)) &&
    (!access.ownAgency || identity.agency === access.agency)
  );
}
