// Demo accounts in the local Keycloak's realm gridline: one per role of each
// agency where the role makes sense, all with one password made per clone
// ($GRIDLINE_DATA/keycloak/demo-password, mode 600) that meets the realm's policy.
// Idempotent. Needs `npm run build` (dist/) and the local stack's Keycloak.
//   node scripts/accounts.mjs          seeds and prints how to sign in
//   import { seedDemoAccounts } from './accounts.mjs'   (returns what to print)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './lib.mjs';

/**
 * username, agency, realm roles. Officers' enforcement credentials are Gridline's
 * (the street credential registry; `npm run demo` grants theirs), not Keycloak's.
 */
export const DEMO_ACCOUNTS = [
  { username: 'swc-coordinator', agency: 'swc', roles: ['coordinator'] },
  { username: 'swc-analyst', agency: 'swc', roles: ['analyst'] },
  { username: 'swc-admin', agency: 'swc', roles: ['admin'] },
  { username: 'drc-coordinator', agency: 'drc', roles: ['coordinator'] },
  { username: 'drc-analyst', agency: 'drc', roles: ['analyst'] },
  { username: 'drc-admin', agency: 'drc', roles: ['admin'] },
  { username: 'street-worker', agency: 'street', roles: ['grid-worker'] },
  { username: 'street-officer', agency: 'street', roles: ['officer'] },
  { username: 'street-officer-2', agency: 'street', roles: ['officer'] },
  { username: 'street-reviewer', agency: 'street', roles: ['legal-reviewer'] },
  { username: 'street-analyst', agency: 'street', roles: ['analyst'] },
  { username: 'street-admin', agency: 'street', roles: ['admin'] },
];

/** KEYCLOAK_* of `stack.sh env`, unless already in the environment. */
function keycloakEnv() {
  const names = [
    'KEYCLOAK_URL',
    'KEYCLOAK_REALM',
    'KEYCLOAK_ADMIN_USER',
    'KEYCLOAK_ADMIN_PASSWORD_FILE',
  ];
  if (names.every((n) => process.env[n]))
    return Object.fromEntries(names.map((n) => [n, process.env[n]]));
  const out = spawnSync('bash', ['deploy/local/stack.sh', 'env'], { cwd: root, encoding: 'utf8' });
  const env = {};
  for (const line of out.stdout.split('\n')) {
    const match = /^(KEYCLOAK_[A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = process.env[match[1]] || match[2];
  }
  return env;
}

/** 12+ characters with upper, lower and digit (the realm's password policy). */
function newPassword() {
  return `Gl${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}7a`;
}

/** The clone's demo password, made once beside Keycloak's other state. */
function demoPassword(file) {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${newPassword()}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

/**
 * Creates or updates the demo accounts and returns what to print:
 * { url, realm, passwordFile, password, accounts: [{ username, agency, roles }] }.
 */
export async function seedDemoAccounts(options = {}) {
  const env = keycloakEnv();
  const url = options.url ?? env.KEYCLOAK_URL;
  const realm = options.realm ?? env.KEYCLOAK_REALM ?? 'gridline';
  const adminUser = options.adminUser ?? env.KEYCLOAK_ADMIN_USER;
  const adminPasswordFile = options.adminPasswordFile ?? env.KEYCLOAK_ADMIN_PASSWORD_FILE;
  if (!url || !adminUser || !adminPasswordFile)
    throw new Error('Keycloak is not configured: run `bash deploy/local/stack.sh up keycloak`');
  const lib = path.join(root, 'dist', 'libs', 'keycloak-admin', 'src', 'index.js');
  if (!existsSync(lib)) throw new Error('dist/ is missing: run `npm run build` first');
  const { KeycloakAdmin } = await import(pathToFileURL(lib).href);
  const admin = await KeycloakAdmin.connect({
    url,
    username: adminUser,
    password: readFileSync(adminPasswordFile, 'utf8').trim(),
  });
  const passwordFile =
    options.passwordFile ?? path.join(path.dirname(adminPasswordFile), 'demo-password');
  const password = demoPassword(passwordFile);
  const accounts = options.accounts ?? DEMO_ACCOUNTS;
  for (const account of accounts) await admin.ensureUser(realm, { ...account, password });
  return {
    url,
    realm,
    passwordFile,
    password,
    accounts: accounts.map(({ username, agency, roles }) => ({ username, agency, roles })),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const seeded = await seedDemoAccounts();
    console.log(`Demo accounts in realm ${seeded.realm} of ${seeded.url}:`);
    for (const a of seeded.accounts)
      console.log(`  ${a.username.padEnd(18)} ${a.agency.padEnd(7)} ${a.roles.join(', ')}`);
    console.log(
      `Password of every demo account: ${seeded.password} (kept in ${seeded.passwordFile})`,
    );
  } catch (error) {
    console.error(`✗ ${error.message}`);
    process.exit(1);
  }
}
