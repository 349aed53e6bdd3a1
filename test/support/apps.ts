import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signDevToken, type DevTokenClaims, type Role } from '@gridline/platform';
import { client } from './http.js';
import { EvidenceObjects } from '@gridline/evidence-store';
import { evidenceStoreInfra, testInfra } from './infra.js';
import { appKafkaEnv, ensureKafkaAccess } from './kafka.js';

/** The tests' evidence bucket, apart from the development platform's. */
export const TEST_EVIDENCE_BUCKET = 'gridline-test-evidence';
let testBucket: Promise<void> | undefined;

/** Creates the tests' evidence bucket once per test process. */
export function ensureTestEvidenceBucket(): Promise<void> {
  testBucket ??= (async () => {
    const objects = EvidenceObjects.connect(evidenceStoreInfra(TEST_EVIDENCE_BUCKET));
    try {
      await objects.ensureBucket();
    } finally {
      objects.close();
    }
  })();
  return testBucket;
}

const root = path.resolve(import.meta.dirname, '..', '..');

export const APP_NAMES = [
  'swc-service',
  'drc-service',
  'street-service',
  'projector',
  'gateway',
] as const;
export type AppName = (typeof APP_NAMES)[number];

export interface RunningApp {
  readonly name: AppName;
  readonly url: string;
  /** The current process: replaced by `restartApp`. */
  process: ChildProcess;
  readonly output: string[];
  readonly env: NodeJS.ProcessEnv;
}

/** A throw-away signing key for one test run, as an identity provider would hold. */
export interface TestIdentity {
  readonly publicKeyFile: string;
  readonly privateKeyFile: string;
  readonly piiMasterKeyFile: string;
  /** The gateway's key for the seals over the log (Ed25519, PEM), and its public half. */
  readonly logSealKeyFile: string;
  readonly logSealPublicKeyFile: string;
  /** The metrics scraper's bearer token, in a file (METRICS_TOKEN_FILE). */
  readonly metricsTokenFile: string;
  readonly issuer: string;
  readonly audience: string;
  token(claims: DevTokenClaims): Promise<string>;
}

