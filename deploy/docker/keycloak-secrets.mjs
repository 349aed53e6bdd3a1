// One-shot maker of Keycloak's passwords for `docker compose up` (the
// `keycloak-secrets` service): the bootstrap admin's and the `keycloak` database
// role's, random, made once into the `keycloak-secrets` volume (read by the
// postgres init script and the keycloak service) and copied to the host's
// .data/keys/keycloak-admin-password (mode 600, git-ignored) so that whoever
// runs compose can sign in to the admin console. Idempotent: kept once made.
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';

const out = '/secrets';
const host = '/host-keys';

mkdirSync(out, { recursive: true });
for (const name of ['admin-password', 'db-password']) {
  const file = `${out}/${name}`;
  if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString('base64url'));
  // Read by Keycloak's user (1000) and PostgreSQL's (999), in a volume only they mount.
  chmodSync(file, 0o444);
}
mkdirSync(host, { recursive: true, mode: 0o700 });
copyFileSync(`${out}/admin-password`, `${host}/keycloak-admin-password`);
chmodSync(`${host}/keycloak-admin-password`, 0o600);
console.log(
  'keycloak passwords ready; the admin password is in .data/keys/keycloak-admin-password',
);
