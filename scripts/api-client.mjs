// `npm run api:client`: regenerates the console's API client from the apps'
// route declarations: each app's OpenAPI document (its Nest module built in
// preview mode, nothing started) and openapi-typescript's typings of it, into
// apps/console/src/api/openapi/. The generation is test/support/api-client.ts;
// this runs its check, test/console/api-client.unit.spec.ts, in write mode, so
// what is written is exactly what the check compares with. Needs no server.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { root } from './lib.mjs';

const result = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--selectProjects',
    'unit',
    '--testPathPatterns',
    'test/console/api-client\\.unit\\.spec\\.ts',
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, GRIDLINE_WRITE_API_CLIENT: '1' } },
);
if (result.status === 0) console.log('apps/console/src/api/openapi/ is up to date: commit it');
process.exit(result.status ?? 1);