export function createTestIdentity(): TestIdentity {
  const dir = mkdtempSync(path.join(tmpdir(), 'gridline-keys-'));
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyFile = path.join(dir, 'public.pem');
  writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const privateKeyFile = path.join(dir, 'private.pem');
  writeFileSync(privateKeyFile, privatePem, { mode: 0o600 });
  const piiMasterKeyFile = path.join(dir, 'pii-master.key');
  writeFileSync(piiMasterKeyFile, randomBytes(32).toString('base64'));
  const logSealKeyFile = path.join(dir, 'log-seal.pem');
  const logSealPublicKeyFile = path.join(dir, 'log-seal.pub.pem');
  const sealKey = generateKeyPairSync('ed25519');
  writeFileSync(logSealKeyFile, sealKey.privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  writeFileSync(logSealPublicKeyFile, sealKey.publicKey.export({ type: 'spki', format: 'pem' }));
  const metricsTokenFile = path.join(dir, 'metrics-token');
  writeFileSync(metricsTokenFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
  const issuer = 'gridline-test';
  const audience = 'gridline';
  return {
    publicKeyFile,
    privateKeyFile,
    piiMasterKeyFile,
    logSealKeyFile,
    logSealPublicKeyFile,
    metricsTokenFile,
    issuer,
    audience,
    token: (claims) => signDevToken(privatePem, claims, { issuer, audience, expiresIn: '1h' }),
  };
}

/**
 * Starts the built apps (dist/) as separate processes against the test servers
 * and waits until every one reports ready. Ports start at `basePort`; `only`
 * starts some of the apps (on the same ports), all five by default.
 */
export async function startApps(
  identity: TestIdentity,
  options: { basePort: number; env?: Record<string, string>; only?: readonly AppName[] },
): Promise<Map<AppName, RunningApp>> {
  await ensureTestEvidenceBucket();
  await ensureKafkaAccess(options.env?.['KAFKA_NAMESPACE'] ?? TEST_KAFKA_NAMESPACE);
  const apps = new Map<AppName, RunningApp>();
  const ports: Record<AppName, number> = {
    gateway: options.basePort,
    'swc-service': options.basePort + 1,
    'drc-service': options.basePort + 2,
    'street-service': options.basePort + 3,
    projector: options.basePort + 4,
  };
  // The gateway forwards the console's commands to the agency services of this run.
  const services = {
    SWC_SERVICE_URL: `http://127.0.0.1:${ports['swc-service']}`,
    DRC_SERVICE_URL: `http://127.0.0.1:${ports['drc-service']}`,
    STREET_SERVICE_URL: `http://127.0.0.1:${ports['street-service']}`,
  };
  for (const name of APP_NAMES) {
    if (options.only && !options.only.includes(name)) continue;
    const env = name === 'gateway' ? { ...services, ...options.env } : options.env;
    apps.set(name, launchInstance(identity, name, ports[name], env));
  }
  await Promise.all([...apps.values()].map((app) => waitUntilReady(app)));
  return apps;
}

/**
 * One more instance of an app (a replica beside those of `startApps`) on a port
 * of its own, with the same settings as `startApps` gives it: the same `env`
 * means the same database, topics and consumer groups. Waits until it is ready.
 */
export async function startInstance(
  identity: TestIdentity,
  name: AppName,
  options: {
    port: number;
    env?: Record<string, string>;
    /** `live`: wait only until it serves, for an app meant to start without a dependency. */
    waitFor?: 'ready' | 'live';
  },
): Promise<RunningApp> {
  await ensureTestEvidenceBucket();
  await ensureKafkaAccess(options.env?.['KAFKA_NAMESPACE'] ?? TEST_KAFKA_NAMESPACE);
  const app = launchInstance(identity, name, options.port, options.env);
  await waitUntilReady(app, 90_000, options.waitFor ?? 'ready');
  return app;
}

function launchInstance(
  identity: TestIdentity,
  name: AppName,
  port: number,
  extraEnv: Record<string, string> | undefined,
): RunningApp {
  const env = {
    ...appEnvironment(identity, port, extraEnv),
    ...kafkaEnvOf(name, extraEnv),
    // The personal-data key only where it is used (PERSONAL_DATA_HOLDERS).
    ...(name === 'street-service' ? { PII_MASTER_KEY_FILE: identity.piiMasterKeyFile } : {}),
    ...extraEnv,
  };
  const output: string[] = [];
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    process: launch(name, env, output),
    output,
    env,
  };
}

/** The tests' topics and groups, apart from a development platform's on the same broker. */
export const TEST_KAFKA_NAMESPACE = 'e2e';

/** The Kafka user of an app: its own, unless the test gave one. */
function kafkaEnvOf(name: AppName, extraEnv: Record<string, string> | undefined) {
  if (extraEnv?.['KAFKA_SASL_USERNAME']) return {};
  return appKafkaEnv(
    name.replace(/-service$/, '') as 'swc' | 'drc' | 'street' | 'gateway' | 'projector',
  );
}

/** The environment an app of the tests gets: the test servers, the test identity, `e2e` topics. */
export function appEnvironment(
  identity: TestIdentity,
  port: number,
  extraEnv: Record<string, string> | undefined,
): NodeJS.ProcessEnv {
  const infra = testInfra();
  return {
    PATH: process.env['PATH'] ?? '',
    PORT: String(port),
    DATABASE_URL: infra.databaseUrl,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    MONGO_URL: infra.mongoUrl,
    JWT_PUBLIC_KEY_FILE: identity.publicKeyFile,
    LOG_SEAL_KEY_FILE: identity.logSealKeyFile,
    METRICS_TOKEN_FILE: identity.metricsTokenFile,
    JWT_ISSUER: identity.issuer,
    JWT_AUDIENCE: identity.audience,
    // Own topics and groups: a development platform on the same broker stays apart.
    KAFKA_NAMESPACE: TEST_KAFKA_NAMESPACE,
    ...evidenceStoreInfra(TEST_EVIDENCE_BUCKET).env,
    ...extraEnv,
  };
}

function launch(name: AppName, env: NodeJS.ProcessEnv, output: string[]): ChildProcess {
  const main = path.join(root, 'dist', 'apps', name, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [main], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Each app's output also goes to .data/test-logs, which `npm test` shows when a tier fails.
  const logDir = path.join(root, '.data', 'test-logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}-${env['PORT'] ?? 'x'}.log`);
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 500) output.shift();
    appendFileSync(logFile, chunk);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return child;
}

/** An app's /metrics, scraped as Prometheus does: with the scraper's token (METRICS_TOKEN_FILE). */
export async function scrapeMetrics(app: Pick<RunningApp, 'url' | 'env'>): Promise<Response> {
  const file = app.env['METRICS_TOKEN_FILE'];
  const token = file ? readFileSync(file, 'utf8').trim() : undefined;
  return fetch(
    `${app.url}/metrics`,
    token ? { headers: { authorization: `Bearer ${token}` } } : {},
  );
}

/** Kills an app (SIGKILL by default: no graceful shutdown) and waits for it to exit. */
export async function killApp(app: RunningApp, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (app.process.exitCode !== null || app.process.signalCode !== null) return;
  const exited = new Promise((resolve) => app.process.once('exit', resolve));
  app.process.kill(signal);
  await exited;
}

/** Starts a killed app again with the same environment and waits until it is ready. */
export async function startApp(app: RunningApp): Promise<void> {
  app.process = launch(app.name, app.env, app.output);
  await waitUntilReady(app);
}

async function waitUntilReady(
  app: RunningApp,
  timeoutMs = 90_000,
  probe: 'ready' | 'live' = 'ready',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (app.process.exitCode !== null)
      throw new Error(`${app.name} exited (${app.process.exitCode}):\n${app.output.join('')}`);
    try {
      const response = await fetch(`${app.url}/health/${probe}`);
      if (response.ok) return;
      last = await response.text();
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${app.name} not ready after ${timeoutMs} ms (${last}):\n${app.output.join('')}`);
}

/** Stops apps (SIGTERM, SIGKILL after 10 s): those of `startApps`, or any list of them. */
export async function stopApps(
  apps: Map<AppName, RunningApp> | readonly RunningApp[] | undefined,
): Promise<void> {
  await Promise.all(
    [...(apps instanceof Map ? apps.values() : (apps ?? []))].map(
      (app) =>
        new Promise<void>((resolve) => {
          if (app.process.exitCode !== null || app.process.signalCode !== null) return resolve();
          const timer = setTimeout(() => app.process.kill('SIGKILL'), 10_000);
          app.process.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          app.process.kill('SIGTERM');
        }),
    ),
  );
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `${what} not reached in ${timeoutMs} ms${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
  );
}

/**
 * `as(app, sub, agency, roles)`: a JSON client of one of the
 * running apps, signed in as that principal with a token of the test identity.
 */
export function signedInClients(
  identity: TestIdentity,
  apps: ReadonlyMap<AppName, RunningApp> | undefined,
) {
  return async (
    name: AppName,
    sub: string,
    agency: DevTokenClaims['agency'],
    roles: readonly Role[],
  ) => client(apps?.get(name)?.url ?? '', await identity.token({ sub, agency, roles }));
}
