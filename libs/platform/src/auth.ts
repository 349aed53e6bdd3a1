import {
  createParamDecorator,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Agency } from '@gridline/contracts';
import { errors } from 'jose';
import { declaredAccess, refusalOf } from './access.js';
import type { Principal, TokenVerifier } from './token-verifier.js';

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

interface RequestWithPrincipal {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const principal = ctx.switchToHttp().getRequest<RequestWithPrincipal>().principal;
  if (!principal) throw new UnauthorizedException();
  return principal;
});

export const SERVICE_AGENCY = Symbol('SERVICE_AGENCY');

/**
 * Global guard, deny by default: a route is reachable only as its declaration
 * (access.ts: @CommandRoute, @ReadRoute, @PublicRoute) says. A route without one
 * is refused (403) whoever calls; a public route needs no token; any other needs
 * a valid bearer token holding one of the route's roles (and, when it says so,
 * of this service's agency).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(SERVICE_AGENCY) private readonly serviceAgency: Agency | null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    const access = declaredAccess(context.getHandler());
    if (!access)
      throw new ForbiddenException(
        `${request.method ?? ''} ${request.url?.split('?')[0] ?? ''} declares no access: refused (deny by default)`.trim(),
      );
    // Public, or the route's own guard authenticates and applies the same declaration.
    if (access.kind === 'public' || access.kind === 'scraper') return true;
    if (access.authenticatedBy) return true;
    request.principal = await this.authenticate(request);
    const refusal = refusalOf(access, request.principal, this.serviceAgency);
    if (refusal) throw new ForbiddenException(refusal);
    return true;
  }

  private async authenticate(request: RequestWithPrincipal): Promise<Principal> {
    const header = request.headers['authorization'];
    const match = typeof header === 'string' ? /^Bearer (\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw new UnauthorizedException('a bearer token is required');
    try {
      return await this.verifier.verify(match[1]);
    } catch (error) {
      if (error instanceof UnauthorizedException) throw error;
      const reason = error instanceof errors.JOSEError ? error.code : 'ERR_INVALID_TOKEN';
      throw new UnauthorizedException(`invalid bearer token (${reason})`);
    }
  }
}
