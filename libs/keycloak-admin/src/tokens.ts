/**
 * The OpenID Connect token endpoint of a realm, with plain fetch: what a
 * department system, the console or a test does to get tokens.
 */

export interface TokenResponse {
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly id_token?: string;
  readonly expires_in: number;
  readonly refresh_expires_in?: number;
  readonly token_type: string;
  readonly scope?: string;
}

/** A refused token request: OAuth's error and description, and the HTTP status. */
export class TokenError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string | undefined,
  ) {
    super(`token request refused (${status}): ${error}${description ? `: ${description}` : ''}`);
  }
}

export function tokenEndpoint(url: string, realm: string): string {
  return `${url.replace(/\/$/, '')}/realms/${encodeURIComponent(realm)}/protocol/openid-connect/token`;
}

/** POSTs a form to the realm's token endpoint; throws TokenError when refused. */
export async function requestToken(
  url: string,
  realm: string,
  form: Readonly<Record<string, string>>,
): Promise<TokenResponse> {
  const response = await fetch(tokenEndpoint(url, realm), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body['access_token'] !== 'string')
    throw new TokenError(
      response.status,
      typeof body['error'] === 'string' ? body['error'] : 'unknown_error',
      typeof body['error_description'] === 'string' ? body['error_description'] : undefined,
    );
  return body as unknown as TokenResponse;
}

export const clientCredentials = (
  url: string,
  realm: string,
  clientId: string,
  clientSecret: string,
): Promise<TokenResponse> =>
  requestToken(url, realm, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
  });

/** The password grant (only clients with direct access grants allow it). */
export const passwordGrant = (
  url: string,
  realm: string,
  clientId: string,
  username: string,
  password: string,
): Promise<TokenResponse> =>
  requestToken(url, realm, {
    grant_type: 'password',
    client_id: clientId,
    username,
    password,
    scope: 'openid',
  });

export const refreshGrant = (
  url: string,
  realm: string,
  clientId: string,
  refreshToken: string,
): Promise<TokenResponse> =>
  requestToken(url, realm, {
    grant_type: 'refresh_token',
    client_id: clientId,
    refresh_token: refreshToken,
  });

/** The claims of a JWT, unverified: for looking at a token, never for trusting it. */
export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The header of a JWT (alg, kid), unverified. */
export function decodeJwtHeader(jwt: string): Record<string, unknown> {
  const header = jwt.split('.')[0];
  if (!header) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
}
