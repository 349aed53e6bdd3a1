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
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  return env;
}

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
