/**
 * A small client of Keycloak's admin REST API (global fetch only): what the
 * local stack's scripts and the tests need, not the whole API. It signs in to
 * the master realm as the bootstrap admin (admin-cli, password grant) and signs
 * in again when its short-lived token is about to expire.
 */
import type { RealmRepresentation, Representation } from './realm.js';
import { requestToken } from './tokens.js';

export interface KeycloakAdminOptions {
  /** Base address, e.g. http://127.0.0.1:18080 */
  readonly url: string;
  readonly username: string;
  readonly password: string;
}

export interface UserSpec {
  readonly username: string;
  /** swc, drc or street: the `agency` claim. */
  readonly agency: string;
  /** Realm roles (GRIDLINE_ROLES); roles the user has beyond these are taken away. */
  readonly roles: readonly string[];
  /** Set (or reset) when given; must satisfy the realm's password policy. */
  readonly password?: string;
  readonly enabled?: boolean;
  readonly firstName?: string;
  readonly lastName?: string;
}

/** A refused admin request, with what Keycloak answered. */
export class KeycloakAdminError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: string,
  ) {
    super(`Keycloak admin ${method} ${path}: ${status} ${body.slice(0, 300)}`);
  }
}

interface UserRepresentation extends Representation {
  id: string;
  username: string;
}
interface RoleRepresentation extends Representation {
  id: string;
  name: string;
}

const enc = encodeURIComponent;

export class KeycloakAdmin {
  private token = '';
  private expiresAt = 0;

  private constructor(private readonly options: KeycloakAdminOptions) {}

  /** Signs in to the master realm; fails at once on a wrong password or address. */
  static async connect(options: KeycloakAdminOptions): Promise<KeycloakAdmin> {
    const admin = new KeycloakAdmin({ ...options, url: options.url.replace(/\/$/, '') });
    await admin.signIn();
    return admin;
  }

  get url(): string {
    return this.options.url;
  }

  private async signIn(): Promise<void> {
    const token = await requestToken(this.options.url, 'master', {
      grant_type: 'password',
      client_id: 'admin-cli',
      username: this.options.username,
      password: this.options.password,
    });
    this.token = token.access_token;
    this.expiresAt = Date.now() + token.expires_in * 1000;
  }

