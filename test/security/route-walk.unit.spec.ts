import 'reflect-metadata';
import {
  Controller,
  Get,
  Module,
  Param,
  ParseUUIDPipe,
  Post,
  type CanActivate,
  type DynamicModule,
  type INestApplication,
} from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import {
  AuthGuard,
  CommandRoute,
  PublicRoute,
  ReadRoute,
  SERVICE_AGENCY,
  STAFF,
  TOKEN_VERIFIER,
  UUID,
  type DevTokenClaims,
  type Principal,
} from '@gridline/platform';
import { everyCaller, registeredRoutes, walkRoutes } from '../support/route-walk.js';

/**
 * The route walk can fail: a route without a declaration, a guard that lets
 * through more than the declaration says, and a write that does work from the
 * walk's empty request are each named. (The security spec walks the real apps.)
 */

@Controller('api/things')
class DeclaredController {
  @PublicRoute({ path: 'public', summary: 'anyone', response: { type: 'object' } })
  open() {
    return { ok: true };
  }

  @ReadRoute({
    path: ':id',
    summary: 'staff',
    params: { id: UUID },
    roles: STAFF,
    response: { type: 'object' },
  })
  get(@Param('id', new ParseUUIDPipe()) id: string) {
    return { id };
  }

  @CommandRoute({
    method: 'POST',
    status: 201,
    summary: 'coordinators of swc',
    roles: ['coordinator'],
    ownAgency: true,
    body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    response: { type: 'object' },
  })
  create() {
    return { created: true };
  }
}

@Controller('api/forgotten')
class UndeclaredController {
  @Get()
  list() {
    return [];
  }
}

@Controller('api/work')
class WorkController {
  /** Declared, but nothing in the request is checked: the walk's call would start it. */
  @CommandRoute({
    method: 'POST',
    status: 202,
    summary: 'starts work',
    roles: ['admin'],
    response: { type: 'object' },
  })
  start() {
    return { started: true };
  }
}

@Controller('api/legacy')
class PlainRouteController {
  @Post()
  write() {
    return {};
  }
}

const encode = (claims: DevTokenClaims) =>
  Buffer.from(JSON.stringify(claims)).toString('base64url');
/** Tokens are the claims in base64url: the walk is under test here, not JWT. */
const verifier = {
  verify: (token: string): Promise<Principal> => {
    const claims = JSON.parse(Buffer.from(token, 'base64url').toString()) as DevTokenClaims;
    return Promise.resolve({ id: claims.sub, agency: claims.agency, roles: claims.roles });
  },
};
class LetEveryoneIn implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@Module({})
class TestModule {
  static with(controllers: DynamicModule['controllers'], guard: DynamicModule['providers']) {
    return {
      module: TestModule,
      controllers,
      providers: [
        { provide: TOKEN_VERIFIER, useValue: verifier },
        { provide: SERVICE_AGENCY, useValue: 'swc' },
        ...(guard ?? []),
      ],
    };
  }
}

async function walk(module: DynamicModule) {
  const app: INestApplication = await NestFactory.create(module, { logger: false });
  await app.listen(0, '127.0.0.1');
  try {
    return await walkRoutes({
      baseUrl: await app.getUrl(),
      routes: registeredRoutes(app),
      agency: 'swc',
      callers: everyCaller(['swc', 'street']),
      token: (claims) => Promise.resolve(encode(claims)),
    });
  } finally {
    await app.close();
  }
}

const platformGuard = [{ provide: APP_GUARD, useClass: AuthGuard }];

describe('the route walk', () => {
  it('passes routes whose answers match their declarations', async () => {
    const { calls, findings } = await walk(TestModule.with([DeclaredController], platformGuard));
    expect(findings).toEqual([]);
    expect(calls).toBe(3 * 17);
  });

  it('names a route without a declaration (which the guard refuses to everyone)', async () => {
    const { findings } = await walk(
      TestModule.with(
        [DeclaredController, UndeclaredController, PlainRouteController],
        platformGuard,
      ),
    );
    expect(findings).toEqual([
      'GET /api/forgotten (UndeclaredController.list) declares no access: give it @CommandRoute, @ReadRoute or @PublicRoute',
      'POST /api/legacy (PlainRouteController.write) declares no access: give it @CommandRoute, @ReadRoute or @PublicRoute',
    ]);
  });

  it('names every answer a guard gives beyond the declaration', async () => {
    const { findings } = await walk(
      TestModule.with([DeclaredController], [{ provide: APP_GUARD, useClass: LetEveryoneIn }]),
    );
    expect(findings).toContain('GET /api/things/:id as no token answered 400, expected 401');
    expect(findings).toContain(
      'GET /api/things/:id as reporting-app@swc answered 400, expected 403',
    );
    expect(findings).toContain('POST /api/things as coordinator@street answered 400, expected 403');
    expect(findings).not.toContainEqual(expect.stringMatching(/public/));
  });

  it('names a write that the walk’s empty request gets through', async () => {
    const { findings } = await walk(TestModule.with([WorkController], platformGuard));
    expect(findings).toEqual([
      "POST /api/work as admin@street answered 202: a write the walk's empty request got through (it may do work)",
      "POST /api/work as admin@swc answered 202: a write the walk's empty request got through (it may do work)",
    ]);
  });
});
