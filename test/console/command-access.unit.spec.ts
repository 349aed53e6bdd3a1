import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { declaredAccess, type Access } from '@gridline/platform';
import { COMMANDS } from '../../apps/console/src/lib/command-access.js';
import { CasesController } from '../../apps/swc-service/src/cases/cases.controller.js';
import { IssuesController } from '../../apps/street-service/src/issues/issues.controller.js';
import { SubjectsController } from '../../apps/street-service/src/subjects/subjects.controller.js';
import { EnforcementController } from '../../apps/street-service/src/enforcement/enforcement.controller.js';
import { DecisionsController } from '../../apps/street-service/src/decisions/decisions.controller.js';
import { DiscretionController } from '../../apps/street-service/src/discretion/discretion.controller.js';
import { CredentialsController } from '../../apps/street-service/src/credentials/credentials.controller.js';
import { WarningsController } from '../../apps/drc-service/src/warnings/warnings.controller.js';
import { ProjectsController } from '../../apps/drc-service/src/projects/projects.controller.js';
import { AssignmentInboxModule } from '@gridline/assignment-inbox';

/**
 * The console's table of who may use which command (apps/console/src/lib/
 * command-access.ts) says what the services' route declarations say: for each
 * command, the route exists on that agency's controller with the same roles
 * and the own-agency rule.
 */
// The inbox's controller, as the library hands it to each agency's module.
const [InboxController] = (AssignmentInboxModule.forAgency('street').controllers ?? []) as [
  new (...a: never[]) => object,
];

const CONTROLLERS = {
  swc: [CasesController],
  street: [
    IssuesController,
    SubjectsController,
    EnforcementController,
    DecisionsController,
    DiscretionController,
    CredentialsController,
    InboxController,
  ],
  drc: [WarningsController, ProjectsController, InboxController],
} as const;

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
      roles: [...access.roles, ...(access.machines ?? [])],
      ownAgency: access.ownAgency,
    });
  });

  it('covers every command route of the three services but the admins’ erasures', () => {
    const routes = (['swc', 'street', 'drc'] as const).flatMap((agency) =>
      [...declarations(agency).keys()]
        .filter((route) => route.startsWith('POST') && !route.endsWith('erasure'))
        .map((route) => `${agency} ${route}`),
    );
    expect(routes.sort()).toEqual(
      Object.values(COMMANDS)
        .map((c) => `${c.agency} ${c.route}`)
        .sort(),
    );
  });
});
