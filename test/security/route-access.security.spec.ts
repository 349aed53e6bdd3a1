import { MongoClient } from 'mongodb';
import pg from 'pg';
import {
  createIsolatedStores,
  createTestIdentity,
  type AppName,
  type IsolatedStores,
} from '@gridline/testing';
import {
  IN_PROCESS_APPS,
  startInProcessApps,
  type InProcessApp,
} from '../support/in-process-apps.js';
import {
  everyCaller,
  registeredRoutes,
  walkRoutes,
  type RegisteredRoute,
} from '../support/route-walk.js';

/**
 * Every route of every app, as the Nest router registered it, called with no
 * token and with a token of every role of every agency: each answer must be
 * what the route's declaration says (test/support/route-walk.ts). The apps run
 * in this process (the same modules `npm start` runs, on a store of their own),
 * so the routes come from their routers, not from a list kept here.
 */
const APPS = IN_PROCESS_APPS;

describe('security: every route answers only the principals its declaration names', () => {
  const identity = createTestIdentity();
  const callers = everyCaller(['swc', 'drc', 'street']);
  let running = new Map<AppName, InProcessApp>();
  let stores: IsolatedStores;

  beforeAll(async () => {
    stores = await createIsolatedStores('gridline_route_walk');
    running = await startInProcessApps(identity, stores);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...running.values()].map(({ app }) => app.close()));
    await stores?.drop();
  });

  const routesOf = (name: AppName): RegisteredRoute[] => {
    const app = running.get(name)?.app;
    if (!app) throw new Error(`${name} did not start`);
    return registeredRoutes(app);
  };

  it('finds the routes in every router (and every router has health and metrics)', () => {
    for (const { name } of APPS) {
      const routes = routesOf(name).map((r) => `${r.method} ${r.path}`);
      expect(routes).toEqual(
        expect.arrayContaining(['GET /health/live', 'GET /health/ready', 'GET /metrics']),
      );
    }
    expect(routesOf('street-service').map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['POST /open311/v2/requests.json', 'POST /api/issues']),
    );
  });

  it('names reporting-app accounts on Open311 filing only', () => {
    const reportingApp = APPS.flatMap(({ name }) =>
      routesOf(name)
        .filter((r) => r.access?.kind === 'roles' && r.access.roles.includes('reporting-app'))
        .map((r) => `${name} ${r.method} ${r.path}`),
    );
    expect(reportingApp).toEqual(['street-service POST /open311/v2/requests.json']);
  });

  it.each(APPS.map((a) => [a.name, a] as const))(
    '%s: each answer matches the declaration, and the walk changed nothing',
    async (name, { agency }) => {
      const app = running.get(name);
      const routes = routesOf(name);
      const started = Date.now();
      const { calls, findings } = await walkRoutes({
        baseUrl: app?.url ?? '',
        routes,
        agency,
        callers,
        token: (claims) => identity.token(claims),
      });
      // One line a run can be read by (routes × callers, time).
      console.log(
        `${name}: ${routes.length} routes × ${callers.length} callers = ${calls} calls in ${Date.now() - started} ms`,
      );
      expect(findings).toEqual([]);
      expect(calls).toBe(routes.length * callers.length);
    },
    120_000,
  );

  it('recorded no event, no export and no rebuild request for any walk principal', async () => {
    const db = new pg.Client({ connectionString: stores.databaseUrl });
    await db.connect();
    const mongo = new MongoClient(stores.mongoUrl);
    try {
      const events = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM gridline_events WHERE metadata->'actor'->>'id' LIKE 'walk-%'`,
      );
      expect(Number(events.rows[0]?.n)).toBe(0);
      const exports = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM gridline_export_audit`,
      );
      expect(Number(exports.rows[0]?.n)).toBe(0);
      await mongo.connect();
      expect(await mongo.db().collection('read_model_rebuilds').countDocuments()).toBe(0);
    } finally {
      await db.end();
      await mongo.close();
    }
  });
});
