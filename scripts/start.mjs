// `npm start`: provision and start the local servers (deploy/local), build, then
// run the five apps as separate processes with their output prefixed, and print
// where everything is. Ctrl-C stops the apps; `npm run infra:down` stops the servers.
import { once } from 'node:events';
import { DEV_AUDIENCE, DEV_ISSUER, devKeys } from './dev-keys.mjs';
import { ensureDependencies, localStack, run, spawnLogged } from './lib.mjs';

const APPS = [
  { name: 'gateway', port: 3000 },
  { name: 'swc-service', port: 3001 },
  { name: 'drc-service', port: 3002 },
  { name: 'street-service', port: 3003 },
  { name: 'projector', port: 3004 },
];

ensureDependencies();
console.log('▶ local stack');
const stack = localStack();
const keys = devKeys();
console.log('▶ build');
run('npm', ['run', '--silent', 'build']);

const children = APPS.map(({ name, port }) => {
  const child = spawnLogged(process.execPath, [`dist/apps/${name}/src/main.js`], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: process.env.DATABASE_URL ?? stack.DATABASE_URL,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? stack.KAFKA_BROKERS,
      MONGO_URL: process.env.MONGO_URL ?? stack.MONGO_URL,
      JWT_PUBLIC_KEY_FILE: process.env.JWT_PUBLIC_KEY_FILE ?? keys.publicKeyFile,
      PII_MASTER_KEY_FILE: process.env.PII_MASTER_KEY_FILE ?? keys.piiMasterKeyFile,
      // The local platform accepts simulated times from admins and service
      // accounts, so `npm run demo` can seed months of history (never in production).
      GRIDLINE_SIMULATED_CLOCK: process.env.GRIDLINE_SIMULATED_CLOCK ?? 'true',
      JWT_ISSUER: process.env.JWT_ISSUER ?? DEV_ISSUER,
      JWT_AUDIENCE: process.env.JWT_AUDIENCE ?? DEV_AUDIENCE,
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
console.log(`
${allReady ? '✔ Gridline is running' : '✗ some apps are not ready (see their output above)'}
  console          http://127.0.0.1:3000/  (web console: sign in with a token, e.g. a coordinator's:
                   npm run --silent token -- --sub coord-1 --agency swc --roles coordinator
                   an admin's, for the rebuild monitor: --sub ops-1 --agency swc --roles admin;
                   npm run demo fills it with six months of cases)
  gateway          http://127.0.0.1:3000   (GET /api/cases/{caseId}/timeline)
  swc-service      http://127.0.0.1:3001
  drc-service      http://127.0.0.1:3002
  street-service   http://127.0.0.1:3003   (POST /api/issues)
  projector        http://127.0.0.1:3004   (health only)
  health           /health/live and /health/ready on every app
  tokens           npm run token -- --sub worker-17 --agency street --roles grid-worker
Press Ctrl-C to stop the apps.
`);
