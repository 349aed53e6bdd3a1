// One-shot key maker for `docker compose up` (the `keys` service). Runs as root in
// a throwaway container with the repository's .data/keys mounted at /host-keys
// and the `keys` volume the apps read at /keys.
//
// 1. Makes the development keys in .data/keys when they are missing, with the
//    same file names and formats as scripts/dev-keys.mjs (`npm run keys`), so
//    `npm run token` on the host signs tokens the containers accept.
// 2. Copies what the apps need, and only that, each into the volume of the apps
//    that use it, readable by the apps' user (1000) alone: the public half of the
//    signing key (/keys, every app), the personal-data master key (/pii-key, the
//    agencies' services) and the seal key (/seal-key, the gateway). The private
//    signing key never reaches an app container.
//
// Idempotent: existing keys are kept, so tokens and sealed personal data stay valid.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';

const host = '/host-keys';
const out = '/keys';
const APP_UID = 1000;

mkdirSync(host, { recursive: true, mode: 0o700 });
if (!existsSync(`${host}/dev-signing-key.pem`) || !existsSync(`${host}/dev-signing-key.pub.pem`)) {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(
    `${host}/dev-signing-key.pem`,
    privateKey.export({ type: 'pkcs8', format: 'pem' }),
    { mode: 0o600 },
  );
  writeFileSync(
    `${host}/dev-signing-key.pub.pem`,
    publicKey.export({ type: 'spki', format: 'pem' }),
  );
  console.log('made a development signing key in .data/keys');
}
if (!existsSync(`${host}/pii-master.key`)) {
  writeFileSync(`${host}/pii-master.key`, randomBytes(32).toString('base64'), { mode: 0o600 });
  console.log('made a personal-data master key in .data/keys');
}

if (!existsSync(`${host}/log-seal-key.pem`) || !existsSync(`${host}/log-seal-key.pub.pem`)) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(`${host}/log-seal-key.pem`, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  writeFileSync(`${host}/log-seal-key.pub.pem`, publicKey.export({ type: 'spki', format: 'pem' }));
  console.log('made a seal key for the log in .data/keys');
}

for (const [from, to] of [
  ['dev-signing-key.pub.pem', `${out}/jwt-public-key.pem`],
  ['pii-master.key', '/pii-key/pii-master.key'],
  ['log-seal-key.pem', '/seal-key/log-seal-key.pem'],
]) {
  copyFileSync(`${host}/${from}`, to);
  chownSync(to, APP_UID, APP_UID);
  chmodSync(to, 0o400);
}
console.log('keys ready for the apps');