  /** A request to /admin/realms…; JSON in and out, undefined for an empty answer. */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    if (Date.now() > this.expiresAt - 15_000) await this.signIn();
    const response = await fetch(`${this.options.url}/admin/realms${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new KeycloakAdminError(response.status, method, path, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  // ---- realms --------------------------------------------------------------

  async realmExists(realm: string): Promise<boolean> {
    try {
      await this.request('GET', `/${enc(realm)}`);
      return true;
    } catch (error) {
      if (error instanceof KeycloakAdminError && error.status === 404) return false;
      throw error;
    }
  }

  /** Creates a realm from a full representation (clients, users, scopes, profile…). */
  async createRealm(realm: RealmRepresentation): Promise<void> {
    await this.request('POST', '', realm);
  }

  async deleteRealm(realm: string): Promise<void> {
    try {
      await this.request('DELETE', `/${enc(realm)}`);
    } catch (error) {
      if (!(error instanceof KeycloakAdminError && error.status === 404)) throw error;
    }
  }

  // ---- clients -------------------------------------------------------------

  /** Keycloak's internal id of a client (its clientId is what tokens name). */
  async clientUuid(realm: string, clientId: string): Promise<string> {
    const found = await this.request<{ id: string; clientId: string }[]>(
      'GET',
      `/${enc(realm)}/clients?clientId=${enc(clientId)}`,
    );
    const client = found.find((c) => c.clientId === clientId);
    if (!client) throw new Error(`realm ${realm} has no client ${clientId}`);
    return client.id;
  }

  /** The secret Keycloak generated for a confidential client. */
  async clientSecret(realm: string, clientId: string): Promise<string> {
    const uuid = await this.clientUuid(realm, clientId);
    const secret = await this.request<{ value?: string }>(
      'GET',
      `/${enc(realm)}/clients/${uuid}/client-secret`,
    );
    if (!secret.value) throw new Error(`client ${clientId} of realm ${realm} has no secret`);
    return secret.value;
  }

  /** A new secret for a confidential client (the old one stops working). */
  async regenerateClientSecret(realm: string, clientId: string): Promise<string> {
    const uuid = await this.clientUuid(realm, clientId);
    const secret = await this.request<{ value: string }>(
      'POST',
      `/${enc(realm)}/clients/${uuid}/client-secret`,
    );
    return secret.value;
  }

  // ---- users ---------------------------------------------------------------

  async findUser(realm: string, username: string): Promise<UserRepresentation | undefined> {
    const found = await this.request<UserRepresentation[]>(
      'GET',
      `/${enc(realm)}/users?username=${enc(username)}&exact=true&briefRepresentation=false`,
    );
    return found.find((u) => u.username === username.toLowerCase());
  }

  async userId(realm: string, username: string): Promise<string> {
    const user = await this.findUser(realm, username);
    if (!user) throw new Error(`realm ${realm} has no user ${username}`);
    return user.id;
  }

  /**
   * Creates the user or brings it to the spec: attributes, enabled, realm roles
   * (Gridline roles not in the spec are removed), and the password when given.
   * Returns the user's id. Safe to run again with the same spec.
   */
  async ensureUser(realm: string, spec: UserSpec): Promise<string> {
    const attributes: Record<string, string[]> = { agency: [spec.agency] };
    const fields = {
      username: spec.username,
      enabled: spec.enabled ?? true,
      ...(spec.firstName !== undefined ? { firstName: spec.firstName } : {}),
      ...(spec.lastName !== undefined ? { lastName: spec.lastName } : {}),
      requiredActions: [],
      attributes,
    };
    let user = await this.findUser(realm, spec.username);
    if (!user) {
      await this.request('POST', `/${enc(realm)}/users`, {
        ...fields,
        ...(spec.password
          ? { credentials: [{ type: 'password', value: spec.password, temporary: false }] }
          : {}),
      });
      user = await this.findUser(realm, spec.username);
      if (!user) throw new Error(`user ${spec.username} was not created in realm ${realm}`);
    } else {
      await this.request('PUT', `/${enc(realm)}/users/${user.id}`, { ...user, ...fields });
      if (spec.password) await this.setPassword(realm, user.id, spec.password);
    }
    await this.setRealmRoles(realm, user.id, spec.roles);
    return user.id;
  }

  /**
   * Sets a password. The same password as now (or one of the last few) is
   * refused by the passwordHistory policy: that is taken as already set.
   */
  private async setPassword(realm: string, id: string, password: string): Promise<void> {
    try {
      await this.request('PUT', `/${enc(realm)}/users/${id}/reset-password`, {
        type: 'password',
        value: password,
        temporary: false,
      });
    } catch (error) {
      if (error instanceof KeycloakAdminError && /PasswordHistory/i.test(error.body)) return;
      throw error;
    }
  }

  private async setRealmRoles(realm: string, id: string, roles: readonly string[]): Promise<void> {
    const base = `/${enc(realm)}/users/${id}/role-mappings/realm`;
    const all = await this.request<RoleRepresentation[]>('GET', `/${enc(realm)}/roles`);
    const unknown = roles.filter((r) => !all.some((role) => role.name === r));
    if (unknown.length > 0) throw new Error(`realm ${realm} has no role(s) ${unknown.join(', ')}`);
    // Keycloak's own roles (default-roles-<realm>, offline_access, …) are left alone.
    const builtIn = (name: string) =>
      name.startsWith('default-roles-') ||
      name === 'offline_access' ||
      name === 'uma_authorization';
    const current = await this.request<RoleRepresentation[]>('GET', base);
    const add = all.filter(
      (r) => roles.includes(r.name) && !current.some((c) => c.name === r.name),
    );
    const remove = current.filter((c) => !builtIn(c.name) && !roles.includes(c.name));
    if (add.length > 0) await this.request('POST', base, add);
    if (remove.length > 0) await this.request('DELETE', base, remove);
  }

  async setUserEnabled(realm: string, username: string, enabled: boolean): Promise<void> {
    const user = await this.findUser(realm, username);
    if (!user) throw new Error(`realm ${realm} has no user ${username}`);
    await this.request('PUT', `/${enc(realm)}/users/${user.id}`, { ...user, enabled });
  }

  /** Ends every session of the user (their refresh tokens stop working). */
  async logoutUser(realm: string, username: string): Promise<void> {
    const id = await this.userId(realm, username);
    await this.request('POST', `/${enc(realm)}/users/${id}/logout`);
  }

  async userSessions(realm: string, username: string): Promise<Representation[]> {
    const id = await this.userId(realm, username);
    return this.request<Representation[]>('GET', `/${enc(realm)}/users/${id}/sessions`);
  }

  /** Brute-force detection's view of a user: { disabled, numFailures, … }. */
  async bruteForceStatus(
    realm: string,
    username: string,
  ): Promise<{ disabled: boolean; numFailures: number }> {
    const id = await this.userId(realm, username);
    return this.request('GET', `/${enc(realm)}/attack-detection/brute-force/users/${id}`);
  }

  /** Lifts a brute-force lockout of the user. */
  async clearBruteForce(realm: string, username: string): Promise<void> {
    const id = await this.userId(realm, username);
    await this.request('DELETE', `/${enc(realm)}/attack-detection/brute-force/users/${id}`);
  }

  // ---- signing keys --------------------------------------------------------

  /** The realm's keys: kid, algorithm, status (ACTIVE, PASSIVE), provider priority. */
  async keys(realm: string): Promise<
    {
      kid: string;
      algorithm: string;
      status: string;
      providerId: string;
      providerPriority: number;
      use: string;
    }[]
  > {
    const found = await this.request<{ keys: never[] }>('GET', `/${enc(realm)}/keys`);
    return found.keys;
  }

  /**
   * Key rotation: adds an rsa-generated key provider above every existing one,
   * so new tokens are signed with its key while the old keys stay published
   * (tokens signed before still verify). Returns the new key's kid.
   */
  async rotateSigningKeys(realm: string, options: { algorithm?: string } = {}): Promise<string> {
    const algorithm = options.algorithm ?? 'RS256';
    const { id: realmId } = await this.request<{ id: string }>('GET', `/${enc(realm)}`);
    const before = await this.keys(realm);
    const priority = Math.max(100, ...before.map((k) => k.providerPriority ?? 0)) + 10;
    await this.request('POST', `/${enc(realm)}/components`, {
      name: `rsa-rotated-${Date.now()}`,
      providerId: 'rsa-generated',
      providerType: 'org.keycloak.keys.KeyProvider',
      parentId: realmId,
      config: {
        priority: [String(priority)],
        enabled: ['true'],
        active: ['true'],
        algorithm: [algorithm],
        keySize: ['2048'],
      },
    });
    const added = (await this.keys(realm)).find(
      (k) => k.algorithm === algorithm && k.use === 'SIG' && !before.some((b) => b.kid === k.kid),
    );
    if (!added) throw new Error(`no new ${algorithm} key appeared in realm ${realm}`);
    return added.kid;
  }
}
