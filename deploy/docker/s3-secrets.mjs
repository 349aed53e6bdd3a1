// One-shot maker of the S3 identity for `docker compose up` (the `s3-secrets`
// service): a random secret key, made once into the `s3-secrets` volume, and
// SeaweedFS's identities file (s3.json) granting the access key id given in
// S3_ACCESS_KEY_ID (the same value as the apps' EVIDENCE_S3_ACCESS_KEY_ID)
// everything on every bucket. Without that file SeaweedFS would accept any
// credentials. The volume is mounted by seaweedfs and street-service only; the
// secret is also copied to the host's .data/keys/s3-secret-key (mode 600,
// git-ignored) for tools on the host (S3 at http://127.0.0.1:18333).
// Idempotent: the secret is kept once made, s3.json is rewritten from it.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';

const out = '/secrets';
const host = '/host-keys';
const accessKeyId = process.env['S3_ACCESS_KEY_ID'] ?? '';
if (!/^[A-Za-z0-9]{16,128}$/.test(accessKeyId)) {
  console.error(`S3_ACCESS_KEY_ID must be 16 to 128 letters and digits (got '${accessKeyId}')`);
  process.exit(1);
}

mkdirSync(out, { recursive: true });
const secretFile = `${out}/secret-key`;
// 40 characters of letters and digits, as an AWS secret key (no JSON escaping needed).
if (!existsSync(secretFile))
  writeFileSync(
    secretFile,
    randomBytes(60)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 40),
  );
const secretAccessKey = readFileSync(secretFile, 'utf8').trim();
const config = {
  identities: [
    {
      name: 'gridline',
      credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }],
      actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'],
    },
  ],
};
writeFileSync(`${out}/s3.json`, `${JSON.stringify(config, null, 2)}\n`);
// Read by SeaweedFS's user and the apps' (both 1000), in a volume only they mount.
for (const file of [secretFile, `${out}/s3.json`]) chmodSync(file, 0o444);
mkdirSync(host, { recursive: true, mode: 0o700 });
copyFileSync(secretFile, `${host}/s3-secret-key`);
chmodSync(`${host}/s3-secret-key`, 0o600);
console.log(`S3 identity ready: access key id ${accessKeyId}, secret in .data/keys/s3-secret-key`);
