// The image recipe (deploy/docker/Dockerfile), read as text: no Docker engine here
// to build it. What it must keep: a locked install, production dependencies only,
// a non-root numeric user, a node health check, OCI labels, a tight build context.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { apps, ROOT } from './settings.js';

const dockerfile = readFileSync(path.join(ROOT, 'deploy/docker/Dockerfile'), 'utf8');
/** Instructions with their continuation lines joined, comments left out. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));
const stages = instructions.reduce<string[][]>((all, line) => {
  if (/^FROM /i.test(line)) all.push([]);
  all.at(-1)?.push(line);
  return all;
}, []);
const runtime = stages.at(-1) ?? [];

describe('deploy/docker/Dockerfile', () => {
  it('installs from the lock file, and only production dependencies into the image', () => {
    expect(instructions.filter((l) => /npm (install|i) /.test(l))).toEqual([]);
    expect(instructions.some((l) => /npm ci\b/.test(l))).toBe(true);
    const prodDeps = stages.find((s) => s.some((l) => /npm ci .*--omit=dev/.test(l)));
    expect(prodDeps?.[0]).toMatch(/ AS prod-deps$/);
    expect(runtime.filter((l) => /node_modules/.test(l))).toEqual([
      expect.stringMatching(/^COPY --from=prod-deps .* node_modules/),
    ]);
  });

  it('copies compiled code and nothing of the sources, tests or docs into the image', () => {
    const copies = runtime.filter((l) => /^COPY /.test(l));
    for (const copy of copies) expect(copy).not.toMatch(/\b(test|docs|scripts|src)\b/);
    expect(copies.some((l) => /dist\/apps\/\$\{APP\}/.test(l))).toBe(true);
  });

  it('builds the web console with the apps and puts it into the gateway image only', () => {
    const build = stages.find((s) => / AS build$/.test(s[0] ?? '')) ?? [];
    expect(build).toContain('COPY apps apps'); // apps/console: the console's sources
    const consoleStage = stages.find((s) => / AS console$/.test(s[0] ?? '')) ?? [];
    expect(consoleStage.join('\n')).toMatch(
      /if \[ "\$\{APP\}" = gateway \]; then cp -R dist\/console\/\. /,
    );
    expect(runtime).toContain('COPY --from=console --chown=root:root /console dist/console');
  });

  it('runs as a non-root numeric user, with a node health check and no shell in CMD', () => {
    const user = runtime.filter((l) => /^USER /.test(l)).at(-1);
    expect(user).toMatch(/^USER [1-9]\d*(:[1-9]\d*)?$/);
    expect(runtime.find((l) => /^HEALTHCHECK /.test(l))).toMatch(
      /CMD \["node", "healthcheck\.mjs"\]/,
    );
    expect(runtime.at(-1)).toBe('CMD ["node", "main.mjs"]');
  });

  it('carries the OCI labels', () => {
    for (const label of [
      'title',
      'description',
      'version',
      'revision',
      'created',
      'source',
      'licenses',
    ])
      expect(dockerfile).toContain(`org.opencontainers.image.${label}=`);
  });

  it('accepts exactly the apps of the monorepo as APP', () => {
    const accepted = /case "\$\{APP\}" in\s+([a-z|-]+)\)/.exec(dockerfile.replace(/\\\n/g, ' '));
    expect(accepted?.[1]?.split('|').sort()).toEqual([...apps().keys()]);
  });
});

describe('deploy/docker/healthcheck.mjs', () => {
  it("knows each app's default port", () => {
    const script = readFileSync(path.join(ROOT, 'deploy/docker/healthcheck.mjs'), 'utf8');
    for (const [app, port] of apps()) expect(script).toMatch(new RegExp(`'?${app}'?: ${port},`));
    expect(script).toContain("'/health/ready'");
  });
});

describe('.dockerignore', () => {
  it('keeps data, dependencies, builds, history and tests out of the build context', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['.data', 'node_modules', 'dist', '.git', 'test', 'docs', '.env'])
      expect(ignored).toContain(entry);
  });
});

describe('production dependencies', () => {
  /** TypeScript files the apps run (tests and test helpers aside). */
  function runtimeSources(dir: string): string[] {
    return readdirSync(dir).flatMap((entry) => {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) return runtimeSources(full);
      return /\.ts$/.test(entry) && !/\.spec\.ts$|\.contract\.ts$/.test(entry) ? [full] : [];
    });
  }

  it('hold every package the apps import at run time (the image installs no others)', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const missing = new Set<string>();
    for (const file of [
      // Not apps/console: Vite bundles it at build time (its packages are dev dependencies).
      ...runtimeSources(path.join(ROOT, 'apps')).filter(
        (file) => !file.startsWith(path.join(ROOT, 'apps', 'console') + path.sep),
      ),
      ...runtimeSources(path.join(ROOT, 'libs')),
    ]) {
      const source = readFileSync(file, 'utf8');
      // `import type` is erased at compile time; every other import is loaded.
      for (const [, specifier] of source.matchAll(
        /^\s*(?:import(?!\s+type\s)[^'"]*?from\s*|import\s*|export[^'"]*?from\s*)['"]([^'"]+)['"]/gm,
      )) {
        if (!specifier || /^(\.|node:|@gridline\/)/.test(specifier)) continue;
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : specifier.split('/')[0]!;
        if (!(name in manifest.dependencies)) missing.add(`${name} (${path.relative(ROOT, file)})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});
