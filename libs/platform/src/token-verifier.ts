import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UnauthorizedException } from '@nestjs/common';
import { isAgency, type Agency } from '@gridline/contracts';
import {
  createRemoteJWKSet,
  decodeJwt,
  errors,
  jwtVerify,
  SignJWT,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { parsers, setting } from './config.js';

export const ROLES = [
  'grid-worker',
  'officer',
  'legal-reviewer',
  'coordinator',
  'analyst',
  'admin',
  'service',
  // A citizen-reporting app filing Open311 requests (docs/open311.md): reports, nothing else.
  'reporting-app',
] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, from the bearer token's claims. */
export interface Principal {
  readonly id: string;
  readonly agency: Agency;
  readonly roles: readonly Role[];
  /** OAuth scopes the token was granted (a department system's commands). */
  readonly scopes?: readonly string[];
}

/**
 * The trusted identity provider. Issuer and audience have no defaults: a service
 * that does not know whom to trust does not start. JWKS only over https, except
 * in the local profile (loopback Keycloak of `npm start` and `npm test`).
 */
export const authSettings = {
  GRIDLINE_PROFILE: setting(
    'local (one machine: loopback identity provider over http, development tokens) or production',
    parsers.oneOf('local', 'production'),
    'production',
  ),
  JWT_ISSUER: setting(
    "expected `iss` of bearer tokens (the provider's issuer URL)",
    parsers.string,
  ),
  JWT_AUDIENCE: setting('expected `aud` of bearer tokens', parsers.string),
  JWT_PUBLIC_KEY_FILE: setting(
    'PEM public key (RS256/ES256) that signs tokens, instead of a JWKS',
    parsers.string,
    '',
  ),
  JWT_JWKS_URL: setting(
    'JWKS endpoint of the identity provider (https; http only in the local profile)',
    parsers.url('https:', 'http:'),
    '',
  ),
  JWT_PRINCIPAL_CLAIM: setting(
    'claim naming the principal as Gridline records it (e.g. preferred_username, sub)',
    parsers.string,
    'sub',
  ),
  JWT_AGENCY_CLAIM: setting(
    'claim holding the agency (swc, drc, street)',
    parsers.string,
    'agency',
  ),
  JWT_ROLES_CLAIM: setting(
    'claim holding the roles, a dotted path for nested claims (e.g. realm_access.roles)',
    parsers.string,
    'roles',
  ),
  DEV_TOKEN_PUBLIC_KEY_FILE: setting(
    'local profile only: also trust development tokens (npm run token, npm run demo) signed by this key',
    parsers.string,
    '',
  ),
  DEV_TOKEN_ISSUER: setting('issuer of development tokens', parsers.string, 'gridline-dev'),
};

type AuthValues = Readonly<Record<string, unknown>>;

/** The settings' cross-checks: a key source, https outside the local profile, dev tokens only locally. */
export const authRules: readonly ((values: AuthValues) => string | undefined)[] = [
  (v) =>
    !v['JWT_PUBLIC_KEY_FILE'] && !v['JWT_JWKS_URL']
      ? 'JWT_JWKS_URL or JWT_PUBLIC_KEY_FILE is required (how bearer tokens are verified)'
      : undefined,
  (v) =>
    typeof v['JWT_JWKS_URL'] === 'string' &&
    v['JWT_JWKS_URL'].startsWith('http:') &&
    v['GRIDLINE_PROFILE'] !== 'local'
      ? 'JWT_JWKS_URL must be https outside the local profile (GRIDLINE_PROFILE=local)'
      : undefined,
  (v) =>
    v['DEV_TOKEN_PUBLIC_KEY_FILE'] && v['GRIDLINE_PROFILE'] !== 'local'
      ? 'DEV_TOKEN_PUBLIC_KEY_FILE is accepted only in the local profile (GRIDLINE_PROFILE=local)'
      : undefined,
];

/** Where the principal's id, agency and roles are in a token (they differ between providers). */
export interface ClaimNames {
  readonly principal: string;
  readonly agency: string;
  readonly roles: string;
}

export const DEFAULT_CLAIMS: ClaimNames = { principal: 'sub', agency: 'agency', roles: 'roles' };

/** One issuer whose tokens are accepted, and how to check them. */
export interface AuthConfig {
  readonly issuer: string;
  readonly audience: string;
  readonly publicKeyFile?: string;
  readonly publicKeyPem?: string;
  readonly jwksUrl?: string;
  readonly claims?: ClaimNames;
}

/** The issuers a service trusts, from its settings: the provider, and dev tokens in the local profile. */
export function trustedIssuers(config: {
  readonly JWT_ISSUER: string;
  readonly JWT_AUDIENCE: string;
  readonly JWT_PUBLIC_KEY_FILE: string;
  readonly JWT_JWKS_URL: string;
  readonly JWT_PRINCIPAL_CLAIM: string;
  readonly JWT_AGENCY_CLAIM: string;
  readonly JWT_ROLES_CLAIM: string;
  readonly GRIDLINE_PROFILE: 'local' | 'production';
  readonly DEV_TOKEN_PUBLIC_KEY_FILE: string;
  readonly DEV_TOKEN_ISSUER: string;
}): [AuthConfig, ...AuthConfig[]] {
  const provider: AuthConfig = {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ...(config.JWT_JWKS_URL
      ? { jwksUrl: config.JWT_JWKS_URL }
      : { publicKeyFile: config.JWT_PUBLIC_KEY_FILE }),
    claims: {
      principal: config.JWT_PRINCIPAL_CLAIM,
      agency: config.JWT_AGENCY_CLAIM,
      roles: config.JWT_ROLES_CLAIM,
    },
  };
  const dev: AuthConfig[] =
    config.GRIDLINE_PROFILE === 'local' && config.DEV_TOKEN_PUBLIC_KEY_FILE
      ? [
          {
            issuer: config.DEV_TOKEN_ISSUER,
            audience: config.JWT_AUDIENCE,
            publicKeyFile: config.DEV_TOKEN_PUBLIC_KEY_FILE,
          },
        ]
      : [];
  return [provider, ...dev];
}

const ALGORITHMS = ['RS256', 'ES256'];
/**
 * A token naming a key the cached JWKS lacks (the provider rotated its keys)
 * fetches the set again, at most this often: so a new key is accepted at once,
 * and tokens with made-up key ids cost one small request a second at most.
 */
const JWKS_RELOAD_INTERVAL_MS = 1_000;

interface Trust {
  readonly config: AuthConfig;
  readonly claims: ClaimNames;
  readonly key: KeyObject | JWTVerifyGetKey;
  readonly remote?: { readonly set: RemoteJWKS; lastReload: number; reloading?: Promise<void> };
}

type RemoteJWKS = ReturnType<typeof createRemoteJWKSet>;

function trust(config: AuthConfig): Trust {
  let key: KeyObject | JWTVerifyGetKey;
  if (config.jwksUrl) {
    const set = createRemoteJWKSet(new URL(config.jwksUrl));
    return {
      config,
      claims: config.claims ?? DEFAULT_CLAIMS,
      key: set,
      remote: { set, lastReload: 0 },
    };
  } else if (config.publicKeyPem) key = createPublicKey(config.publicKeyPem);
  else if (config.publicKeyFile) key = createPublicKey(readFileSync(config.publicKeyFile));
  else
    throw new Error(
      'no token verification key: set JWT_JWKS_URL or JWT_PUBLIC_KEY_FILE (npm start uses the local Keycloak)',
    );
  return { config, claims: config.claims ?? DEFAULT_CLAIMS, key };
}

/** Fetches a trust's JWKS again unless it was fetched within the interval; whether it was. */
async function reloaded(trust: Trust): Promise<boolean> {
  const remote = trust.remote;
  if (!remote) return false;
  if (!remote.reloading) {
    if (Date.now() - remote.lastReload < JWKS_RELOAD_INTERVAL_MS) return false;
    remote.lastReload = Date.now();
    remote.reloading = remote.set.reload().finally(() => {
      remote.reloading = undefined;
    });
  }
  await remote.reloading;
  return true;
}

function claimAt(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * Verifies bearer tokens; the only place that knows about JWT. The token's
 * issuer picks which trusted issuer checks it; `exp` is required; roles the
 * platform does not know (a provider's own, e.g. offline_access) are ignored.
 */
export class TokenVerifier {
  private readonly trusts: readonly Trust[];

  constructor(provider: AuthConfig, ...others: AuthConfig[]) {
    this.trusts = [provider, ...others].map(trust);
  }

  async verify(token: string): Promise<Principal> {
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new UnauthorizedException('invalid bearer token (ERR_JWT_INVALID)');
    }
    const match = this.trusts.find((t) => t.config.issuer === issuer);
    if (!match) throw new UnauthorizedException('invalid bearer token (untrusted issuer)');
    const options = {
      issuer: match.config.issuer,
      audience: match.config.audience,
      algorithms: ALGORITHMS,
      requiredClaims: ['exp'],
    };
    const verify = () =>
      match.key instanceof Function
        ? jwtVerify(token, match.key, options)
        : jwtVerify(token, match.key, options);
    let payload: JWTPayload;
    try {
      ({ payload } = await verify());
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !(await reloaded(match))) throw error;
      ({ payload } = await verify());
    }
    const id = claimAt(payload, match.claims.principal);
    const agency = claimAt(payload, match.claims.agency);
    const roles = claimAt(payload, match.claims.roles);
    if (typeof id !== 'string' || id === '')
      throw new UnauthorizedException(`token has no principal (${match.claims.principal})`);
    if (!isAgency(agency)) throw new UnauthorizedException('token names no known agency');
    if (!Array.isArray(roles)) throw new UnauthorizedException('token carries no roles');
    const known = roles.filter((r): r is Role => (ROLES as readonly unknown[]).includes(r));
    const scope = payload['scope'];
    return {
      id,
      agency,
      roles: known,
      ...(typeof scope === 'string' ? { scopes: scope.split(' ').filter(Boolean) } : {}),
    };
  }
}

export interface DevTokenClaims {
  readonly sub: string;
  readonly agency: Agency;
  readonly roles: readonly Role[];
  /** OAuth scopes, as a provider grants a department system its commands. */
  readonly scopes?: readonly string[];
}

/** Signs a token with a development key (CLI `npm run token`, tests). */
export async function signDevToken(
  privateKeyPem: string,
  claims: DevTokenClaims,
  options: { issuer: string; audience: string; expiresIn?: string },
): Promise<string> {
  const key = createPrivateKey(privateKeyPem);
  const alg = key.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
  return new SignJWT({
    agency: claims.agency,
    roles: [...claims.roles],
    ...(claims.scopes ? { scope: claims.scopes.join(' ') } : {}),
  })
    .setProtectedHeader({ alg })
    .setSubject(claims.sub)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '8h')
    .sign(key);
}
