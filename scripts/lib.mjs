// Helpers shared by the npm scripts (start, test): plain Node, no build needed.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    console.error(
      `\n✗ ${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`,
    );
    process.exit(result.status ?? 1);
  }
}

/** Brings up the local stack and returns the connection variables it prints. */
export function localStack() {
  run('bash', ['deploy/local/stack.sh', 'up']);
  const out = spawnSync('bash', ['deploy/local/stack.sh', 'env'], { cwd: root, encoding: 'utf8' });
  const env = {};
  for (const line of out.stdout.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  return env;
}

/**
 * The evidence store's settings, printed by `deploy/local/stack.sh env` (server
 * `s3`, SeaweedFS); the secret key only as the name of its file.
 */
export const EVIDENCE_S3 = [
  'EVIDENCE_S3_ENDPOINT',
  'EVIDENCE_S3_REGION',
  'EVIDENCE_S3_BUCKET',
  'EVIDENCE_S3_ACCESS_KEY_ID',
  'EVIDENCE_S3_SECRET_KEY_FILE',
];

export function spawnLogged(command, args, options) {
  return spawn(command, args, { cwd: root, ...options });
}

/**
 * Installs the locked dependencies when node_modules is missing or was installed
 * from another package-lock.json, so `npm start` and `npm test` work straight
 * after a clone. The lock file's hash is remembered in node_modules.
 */
export function ensureDependencies() {
  const lock = readFileSync(path.join(root, 'package-lock.json'));
  const hash = createHash('sha256').update(lock).digest('hex');
  const marker = path.join(root, 'node_modules', '.gridline-lock-hash');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === hash) return;
  console.log('▶ npm ci (dependencies missing or out of date)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(marker, hash);
}

export const CHROMIUM = '/usr/bin/chromium';
/** A Chinese font (the console's default language): without one chromium draws boxes. */
const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';

/**
 * Debian's chromium for the browser tests (test/support/browser.ts), and a small
 * Chinese font for what it draws. Installed when missing and running as root (CI
 * on a fresh machine): one `apt-get update`, then the packages, whose downloads
 * apt keeps in /var/cache/apt/archives for later runs on the same machine.
 * Otherwise says what to do; the tests then fail with the same advice. Prints the
 * chromium version it will use.
 */
export function ensureChromium() {
  const missing = [
    ...(existsSync(CHROMIUM) ? [] : ['chromium']),
    ...(existsSync(CJK_FONT) ? [] : ['fonts-wqy-microhei']),
  ];
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) {
      console.error(
        `  missing: ${missing.join(', ')}; not root, so not installing: run \`apt-get install ${missing.join(' ')}\` as root.`,
      );
    } else {
      console.log(`  installing ${missing.join(', ')} (apt-get)`);
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      run('apt-get', ['update'], { env });
      run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
    }
  }
  if (!existsSync(CHROMIUM)) return;
  const version = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' });
  console.log(`  ${(version.stdout || version.stderr || 'chromium: version unknown').trim()}`);
}

/**
 * The KAFKA_* variables of an app's own Kafka user (`gridline-swc` for swc-service
 * and so on), from what `deploy/local/stack.sh env` printed: the broker takes
 * SASL/SCRAM over TLS, and each user only what `gridline kafka-acls` granted it.
 */
export function kafkaEnvOf(stack, app) {
  if (!stack.KAFKA_CREDENTIALS_DIR) return {};
  const user = `gridline-${app.replace(/-service$/, '')}`;
  return {
    KAFKA_TLS_CA_FILE: stack.KAFKA_TLS_CA_FILE,
    KAFKA_SASL_MECHANISM: stack.KAFKA_SASL_MECHANISM,
    KAFKA_SASL_USERNAME: user,
    KAFKA_SASL_PASSWORD_FILE: path.join(stack.KAFKA_CREDENTIALS_DIR, user),
  };
}
