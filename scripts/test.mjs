// `npm test`: static checks, build, the local stack (unless the servers are
// given through DATABASE_URL, KAFKA_BROKERS and MONGO_URL, and the S3 store
// through EVIDENCE_S3_*), then every jest tier
// with the runner's summary. `--only unit|int|e2e|security|browser|fault` runs one
// tier, skipping the checks.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { EVIDENCE_S3, ensureChromium, ensureDependencies, localStack, root, run } from './lib.mjs';

const args = process.argv.slice(2);
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;
const passThrough =
  onlyIndex >= 0 ? args.filter((_, i) => i !== onlyIndex && i !== onlyIndex + 1) : args;

ensureDependencies();

if (!only) {
  console.log('▶ static checks: types, lint, format, dependency rules');
  run('npm', ['run', '--silent', 'check']);
}

const env = { ...process.env };
const needsServers = only !== 'unit';
if (needsServers) {
  const given = ['DATABASE_URL', 'KAFKA_BROKERS', 'MONGO_URL'].filter((name) => env[name]);
  if (given.length === 0) {
    console.log('▶ local stack (deploy/local/stack.sh up)');
    const stack = localStack();
    // Tests get databases of their own, apart from the development ones.
    env.DATABASE_URL = stack.TEST_DATABASE_URL;
    env.KAFKA_BROKERS = stack.KAFKA_BROKERS;
    // Kafka takes SASL/SCRAM over TLS: the tests sign in as its owner, and give the
    // apps they start their own users (KAFKA_CREDENTIALS_DIR, test/support/kafka.ts).
    for (const name of [
      'KAFKA_TLS_CA_FILE',
      'KAFKA_SASL_MECHANISM',
      'KAFKA_SASL_USERNAME',
      'KAFKA_SASL_PASSWORD_FILE',
      'KAFKA_CREDENTIALS_DIR',
    ])
      env[name] ??= stack[name];
    env.MONGO_URL = stack.MONGO_URL.replace(/\/gridline$/, '/gridline_test');
    // Keycloak: the tests make realms of their own through the admin API.
    for (const name of ['KEYCLOAK_URL', 'KEYCLOAK_ADMIN_USER', 'KEYCLOAK_ADMIN_PASSWORD_FILE'])
      env[name] ??= stack[name];
    // The apps' own database roles: the security tests sign in as them.
    for (const name of Object.keys(stack).filter((n) => n.startsWith('DATABASE_URL_')))
      env[name] ??= stack[name];
    // S3 (SeaweedFS): the tests make buckets of their own (gridline-test-*).
    for (const name of EVIDENCE_S3) env[name] ??= stack[name];
    // The fault tests may stop and start these servers (and only these).
    env.GRIDLINE_LOCAL_STACK = '1';
  } else if (given.length < 3) {
    console.error('Set all of DATABASE_URL, KAFKA_BROKERS and MONGO_URL, or none of them.');
    process.exit(2);
  } else if (!env['EVIDENCE_S3_ENDPOINT']) {
    console.warn(`  servers given, but no S3 store: set ${EVIDENCE_S3.join(', ')} too.`);
  }
}
if (!only || ['e2e', 'security', 'browser', 'fault'].includes(only)) {
  console.log('▶ build');
  run('npm', ['run', '--silent', 'build']);
}
if (!only || only === 'browser') {
  console.log('▶ chromium (browser tests)');
  ensureChromium();
}

// unit and int run two workers at a time; e2e files one at a time, since each
// starts its own five apps and they share the consumer groups on the one broker.
const runs = [
  { projects: ['unit', 'int'], workers: ['--maxWorkers=2'] },
  { projects: ['e2e', 'security'], workers: ['--runInBand'] },
  // The web console in chromium against its own five apps (needs the build).
  { projects: ['browser'], workers: ['--runInBand'] },
  // Fault tests kill processes and stop servers: alone, after everything else.
  { projects: ['fault'], workers: ['--runInBand'] },
]
  .map((r) => ({ ...r, projects: r.projects.filter((p) => !only || p === only) }))
  .filter((r) => r.projects.length > 0);

rmSync(path.join(root, '.data', 'test-logs'), { recursive: true, force: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
let status = 0;
for (const [index, { projects, workers }] of runs.entries()) {
  console.log(`▶ jest (${projects.join(', ')})`);
  const resultsFile = path.join(root, '.data', `jest-results-${index}.json`);
  mkdirSync(path.dirname(resultsFile), { recursive: true });
  rmSync(resultsFile, { force: true });
  const started = Date.now();
  const jest = spawnSync(
    process.execPath,
    [
      '--experimental-vm-modules',
      '--no-warnings=ExperimentalWarning',
      'node_modules/jest/bin/jest.js',
      ...projects.flatMap((p) => ['--selectProjects', p]),
      ...workers,
      '--json',
      `--outputFile=${resultsFile}`,
      ...passThrough,
    ],
    { env, cwd: root, stdio: 'inherit' },
  );
  if (jest.status !== 0) {
    status = jest.status ?? 1;
    showAppLogs(started);
  }
  if (existsSync(resultsFile)) {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    totals.passed += results.numPassedTests;
    totals.failed += results.numFailedTests;
    totals.skipped += results.numPendingTests + results.numTodoTests;
  }
}
/**
 * After a failed tier: the warnings and errors the apps started by the tests
 * logged meanwhile (test/support/apps.ts writes them to .data/test-logs), so a
 * CI log shows why, not only that.
 */
function showAppLogs(since) {
  const dir = path.join(root, '.data', 'test-logs');
  if (!existsSync(dir)) return;
  for (const file of readdirSync(dir).sort()) {
    const full = path.join(dir, file);
    if (statSync(full).mtimeMs < since) continue;
    const lines = readFileSync(full, 'utf8')
      .split('\n')
      .filter((line) => /"level":"(warn|error)"|Error|exited|Killed/.test(line));
    if (lines.length === 0) continue;
    console.log(
      `--- ${file}: last ${Math.min(lines.length, 15)} of ${lines.length} warnings/errors`,
    );
    for (const line of lines.slice(-15)) console.log(line.slice(0, 400));
  }
}

// One plain closing line that any CI log reader understands, after jest's own summaries.
console.log(`\nTests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(status);
