import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UnauthorizedException } from '@nestjs/common';
import { isAgency, type Agency } from '@gridline/contracts';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
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
  /** Enforcement credential id, for officers. */
  readonly credentialId?: string;
}

export const authSettings = {
  JWT_ISSUER: setting('expected `iss` of bearer tokens', parsers.string, 'gridline-dev'),
  JWT_AUDIENCE: setting('expected `aud` of bearer tokens', parsers.string, 'gridline'),
  JWT_PUBLIC_KEY_FILE: setting(
    'PEM public key (RS256/ES256) that signs tokens',
    parsers.string,
    '',
  ),
  JWT_JWKS_URL: setting(
    'JWKS endpoint of the identity provider',
    parsers.url('https:', 'http:'),
    '',
  ),
};

export interface AuthConfig {
  readonly issuer: string;
  readonly audience: string;
  readonly publicKeyFile?: string;
  readonly publicKeyPem?: string;
  readonly jwksUrl?: string;
}

const ALGORITHMS = ['RS256', 'ES256'];

/** Verifies bearer tokens; the only place that knows about JWT. */
export class TokenVerifier {
  private readonly key: KeyObject | JWTVerifyGetKey;

  constructor(private readonly config: AuthConfig) {
    if (config.jwksUrl) this.key = createRemoteJWKSet(new URL(config.jwksUrl));
    else if (config.publicKeyPem) this.key = createPublicKey(config.publicKeyPem);
    else if (config.publicKeyFile) this.key = createPublicKey(readFileSync(config.publicKeyFile));
    else
      throw new Error(
        'no token verification key: set JWT_PUBLIC_KEY_FILE or JWT_JWKS_URL (npm start creates a development key)',
      );
  }

  async verify(token: string): Promise<Principal> {
    const options = {
      issuer: this.config.issuer,
      audience: this.config.audience,
      algorithms: ALGORITHMS,
    };
    const { payload } =
      this.key instanceof Function
        ? await jwtVerify(token, this.key, options)
        : await jwtVerify(token, this.key, options);
    const agency = payload['agency'];
    const roles = payload['roles'];
    if (!payload.sub) throw new UnauthorizedException('token has no subject');
    if (!isAgency(agency)) throw new UnauthorizedException('token names no known agency');
    if (!Array.isArray(roles) || !roles.every((r) => (ROLES as readonly unknown[]).includes(r)))
      throw new UnauthorizedException('token roles are missing or unknown');
    const credentialId = payload['credential_id'];
    return {
      id: payload.sub,
      agency,
      roles: roles as Role[],
      ...(typeof credentialId === 'string' ? { credentialId } : {}),
    };
  }
}

export interface DevTokenClaims {
  readonly sub: string;
  readonly agency: Agency;
  readonly roles: readonly Role[];
  readonly credentialId?: string;
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
    ...(claims.credentialId ? { credential_id: claims.credentialId } : {}),
  })
    .setProtectedHeader({ alg })
    .setSubject(claims.sub)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '8h')
    .sign(key);
}
