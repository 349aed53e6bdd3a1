// The development signing key: made once per clone under .data/keys (git-ignored).
// Production uses the identity provider's key (JWT_PUBLIC_KEY_FILE or JWT_JWKS_URL).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './lib.mjs';

export const DEV_ISSUER = 'gridline-dev';
export const DEV_AUDIENCE = 'gridline';

export function devKeys() {
  const dir = path.join(root, '.data', 'keys');
  const privateKeyFile = path.join(dir, 'dev-signing-key.pem');
  const publicKeyFile = path.join(dir, 'dev-signing-key.pub.pem');
  if (!existsSync(privateKeyFile) || !existsSync(publicKeyFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });
    writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  }
  // Wraps the per-subject personal-data keys (see docs/architecture.md).
  const piiMasterKeyFile = path.join(dir, 'pii-master.key');
  if (!existsSync(piiMasterKeyFile))
    writeFileSync(piiMasterKeyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  // Signs the seals over the log (docs/security.md, "Tamper evidence"); only the
  // gateway mounts the private half.
  const logSealKeyFile = path.join(dir, 'log-seal-key.pem');
  const logSealPublicKeyFile = path.join(dir, 'log-seal-key.pub.pem');
  if (!existsSync(logSealKeyFile) || !existsSync(logSealPublicKeyFile)) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(logSealKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });
    writeFileSync(logSealPublicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  }
  return {
    privateKeyFile,
    publicKeyFile,
    piiMasterKeyFile,
    logSealKeyFile,
    logSealPublicKeyFile,
    privateKeyPem: readFileSync(privateKeyFile, 'utf8'),
  };
}
