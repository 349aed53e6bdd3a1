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
import type { Agency } from '@gridline/contracts';
import { errors } from 'jose';
import type { Principal, Role, TokenVerifier } from './token-verifier.js';

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
