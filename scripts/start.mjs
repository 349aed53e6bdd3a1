// `npm start`: provision and start the local servers (deploy/local), build, then
// run the five apps as separate processes with their output prefixed, and print
// where everything is. Ctrl-C stops the apps; `npm run infra:down` stops the servers.
import { once } from 'node:events';
import { DEV_AUDIENCE, DEV_ISSUER, devKeys } from './dev-keys.mjs';
import { seedDemoAccounts } from './accounts.mjs';
import {
  EVIDENCE_S3,
  ensureDependencies,
  kafkaEnvOf,
  localStack,
  run,
  spawnLogged,
} from './lib.mjs';

const APPS = [
  { name: 'gateway', port: 3000 },
  { name: 'swc-service', port: 3001 },
  { name: 'drc-service', port: 3002 },
  { name: 'street-service', port: 3003 },
  { name: 'projector', port: 3004 },
];

/** The apps that keep or serve evidence files get the S3 store's settings. */
const EVIDENCE_APPS = ['street-service', 'gateway'];

ensureDependencies();
console.log('▶ local stack');
const stack = localStack();
const keys = devKeys();
const identity = {
  issuer: `${stack.KEYCLOAK_URL}/realms/${stack.KEYCLOAK_REALM}`,
  jwksUrl: `${stack.KEYCLOAK_URL}/realms/${stack.KEYCLOAK_REALM}/protocol/openid-connect/certs`,
};
console.log('▶ build');
run('npm', ['run', '--silent', 'build']);
// The store's schema, by its owner: the apps sign in as their own roles, which may
// not change it (docs/security.md, "Append-only history").
console.log('▶ event store schema');
run(process.execPath, ['scripts/gridline.mjs', 'migrate'], {
  env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? stack.DATABASE_URL },
});
// Kafka's topics and each app's rights, by Kafka's owner: the apps sign in as
// their own users, which may only do what these grant (docs/security.md, "Kafka").
console.log('▶ Kafka topics and rights');
const KAFKA_OWNER = [
  'KAFKA_BROKERS',
  'KAFKA_TLS_CA_FILE',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD_FILE',
];
run(process.execPath, ['scripts/gridline.mjs', 'kafka-acls'], {
  env: {
    ...process.env,
    ...Object.fromEntries(KAFKA_OWNER.map((v) => [v, process.env[v] ?? stack[v]])),
  },
});
console.log('▶ demo accounts (Keycloak realm gridline)');
const accounts = await seedDemoAccounts();

/**
 * Each app signs in to PostgreSQL as its own role (deploy/local/lib/postgres.sh):
 * `DATABASE_URL_SWC` for swc-service and so on, printed by `stack.sh env`.
 */
function databaseUrlOf(name) {
  const url = stack[`DATABASE_URL_${name.replace(/-service$/, '').toUpperCase()}`];
  if (!url) throw new Error(`deploy/local/stack.sh env printed no database role for ${name}`);
  return url;
}

const children = APPS.map(({ name, port }) => {
  const child = spawnLogged(process.execPath, [`dist/apps/${name}/src/main.js`], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: process.env.DATABASE_URL ?? databaseUrlOf(name),
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? stack.KAFKA_BROKERS,
      ...kafkaEnvOf(stack, name),
      MONGO_URL: process.env.MONGO_URL ?? stack.MONGO_URL,
      // People and department systems sign in at the local Keycloak (deploy/local);
      // the local profile also trusts development tokens (npm run token, npm run demo).
      GRIDLINE_PROFILE: process.env.GRIDLINE_PROFILE ?? 'local',
      JWT_ISSUER: process.env.JWT_ISSUER ?? identity.issuer,
      JWT_JWKS_URL: process.env.JWT_JWKS_URL ?? identity.jwksUrl,
      JWT_AUDIENCE: process.env.JWT_AUDIENCE ?? DEV_AUDIENCE,
      JWT_PRINCIPAL_CLAIM: process.env.JWT_PRINCIPAL_CLAIM ?? 'preferred_username',
      DEV_TOKEN_PUBLIC_KEY_FILE: process.env.DEV_TOKEN_PUBLIC_KEY_FILE ?? keys.publicKeyFile,
      DEV_TOKEN_ISSUER: DEV_ISSUER,
      // The personal-data key only where data is sealed or opened: street-service.
      ...(name === 'street-service'
        ? { PII_MASTER_KEY_FILE: process.env.PII_MASTER_KEY_FILE ?? keys.piiMasterKeyFile }
        : {}),
      // The gateway seals the log; nobody else holds the key.
      ...(name === 'gateway'
        ? { LOG_SEAL_KEY_FILE: process.env.LOG_SEAL_KEY_FILE ?? keys.logSealKeyFile }
        : {}),
      // The local platform accepts simulated times from admins and service
      // accounts, so `npm run demo` can seed months of history (never in production).
      GRIDLINE_SIMULATED_CLOCK: process.env.GRIDLINE_SIMULATED_CLOCK ?? 'true',
      // Evidence files: the local S3 store (SeaweedFS), for the apps that keep or serve them.
      ...(EVIDENCE_APPS.includes(name)
        ? Object.fromEntries(EVIDENCE_S3.map((v) => [v, process.env[v] ?? stack[v]]))
        : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `${name.padEnd(14)} │ `;
  for (const stream of [child.stdout, child.stderr])
    stream.on('data', (chunk) => {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        process.stdout.write(`${prefix}${line}\n`);
    });
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`${prefix}exited (${code ?? signal})`);
  });
  return { name, port, child };
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  console.log('\n▶ stopping the apps (the servers keep running: npm run infra:down)');
  await Promise.all(
    children.map(async ({ child }) => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    }),
  );
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

async function ready({ name, port, child }) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  console.error(`${name} did not become ready`);
  return false;
}

const allReady = (await Promise.all(children.map(ready))).every(Boolean);
const width = Math.max(...accounts.accounts.map((a) => a.username.length));
console.log(`
${allReady ? '✔ Gridline is running' : '✗ some apps are not ready (see their output above)'}
  console          http://127.0.0.1:3000/  sign in with an agency account at the local Keycloak:
${accounts.accounts.map((a) => `                     ${a.username.padEnd(width)}  ${a.agency.padEnd(6)}  ${a.roles.join(', ')}`).join('\n')}
                   password of every demo account: ${accounts.password}
                   (kept in ${accounts.passwordFile}; npm run demo fills the console with six months of cases)
  accounts         ${accounts.url}/admin/  Keycloak's admin console (admin password: the file
                   KEYCLOAK_ADMIN_PASSWORD_FILE of \`npm run infra:env\`); docs/identity.md
  gateway          http://127.0.0.1:3000   (GET /api/cases/{caseId}/timeline)
  swc-service      http://127.0.0.1:3001
  drc-service      http://127.0.0.1:3002
  street-service   http://127.0.0.1:3003   (POST /api/issues)
  projector        http://127.0.0.1:3004   (health only)
  health           /health/live and /health/ready on every app
  scripts' tokens  npm run token -- --sub worker-17 --agency street --roles grid-worker
                   (development tokens, trusted in the local profile only)
Press Ctrl-C to stop the apps.
`);
