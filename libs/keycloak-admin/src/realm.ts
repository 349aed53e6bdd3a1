/**
 * The realm kept in the repository (deploy/keycloak/gridline-realm.json) and
 * copies of it with overrides: a test gets a realm of its own, with short
 * lifespans or an extra client, from the same file the local stack imports.
 */
import { readFileSync } from 'node:fs';

/** A Keycloak representation: plain JSON, typed only where this library reads it. */
export type Representation = Record<string, unknown>;

export interface ClientRepresentation extends Representation {
  clientId: string;
}

export interface RealmRepresentation extends Representation {
  realm: string;
  clients?: ClientRepresentation[];
}

/** Gridline's realm roles, as the realm file declares them. */
export const GRIDLINE_ROLES = [
  'grid-worker',
  'officer',
  'legal-reviewer',
  'coordinator',
  'analyst',
  'admin',
  'service',
  'reporting-app',
] as const;
export type GridlineRole = (typeof GRIDLINE_ROLES)[number];

/** The client scopes every Gridline client has by default (the realm file's defaultDefaultClientScopes). */
export const DEFAULT_CLIENT_SCOPES = ['basic', 'profile', 'web-origins', 'acr', 'gridline'];

export function readRealmFile(file: string): RealmRepresentation {
  const realm = JSON.parse(readFileSync(file, 'utf8')) as RealmRepresentation;
  if (typeof realm.realm !== 'string') throw new Error(`${file}: no "realm" name`);
  return realm;
}

export interface RealmOverrides {
  /** Another realm name (a test's own realm). */
  readonly name?: string;
  /** Seconds; unset ones keep the file's. */
  readonly accessTokenLifespan?: number;
  readonly ssoSessionIdleTimeout?: number;
  readonly ssoSessionMaxLifespan?: number;
  /** Redirect URIs of the console client (gridline-console) instead of the file's. */
  readonly consoleRedirectUris?: readonly string[];
  /** Clients added to the file's (a test-only direct-grant client, say). */
  readonly extraClients?: readonly ClientRepresentation[];
  /** Any other top-level realm settings, applied last. */
  readonly settings?: Representation;
}

export const CONSOLE_CLIENT_ID = 'gridline-console';

/** A deep copy of the template with the overrides applied; the template is untouched. */
export function realmWith(
  template: RealmRepresentation,
  o: RealmOverrides = {},
): RealmRepresentation {
  const realm = structuredClone(template);
  if (o.name !== undefined) {
    realm.realm = o.name;
    delete realm['id'];
  }
  for (const key of [
    'accessTokenLifespan',
    'ssoSessionIdleTimeout',
    'ssoSessionMaxLifespan',
  ] as const)
    if (o[key] !== undefined) realm[key] = o[key];
  const clients = realm.clients ?? [];
  if (o.consoleRedirectUris) {
    const console = clients.find((c) => c.clientId === CONSOLE_CLIENT_ID);
    if (!console) throw new Error(`the realm has no client ${CONSOLE_CLIENT_ID}`);
    console['redirectUris'] = [...o.consoleRedirectUris];
  }
  for (const extra of o.extraClients ?? []) {
    if (clients.some((c) => c.clientId === extra.clientId))
      throw new Error(`the realm already has a client ${extra.clientId}`);
    clients.push(structuredClone(extra));
  }
  realm.clients = clients;
  return { ...realm, ...(o.settings ?? {}) };
}

/**
 * A public client with the password grant, for tests only (the realm's own
 * clients have none): it gets the Gridline scopes and roles like the console.
 */
export function directGrantClient(clientId: string): ClientRepresentation {
  return {
    clientId,
    enabled: true,
    protocol: 'openid-connect',
    publicClient: true,
    standardFlowEnabled: false,
    implicitFlowEnabled: false,
    directAccessGrantsEnabled: true,
    serviceAccountsEnabled: false,
    fullScopeAllowed: false,
    defaultClientScopes: [...DEFAULT_CLIENT_SCOPES],
    optionalClientScopes: [],
  };
}
