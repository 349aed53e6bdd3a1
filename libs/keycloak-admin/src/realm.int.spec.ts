// The realm of deploy/keycloak/gridline-realm.json on the running Keycloak
// (deploy/local: `stack.sh up keycloak`): each run imports it as a realm of its
// own, with a test-only direct-grant client, and deletes it afterwards.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { keycloakInfra } from '@gridline/testing';
import {
  clientCredentials,
  decodeJwtHeader,
  decodeJwtPayload,
  directGrantClient,
  KeycloakAdmin,
  passwordGrant,
  readRealmFile,
  realmWith,
  refreshGrant,
  TokenError,
  type TokenResponse,
} from './index.js';

const REALM_FILE = path.resolve(
  import.meta.dirname,
  '../../../deploy/keycloak/gridline-realm.json',
);
const realm = `gridline-test-${randomBytes(4).toString('hex')}`;
const TEST_CLIENT = 'test-direct-grant';
/** Satisfies the realm's policy: 12+ characters, upper, lower, digit. */
const password = () => `Pw1-${randomBytes(9).toString('base64url')}aZ9`;

let admin: KeycloakAdmin;
let url: string;

/** The error a refused token request gives (fails the test if it was granted). */
async function refusal(request: Promise<TokenResponse>): Promise<TokenError> {
  try {
    await request;
  } catch (error) {
    if (error instanceof TokenError) return error;
    throw error;
  }
  throw new Error('the token request was granted');
}

beforeAll(async () => {
  const infra = keycloakInfra();
  url = infra.url;
  admin = await KeycloakAdmin.connect({
    url,
    username: infra.adminUser,
    password: infra.adminPassword,
  });
  await admin.createRealm(
    realmWith(readRealmFile(REALM_FILE), {
      name: realm,
      extraClients: [directGrantClient(TEST_CLIENT)],
    }),
  );
});

afterAll(async () => {
  await admin?.deleteRealm(realm);
});

