import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { declaredAccess, type Access } from '@gridline/platform';
import { COMMANDS } from '../../apps/console/src/lib/command-access.js';
import { CasesController } from '../../apps/swc-service/src/cases/cases.controller.js';
import { IssuesController } from '../../apps/street-service/src/issues/issues.controller.js';

/**
 * The console's table of who may use which command (apps/console/src/lib/
 * command-access.ts) says what the services' route declarations say: for each
 * command, the route exists on that agency's controller with the same roles
 * and the own-agency rule.
 */
const CONTROLLERS = { swc: [CasesController], street: [IssuesController], drc: [] } as const;

function declarations(agency: keyof typeof CONTROLLERS): Map<string, Access | undefined> {
  const routes = new Map<string, Access | undefined>();
  for (const controller of CONTROLLERS[agency] as readonly (new (...a: never[]) => object)[]) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller)).replace(/^api\/?/, '');
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (path === undefined || method === undefined) continue;
      const full = [base, path].filter((p) => p && p !== '/').join('/');
      routes.set(`${RequestMethod[method]} ${full}`, declaredAccess(handler));
    }
  }
  return routes;
}

describe("the console's command access table", () => {
  it.each(Object.entries(COMMANDS))('%s matches its route declaration', (_name, access) => {
    const declared = declarations(access.agency).get(access.route);
    expect(declared).toEqual({
      kind: 'roles',
      roles: [...access.roles],
      ownAgency: access.ownAgency,
    });
  });

  it('covers every command route of the case and issue controllers but the admins’ erasure', () => {
    const routes = [...declarations('swc').keys(), ...declarations('street').keys()].filter(
      (route) => route.startsWith('POST') && !route.endsWith('reporter-erasure'),
    );
    expect(routes.sort()).toEqual(
      Object.values(COMMANDS)
        .map((c) => c.route)
        .sort(),
    );
  });
});
