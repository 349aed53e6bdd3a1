import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createParamDecorator,
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isAgency, type Agency } from '@gridline/contracts';
import { createRemoteJWKSet, errors, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
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

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');
const PUBLIC = 'gridline:public';
const ROLES_REQUIRED = 'gridline:roles';
const OWN_AGENCY = 'gridline:own-agency';

/** Reachable without a token (health, metrics, public feeds). */
export const Public = () => SetMetadata(PUBLIC, true);
/** The caller needs at least one of these roles. */
export const RequireRoles = (...roles: Role[]) => SetMetadata(ROLES_REQUIRED, roles);
/** The caller must belong to this service's own agency (commands). */
export const RequireOwnAgency = () => SetMetadata(OWN_AGENCY, true);

interface RequestWithPrincipal {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const principal = ctx.switchToHttp().getRequest<RequestWithPrincipal>().principal;
  if (!principal) throw new UnauthorizedException();
  return principal;
});

export const SERVICE_AGENCY = Symbol('SERVICE_AGENCY');

/** Global guard: authenticates every route not marked @Public, then checks roles and agency. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(SERVICE_AGENCY) private readonly serviceAgency: Agency | null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    const header = request.headers['authorization'];
    const match = typeof header === 'string' ? /^Bearer (\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw new UnauthorizedException('a bearer token is required');
    let principal: Principal;
    try {
      principal = await this.verifier.verify(match[1]);
    } catch (error) {
      if (error instanceof UnauthorizedException) throw error;
      const reason = error instanceof errors.JOSEError ? error.code : 'ERR_INVALID_TOKEN';
      throw new UnauthorizedException(`invalid bearer token (${reason})`);
    }
    request.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_REQUIRED, targets);
    if (roles && !roles.some((role) => principal.roles.includes(role)))
      throw new ForbiddenException(`needs one of the roles: ${roles.join(', ')}`);
    const ownAgency = this.reflector.getAllAndOverride<boolean>(OWN_AGENCY, targets);
    if (ownAgency && this.serviceAgency && principal.agency !== this.serviceAgency)
      throw new ForbiddenException(`only ${this.serviceAgency} principals may do this`);
    return true;
  }
}
