/**
 * A test's own Keycloak realm, made from the realm kept in the repo
 * (deploy/keycloak/gridline-realm.json) with a unique name, the test gateway's
 * address as the console's redirect URI, a short access-token lifespan where a
 * test waits for expiry, and a test-only direct-grant client. The apps a test
 * starts with `realm.appEnv()` verify its tokens by the realm's JWKS, as the
 * platform does with the local Keycloak, and (local profile) still accept the
 * test identity's own tokens, which the seeding helpers mint.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  directGrantClient,
  KeycloakAdmin,
  passwordGrant,
  readRealmFile,
  realmWith,
  type TokenResponse,
  type UserSpec,
} from '@gridline/keycloak-admin';
import type { TestIdentity } from './apps.js';
import { keycloakInfra } from './infra.js';

const REALM_FILE = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  'deploy',
  'keycloak',
  'gridline-realm.json',
);
export const TEST_DIRECT_CLIENT = 'gridline-test-direct';

export interface TestRealm {
  readonly name: string;
  readonly url: string;
  readonly issuer: string;
  readonly admin: KeycloakAdmin;
  /** Settings for startApps: this realm is the provider; the identity's own tokens stay trusted. */
  appEnv(identity: TestIdentity): Record<string, string>;
  /** A person's account with a fresh password that satisfies the realm's policy. */
  user(spec: Omit<UserSpec, 'password'>): Promise<{ username: string; password: string }>;
  /** Tokens for a person, through the test-only direct-grant client. */
  signIn(username: string, password: string): Promise<TokenResponse>;
  delete(): Promise<void>;
}

/** A password the realm's policy accepts (length, upper, lower, digit). */
export const testPassword = () => `Gl-${randomBytes(9).toString('base64url')}a1A`;

export async function createTestRealm(options: {
  /** Origins the console is served from (the test gateway): its redirect URIs. */
  readonly consoleOrigins: readonly string[];
  readonly accessTokenLifespan?: number;
}): Promise<TestRealm> {
  const keycloak = keycloakInfra();
  const admin = await KeycloakAdmin.connect({
    url: keycloak.url,
    username: keycloak.adminUser,
    password: keycloak.adminPassword,
  });
  const name = `gridline-test-${randomBytes(4).toString('hex')}`;
  await admin.createRealm(
    realmWith(readRealmFile(REALM_FILE), {
      name,
      consoleRedirectUris: options.consoleOrigins.map((o) => `${o}/*`),
      extraClients: [directGrantClient(TEST_DIRECT_CLIENT)],
      settings: {
        ...(options.accessTokenLifespan
          ? { accessTokenLifespan: options.accessTokenLifespan }
          : {}),
        // Tests type many passwords; the lockout has a test of its own.
        bruteForceProtected: false,
      },
    }),
  );
  const issuer = `${keycloak.url}/realms/${name}`;
  return {
    name,
    url: keycloak.url,
    issuer,
    admin,
    appEnv: (identity) => ({
      GRIDLINE_PROFILE: 'local',
      JWT_ISSUER: issuer,
      JWT_JWKS_URL: `${issuer}/protocol/openid-connect/certs`,
      JWT_PUBLIC_KEY_FILE: '',
      JWT_PRINCIPAL_CLAIM: 'preferred_username',
      DEV_TOKEN_PUBLIC_KEY_FILE: identity.publicKeyFile,
      DEV_TOKEN_ISSUER: identity.issuer,
    }),
    user: async (spec) => {
      const password = testPassword();
      await admin.ensureUser(name, {
        firstName: spec.username,
        lastName: 'Test',
        ...spec,
        password,
      });
      return { username: spec.username, password };
    },
    signIn: (username, password) =>
      passwordGrant(keycloak.url, name, TEST_DIRECT_CLIENT, username, password),
    delete: () => admin.deleteRealm(name),
  };
}
