// Sign-in with the agencies' identity provider (OpenID Connect, authorization
// code + PKCE, public client), with oauth4webapi. The tokens live in this
// module's memory only: never in localStorage or sessionStorage, gone with the
// tab. What a round trip to the provider must carry across the redirect (PKCE
// verifier, state, nonce, where to return) waits in sessionStorage, and is
// removed when the provider answers. A reload signs in again silently
// (`prompt=none`) while the provider's session lasts.
import * as oauth from 'oauth4webapi';

export interface SignInConfig {
  readonly issuer: string;
  readonly clientId: string;
  /** The provider's account administration, when the gateway names one. */
  readonly accountsUrl?: string;
}

export interface Tokens {
  readonly accessToken: string;
  /** When the access token expires, ms since epoch. */
  readonly expiresAt: number;
  readonly refreshToken?: string;
  readonly idToken?: string;
}

const PENDING = 'gridline.signin.pending';
/** Set while signed in: after a reload, sign in again silently rather than show the sign-in page. */
const SIGNED_IN = 'gridline.signin.active';
export const CALLBACK_PATH = '/auth/callback';

let provider:
  | Promise<{ as: oauth.AuthorizationServer; client: oauth.Client; config: SignInConfig }>
  | undefined;
let tokens: Tokens | null = null;

/** The current access token, for the API client. */
export function accessToken(): string | null {
  return tokens?.accessToken ?? null;
}

function options(issuer: URL) {
  // http only for a loopback provider (the local profile); the services refuse http elsewhere.
  return { [oauth.allowInsecureRequests]: issuer.protocol === 'http:' };
}

async function discover() {
  provider ??= (async () => {
    const response = await fetch('/console-config.json', { cache: 'no-store' });
    if (!response.ok) throw new Error(`console-config.json: ${response.status}`);
    const config = (await response.json()) as SignInConfig;
    const issuer = new URL(config.issuer);
    const discovery = await oauth.discoveryRequest(issuer, options(issuer));
    const as = await oauth.processDiscoveryResponse(issuer, discovery);
    return { as, client: { client_id: config.clientId }, config };
  })();
  try {
    return await provider;
  } catch (error) {
    provider = undefined;
    throw error;
  }
}

/** Where admins manage accounts (Keycloak's admin console of the realm), if known. */
export async function accountsAddress(): Promise<string | undefined> {
  return (await discover()).config.accountsUrl;
}

const redirectUri = () => `${window.location.origin}${CALLBACK_PATH}`;

interface Pending {
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
  readonly next: string;
  readonly silent: boolean;
}

/** Leaves for the provider's login page (or, `silent`, for its session: no page shown). */
export async function beginSignIn(next: string, silent = false): Promise<void> {
  const { as, client } = await discover();
  if (!as.authorization_endpoint) throw new Error('the provider has no authorization endpoint');
  const pending: Pending = {
    verifier: oauth.generateRandomCodeVerifier(),
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    next,
    silent,
  };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', client.client_id);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', 'openid');
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(pending.verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  url.searchParams.set('ui_locales', document.documentElement.lang || 'zh-CN');
  if (silent) url.searchParams.set('prompt', 'none');
  window.location.assign(url.href);
}

/** Whether this tab was signed in before a reload (then sign in again silently). */
export function wasSignedIn(): boolean {
  return sessionStorage.getItem(SIGNED_IN) === '1';
}

export type Callback =
  | { readonly kind: 'signed-in'; readonly tokens: Tokens; readonly next: string }
  /** The provider has no session for a silent sign-in: show the sign-in page. */
  | { readonly kind: 'needs-login'; readonly next: string }
  | { readonly kind: 'failed'; readonly reason: string };

/** The provider's answer at /auth/callback: the code exchanged for tokens. */
export async function completeSignIn(here: URL): Promise<Callback> {
  const raw = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  if (!raw) return { kind: 'failed', reason: 'no sign-in was started in this tab' };
  const pending = JSON.parse(raw) as Pending;
  const { as, client } = await discover();
  let parameters: URLSearchParams;
  try {
    parameters = oauth.validateAuthResponse(as, client, here, pending.state);
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      if (pending.silent && ['login_required', 'interaction_required'].includes(error.error))
        return { kind: 'needs-login', next: pending.next };
      return { kind: 'failed', reason: error.error_description ?? error.error };
    }
    throw error;
  }
  const issuer = new URL(as.issuer);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    parameters,
    redirectUri(),
    pending.verifier,
    options(issuer),
  );
  const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: pending.nonce,
    requireIdToken: true,
  });
  keep(result);
  return { kind: 'signed-in', tokens: tokens!, next: pending.next };
}

function keep(result: oauth.TokenEndpointResponse): void {
  tokens = {
    accessToken: result.access_token,
    expiresAt: Date.now() + (result.expires_in ?? 300) * 1000,
    ...(result.refresh_token
      ? { refreshToken: result.refresh_token }
      : tokens?.refreshToken
        ? { refreshToken: tokens.refreshToken }
        : {}),
    ...(result.id_token
      ? { idToken: result.id_token }
      : tokens?.idToken
        ? { idToken: tokens.idToken }
        : {}),
  };
  sessionStorage.setItem(SIGNED_IN, '1');
}

/**
 * A new access token with the refresh token (rotated by the provider: the new
 * one replaces it). Fails when the provider ended the session or the account
 * was disabled.
 */
export async function refresh(): Promise<Tokens> {
  const refreshToken = tokens?.refreshToken;
  if (!refreshToken) throw new Error('no refresh token');
  const { as, client } = await discover();
  const response = await oauth.refreshTokenGrantRequest(
    as,
    client,
    oauth.None(),
    refreshToken,
    options(new URL(as.issuer)),
  );
  keep(await oauth.processRefreshTokenResponse(as, client, response));
  return tokens!;
}

/** Forgets the tokens in this tab (the provider's session stays: see endSession). */
export function forget(): void {
  tokens = null;
  sessionStorage.removeItem(SIGNED_IN);
}

/** Signs out here and at the provider (its session ends), then back to the console's start. */
export async function endSession(): Promise<void> {
  const idToken = tokens?.idToken;
  forget();
  const { as, client } = await discover();
  if (!as.end_session_endpoint) return window.location.assign('/');
  const url = new URL(as.end_session_endpoint);
  url.searchParams.set('client_id', client.client_id);
  url.searchParams.set('post_logout_redirect_uri', `${window.location.origin}/`);
  if (idToken) url.searchParams.set('id_token_hint', idToken);
  window.location.assign(url.href);
}
