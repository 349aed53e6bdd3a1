/**
 * What each app reads from its environment, taken from the code itself
 * (libs/platform serviceSettings and the apps' own setting tables), so the
 * deployment checks follow the configuration as it changes instead of a copy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ConfigError,
  loadConfig,
  loadServiceConfig,
  serviceSettings,
  type Setting,
} from '@gridline/platform';
import { swcSettings } from '../../apps/swc-service/src/swc.module.js';
import { streetSettings } from '../../apps/street-service/src/shared/street-policy.js';
import { evidenceSettings } from '../../apps/street-service/src/evidence/evidence.providers.js';
import { consoleSettings } from '../../apps/gateway/src/console/console-files.js';
import { agencyProxySettings } from '../../apps/gateway/src/agencies/agency-proxy.js';
import { logSealSettings } from '../../apps/gateway/src/history/log-sealing.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Variables read outside the setting tables: by Node, by the image's health check, by OpenTelemetry. */
const OTHER_VARIABLES = ['NODE_ENV', 'NODE_OPTIONS', 'APP'];
const OTHER_PREFIXES = ['OTEL_'];

/**
 * The apps of the monorepo with the port each listens on by default
 * (apps/<app>/src/service.ts, which main.ts imports once tracing is started).
 */
export function apps(): ReadonlyMap<string, number> {
  const found = new Map<string, number>();
  for (const app of readdirSync(path.join(ROOT, 'apps')).sort()) {
    // The web console is no process of its own: static files the gateway serves.
    if (app === 'console') continue;
    const main = readFileSync(path.join(ROOT, 'apps', app, 'src', 'main.ts'), 'utf8');
    if (!main.includes(`startTracing('${app}')`))
      throw new Error(`apps/${app}/src/main.ts: no startTracing('${app}')`);
    const service = readFileSync(path.join(ROOT, 'apps', app, 'src', 'service.ts'), 'utf8');
    const port = /runService\(\s*'([^']+)',\s*(\d+)/.exec(service);
    if (!port || port[1] !== app)
      throw new Error(`apps/${app}/src/service.ts: no runService('${app}', <port>)`);
    found.set(app, Number(port[2]));
  }
  return found;
}

/** The settings of one app besides those every app shares (serviceSettings). */
function ownSettings(app: string): Record<string, Setting<unknown>> {
  if (app === 'swc-service') return swcSettings;
  if (app === 'street-service') return { ...streetSettings, ...evidenceSettings };
  if (app === 'gateway') return { ...consoleSettings, ...agencyProxySettings, ...logSealSettings };
  return {};
}

export function appSettings(app: string, port: number): Record<string, Setting<unknown>> {
  return { ...serviceSettings(port), ...ownSettings(app) };
}

/**
 * The settings a container must set: those without a default, and those whose
 * default is the loopback address of a development machine (a database on
 * 127.0.0.1, listening on 127.0.0.1), which is wrong in any container.
 */
export function neededInContainers(app: string, port: number): string[] {
  return [
    ...Object.entries(appSettings(app, port))
      .filter(
        ([, s]) =>
          s.default === undefined || /127\.0\.0\.1|localhost/.test(JSON.stringify(s.default) ?? ''),
      )
      .map(([name]) => name),
    // Optional for the others, who must not hold it (docs/security.md, "Keys where used").
    ...(KEY_HOLDERS.includes(app) ? ['PII_MASTER_KEY_FILE'] : []),
  ];
}

/** The apps that seal and open personal data: street-service alone (PERSONAL_DATA_HOLDERS). */
export const KEY_HOLDERS = ['street-service'];

/** Everything wrong with the environment one app is given; [] when it would start. */
export function environmentProblems(
  app: string,
  port: number,
  env: Readonly<Record<string, string>>,
): string[] {
  const settings = appSettings(app, port);
  const problems: string[] = [];
  for (const name of Object.keys(env))
    if (
      !(name in settings) &&
      !OTHER_VARIABLES.includes(name) &&
      !OTHER_PREFIXES.some((p) => name.startsWith(p))
    )
      problems.push(`${name} is read by no app (a typo?)`);
  for (const name of neededInContainers(app, port))
    if (!env[name]) problems.push(`${name} is not set (${settings[name]?.description})`);
  if (String(env['PORT'] ?? port) !== String(port))
    problems.push(`PORT ${env['PORT']} is not the app's port ${port}`);
  // As the app loads them at start-up: the shared settings with their cross-checks
  // (e.g. EVENT_STORE=eventstoredb needs EVENTSTORE_URL), then its own.
  for (const load of [() => loadServiceConfig(port, env), () => loadConfig(ownSettings(app), env)])
    try {
      load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  return problems;
}
