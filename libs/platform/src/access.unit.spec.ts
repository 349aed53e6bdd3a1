import 'reflect-metadata';
import {
  BadRequestException,
  ForbiddenException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants.js';
import { of, lastValueFrom } from 'rxjs';
import {
  CommandRoute,
  declaredAccess,
  PublicRoute,
  ReadRoute,
  refusalOf,
  STAFF,
  type Access,
} from './access.js';
import { AuthGuard } from './auth.js';
import type { Principal, TokenVerifier } from './token-verifier.js';

class OwnGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

const body = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1 } },
};

class Routes {
  @PublicRoute({ path: 'open', summary: 'anyone', response: { type: 'object' } })
  open() {}

  @ReadRoute({ path: 'staff', summary: 'staff', roles: STAFF, response: { type: 'object' } })
  staff() {}

  @CommandRoute({
    method: 'POST',
    path: 'close',
    status: 200,
    summary: 'coordinators of the service agency',
    roles: ['coordinator', 'admin'],
    ownAgency: true,
    body,
    response: { type: 'object' },
  })
  close() {}

  @CommandRoute({
    method: 'POST',
    path: 'file',
    status: 201,
    summary: 'authenticated by a guard of its own',
    roles: ['reporting-app'],
    ownAgency: true,
    authenticatedBy: OwnGuard,
    response: { type: 'object' },
  })
  file() {}

  undeclared() {}
}

/** Tokens are the principal's JSON: the verifier under test is not JWT. */
const verifier = {
  verify: (token: string): Promise<Principal> => {
    try {
      return Promise.resolve(JSON.parse(token) as Principal);
    } catch {
      return Promise.reject(new UnauthorizedException('invalid bearer token (test)'));
    }
  },
} as unknown as TokenVerifier;

const token = (agency: Principal['agency'], ...roles: Principal['roles']) =>
  `Bearer ${JSON.stringify({ id: 'p-1', agency, roles })}`;

function call(handler: keyof Routes, authorization?: string) {
  const request = {
    method: 'GET',
    url: `/x/${handler}?q=1`,
    headers: authorization ? { authorization } : {},
  } as { principal?: Principal; headers: Record<string, string> };
  const context = {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  return {
    request,
    result: new AuthGuard(verifier, 'swc').canActivate(context),
  };
}

describe('access declarations and the deny-by-default guard', () => {
  it('records one access per route', () => {
    expect(declaredAccess(Routes.prototype.open)).toEqual({ kind: 'public' });
    expect(declaredAccess(Routes.prototype.close)).toEqual({
      kind: 'roles',
      roles: ['coordinator', 'admin'],
      ownAgency: true,
    });
    expect(declaredAccess(Routes.prototype.file)).toMatchObject({ authenticatedBy: 'OwnGuard' });
    expect(declaredAccess(Routes.prototype.undeclared)).toBeUndefined();
  });

  it('refuses a route without a declaration, with or without a token, naming why', async () => {
    for (const auth of [undefined, token('swc', 'admin')]) {
      const { result } = call('undeclared', auth);
      await expect(result).rejects.toThrow(ForbiddenException);
      await expect(result).rejects.toThrow('GET /x/undeclared declares no access');
    }
  });

  it('lets anyone through a public route, without reading a token', async () => {
    await expect(call('open').result).resolves.toBe(true);
    await expect(call('open', 'Bearer garbage').result).resolves.toBe(true);
  });

  it('needs a valid bearer token on every other route: 401', async () => {
    await expect(call('staff').result).rejects.toThrow(UnauthorizedException);
    await expect(call('staff', 'Bearer garbage').result).rejects.toThrow(UnauthorizedException);
    await expect(call('staff', 'Basic abc').result).rejects.toThrow('a bearer token is required');
  });

  it('lets only the roles a route names through, and sets the principal', async () => {
    const allowed = call('staff', token('drc', 'grid-worker'));
    await expect(allowed.result).resolves.toBe(true);
    expect(allowed.request.principal?.agency).toBe('drc');
    for (const machine of ['service', 'reporting-app'] as const)
      await expect(call('staff', token('swc', machine)).result).rejects.toThrow(
        'needs one of the roles: grid-worker, officer, legal-reviewer, coordinator, analyst, admin',
      );
  });

  it("keeps own-agency routes to the service's agency", async () => {
    await expect(call('close', token('swc', 'coordinator')).result).resolves.toBe(true);
    await expect(call('close', token('street', 'coordinator')).result).rejects.toThrow(
      'only swc principals may do this',
    );
    await expect(call('close', token('swc', 'officer')).result).rejects.toThrow(ForbiddenException);
  });

  it('leaves a route with its own authenticating guard to that guard, which the declaration attaches', async () => {
    await expect(call('file').result).resolves.toBe(true);
    expect(Reflect.getMetadata('__guards__', Routes.prototype.file)).toEqual([OwnGuard]);
  });

  it('refusalOf states the rule once, for the guard and for guards of their own', () => {
    const access: Access = { kind: 'roles', roles: ['reporting-app'], ownAgency: true };
    const app = (agency: Principal['agency']): Principal => ({
      id: 'app',
      agency,
      roles: ['reporting-app'],
    });
    expect(refusalOf(access, app('street'), 'street')).toBeUndefined();
    expect(refusalOf(access, app('drc'), 'street')).toBe('only street principals may do this');
    expect(refusalOf(access, app('drc'), null)).toBeUndefined();
    expect(refusalOf({ kind: 'public' }, app('drc'), 'street')).toBeUndefined();
  });

  it('validates the declared body after the guard: 400 naming every bad field; no body is {}', async () => {
    const [interceptor] = Reflect.getMetadata(INTERCEPTORS_METADATA, Routes.prototype.close) as {
      intercept(context: ExecutionContext, next: { handle(): unknown }): unknown;
    }[];
    const run = (requestBody: unknown) => {
      const request = { body: requestBody };
      const context = {
        switchToHttp: () => ({ getRequest: () => request }),
      } as unknown as ExecutionContext;
      return interceptor?.intercept(context, { handle: () => of('handled') });
    };
    await expect(lastValueFrom(run({ reason: 'done' }) as never)).resolves.toBe('handled');
    let error: unknown;
    try {
      run({ reason: 3, extra: true });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BadRequestException);
    const problems = (error as BadRequestException).getResponse() as {
      problems: { field: string }[];
    };
    expect(problems.problems.map((p) => p.field).sort()).toEqual(['/extra', '/reason']);
    expect(() => run(undefined)).toThrow(BadRequestException);
    expect(() => run([])).toThrow(BadRequestException);
  });
});