describe('the gridline realm', () => {
  it('gives a department system, by client credentials, a token with its agency, role and command scope', async () => {
    const secret = await admin.clientSecret(realm, 'street-system');
    const token = await clientCredentials(url, realm, 'street-system', secret);
    const claims = decodeJwtPayload(token.access_token);
    expect(claims).toMatchObject({
      iss: `${url}/realms/${realm}`,
      agency: 'street',
      preferred_username: 'service-account-street-system',
      azp: 'street-system',
    });
    expect(typeof claims['sub']).toBe('string');
    expect(claims['roles']).toEqual(['service']);
    expect(([] as unknown[]).concat(claims['aud'])).toContain('gridline');
    // Five minutes: Keycloak reads its clock for `iat` and for `exp` apart, in whole
    // seconds, so the two may straddle a second (a clean-clone run saw 301).
    const lifetime = (claims['exp'] as number) - (claims['iat'] as number);
    expect(lifetime).toBeGreaterThanOrEqual(300);
    expect(lifetime).toBeLessThanOrEqual(301);
    expect(String(claims['scope']).split(' ')).toContain('gridline.street.report-issue.v1');
    expect(token.refresh_token).toBeUndefined();
  });

  it('grants each command scope to its own department system only', async () => {
    const scopes = async (client: string) =>
      String(
        decodeJwtPayload(
          (await clientCredentials(url, realm, client, await admin.clientSecret(realm, client)))
            .access_token,
        )['scope'],
      ).split(' ');
    const drc = await scopes('drc-system');
    expect(drc).toContain('gridline.drc.issue-warning.v1');
    expect(drc).not.toContain('gridline.street.report-issue.v1');
    const swc = await scopes('swc-system');
    expect(swc.filter((s) => s.startsWith('gridline.'))).toEqual(['gridline.swc.open-case.v1']);
    // A wrong secret gets nothing.
    expect((await refusal(clientCredentials(url, realm, 'street-system', 'wrong'))).error).toBe(
      'unauthorized_client',
    );
  });

  it('gives a person their principal, agency and Gridline roles only, in access and id tokens', async () => {
    const secret = password();
    await admin.ensureUser(realm, {
      username: 'worker-17',
      agency: 'street',
      roles: ['grid-worker'],
      password: secret,
    });
    const token = await passwordGrant(url, realm, TEST_CLIENT, 'worker-17', secret);
    for (const jwt of [token.access_token, token.id_token!]) {
      const claims = decodeJwtPayload(jwt);
      expect(claims).toMatchObject({ preferred_username: 'worker-17', agency: 'street' });
      // Not default-roles-…, offline_access or uma_authorization.
      expect(claims['roles']).toEqual(['grid-worker']);
      expect(([] as unknown[]).concat(claims['aud'])).toContain('gridline');
      expect(typeof claims['sub']).toBe('string');
    }
    const access = decodeJwtPayload(token.access_token);
    expect(access['exp']).toBe((access['iat'] as number) + 300);
    expect(String(access['scope']).split(' ')).toEqual(
      expect.arrayContaining(['openid', 'profile', 'gridline']),
    );

    // Running it again changes the roles; enforcement credentials are Gridline's, never a claim.
    await admin.ensureUser(realm, {
      username: 'worker-17',
      agency: 'street',
      roles: ['officer'],
      password: secret,
    });
    const again = decodeJwtPayload(
      (await passwordGrant(url, realm, TEST_CLIENT, 'worker-17', secret)).access_token,
    );
    expect(again).toMatchObject({ roles: ['officer'] });
    expect(again).not.toHaveProperty('credential_id');
  });

  it('rotates refresh tokens: one used already is refused', async () => {
    const secret = password();
    await admin.ensureUser(realm, {
      username: 'coord-1',
      agency: 'swc',
      roles: ['coordinator'],
      password: secret,
    });
    const first = await passwordGrant(url, realm, TEST_CLIENT, 'coord-1', secret);
    const second = await refreshGrant(url, realm, TEST_CLIENT, first.refresh_token!);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const reused = await refusal(refreshGrant(url, realm, TEST_CLIENT, first.refresh_token!));
    expect(reused.error).toBe('invalid_grant');
  });

  it('refuses to refresh the tokens of a user who was disabled', async () => {
    const secret = password();
    await admin.ensureUser(realm, {
      username: 'analyst-2',
      agency: 'drc',
      roles: ['analyst'],
      password: secret,
    });
    const first = await passwordGrant(url, realm, TEST_CLIENT, 'analyst-2', secret);
    await admin.setUserEnabled(realm, 'analyst-2', false);
    expect((await refusal(refreshGrant(url, realm, TEST_CLIENT, first.refresh_token!))).error).toBe(
      'invalid_grant',
    );
    expect((await refusal(passwordGrant(url, realm, TEST_CLIENT, 'analyst-2', secret))).error).toBe(
      'invalid_grant',
    );
  });

  it('locks a user out after 5 wrong passwords, even for the right one', async () => {
    const secret = password();
    await admin.ensureUser(realm, {
      username: 'officer-9',
      agency: 'street',
      roles: ['officer'],
      password: secret,
    });
    for (let i = 0; i < 5; i++)
      expect(
        (await refusal(passwordGrant(url, realm, TEST_CLIENT, 'officer-9', `Wrong-${i}-Password`)))
          .error,
      ).toBe('invalid_grant');
    expect((await admin.bruteForceStatus(realm, 'officer-9')).disabled).toBe(true);
    expect((await refusal(passwordGrant(url, realm, TEST_CLIENT, 'officer-9', secret))).error).toBe(
      'invalid_grant',
    );
    await admin.clearBruteForce(realm, 'officer-9');
    await expect(
      passwordGrant(url, realm, TEST_CLIENT, 'officer-9', secret),
    ).resolves.toBeDefined();
  });

  it('keeps the console to the authorization code flow with PKCE', async () => {
    const consoleGrant = await refusal(
      passwordGrant(url, realm, 'gridline-console', 'coord-1', 'whatever-Passw0rd'),
    );
    expect(consoleGrant.error).toBe('unauthorized_client');
    const auth = new URL(`${url}/realms/${realm}/protocol/openid-connect/auth`);
    auth.search = new URLSearchParams({
      client_id: 'gridline-console',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: 'http://127.0.0.1:3000/',
    }).toString();
    // Without a code challenge Keycloak sends the browser back with an error.
    const response = await fetch(auth, { redirect: 'manual' });
    expect(response.headers.get('location') ?? '').toMatch(/error=invalid_request.*code_challenge/);
  });

  it('signs new tokens with a rotated key, and still publishes the old one', async () => {
    const secret = await admin.clientSecret(realm, 'street-system');
    const before = decodeJwtHeader(
      (await clientCredentials(url, realm, 'street-system', secret)).access_token,
    )['kid'];
    const kid = await admin.rotateSigningKeys(realm);
    const after = decodeJwtHeader(
      (await clientCredentials(url, realm, 'street-system', secret)).access_token,
    )['kid'];
    expect(after).toBe(kid);
    expect(after).not.toBe(before);
    const jwks = (await (
      await fetch(`${url}/realms/${realm}/protocol/openid-connect/certs`)
    ).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([before, kid]));
  });
});
