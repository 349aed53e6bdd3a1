// Mints a development bearer token signed with the clone's dev key.
//   npm run token -- --sub worker-17 --agency street --roles grid-worker
//   npm run token -- --sub officer-3 --agency street --roles officer
// Tokens carry no enforcement credential: the street office's admin grants one in
// the registry (POST /api/credentials on the street service, docs/security.md).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { DEV_AUDIENCE, DEV_ISSUER, devKeys } from './dev-keys.mjs';
import { root } from './lib.mjs';

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    agency: { type: 'string' },
    roles: { type: 'string' },
    expires: { type: 'string', default: '8h' },
  },
});
if (!values.sub || !values.agency || !values.roles) {
  console.error(
    'usage: npm run token -- --sub <principal> --agency swc|drc|street --roles role[,role] [--expires 8h]',
  );
  process.exit(2);
}
const platform = path.join(root, 'dist', 'libs', 'platform', 'src', 'index.js');
if (!existsSync(platform)) {
  console.error('dist/ is missing: run `npm run build` (or `npm start`) first.');
  process.exit(2);
}
const { signDevToken, ROLES } = await import(pathToFileURL(platform).href);
const { isAgency } = await import(
  pathToFileURL(path.join(root, 'dist', 'libs', 'contracts', 'src', 'index.js')).href
);
const roles = values.roles.split(',').map((r) => r.trim());
const unknown = roles.filter((r) => !ROLES.includes(r));
if (!isAgency(values.agency) || unknown.length > 0) {
  console.error(
    `unknown ${unknown.length > 0 ? `role(s) ${unknown.join(', ')}` : `agency ${values.agency}`}; roles: ${ROLES.join(', ')}`,
  );
  process.exit(2);
}
const token = await signDevToken(
  devKeys().privateKeyPem,
  { sub: values.sub, agency: values.agency, roles },
  { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, expiresIn: values.expires },
);
console.log(token);
