import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  refusalFallback,
  refusals,
  refusalText,
  type RefusalLocale,
} from '../../apps/console/src/i18n/refusals.js';

/**
 * Every refusal a person can meet has words in both languages: the codes of the
 * DomainErrors thrown in apps/*\/src and libs/*\/src (tests excluded) are read
 * from the sources, and each must have a sentence in the console's refusals
 * table (apps/console/src/i18n/refusals.ts) in zh-CN and in English.
 */
const root = join(import.meta.dirname, '..', '..');
const LOCALES: readonly RefusalLocale[] = ['zh-CN', 'en'];

/**
 * Throws whose code is not a literal at the `new DomainError(` site, and where
 * the literal codes come from instead. A new indirect site fails the test until
 * it is taught here how to find its codes.
 */
const INDIRECT: Readonly<Record<string, { expression: string; codes: RegExp }>> = {
  'apps/drc-service/src/projects/project.decider.ts': {
    expression: 'code',
    codes: /requireText\([^,]+,\s*'([a-z0-9-]+)'/g,
  },
  'apps/street-service/src/shared/staff.ts': {
    expression: 'refusal.code',
    codes: /\bcode:\s*'([a-z0-9-]+)'/g,
  },
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
    return /\.ts$/.test(name) && !/\.spec\.ts$/.test(name) ? [path] : [];
  });
}

const withoutComments = (text: string) =>
  text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

export function thrownCodes(): { codes: Map<string, string[]>; unknownSites: string[] } {
  const codes = new Map<string, string[]>();
  const unknownSites: string[] = [];
  const add = (code: string, file: string) => codes.set(code, [...(codes.get(code) ?? []), file]);
  const dirs = ['apps', 'libs'].flatMap((top) =>
    readdirSync(join(root, top))
      .map((name) => join(root, top, name, 'src'))
      .filter((dir) => {
        try {
          return statSync(dir).isDirectory();
        } catch {
          return false;
        }
      }),
  );
  for (const file of dirs.flatMap(sources)) {
    const path = relative(root, file);
    if (path.startsWith('apps/console/')) continue;
    const text = withoutComments(readFileSync(file, 'utf8'));
    for (const match of text.matchAll(/new DomainError\(\s*([^,]+?)\s*,/g)) {
      const argument = match[1] ?? '';
      const literal = /^['"`]([a-z0-9-]+)['"`]$/.exec(argument);
      if (literal?.[1]) add(literal[1], path);
      else if (INDIRECT[path]?.expression === argument)
        for (const indirect of text.matchAll(INDIRECT[path].codes)) add(indirect[1] ?? '', path);
      else unknownSites.push(`${path}: new DomainError(${argument}, …)`);
    }
  }
  return { codes, unknownSites };
}

describe('refusals a person understands', () => {
  const { codes, unknownSites } = thrownCodes();

  it('finds the codes the deciders throw (the walk itself works)', () => {
    expect(unknownSites).toEqual([]);
    // Literal, indirect through a helper, and indirect through a table:
    expect([...codes.keys()]).toEqual(
      expect.arrayContaining([
        'progression-721',
        'assignments-open',
        'reason-required',
        'enforcement-credential-expired',
      ]),
    );
    expect(codes.size).toBeGreaterThan(60);
  });

  it.each(LOCALES)('has a %s sentence for every DomainError code', (locale) => {
    const missing = [...codes.entries()]
      .filter(([code]) => !refusals[locale][code])
      .map(([code, files]) => `${code} (${[...new Set(files)].join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('uses the same details in both languages', () => {
    const placeholders = (text: string | undefined) =>
      [...(text ?? '').matchAll(/\{([\w.]+)\}/g)].map((m) => m[1]).sort();
    const differing = Object.keys(refusals.en).filter(
      (code) =>
        JSON.stringify(placeholders(refusals.en[code])) !==
        JSON.stringify(placeholders(refusals['zh-CN'][code])),
    );
    expect(differing).toEqual([]);
    expect(Object.keys(refusals.en).sort()).toEqual(Object.keys(refusals['zh-CN']).sort());
  });

  it('puts the details in, translating the terms it knows', () => {
    expect(
      refusalText('zh-CN', 'progression-721', {
        missing: ['reminder', 'warning'],
        lookBackMonths: 6,
        windowStart: '2026-01-01',
      }),
    ).toBe(
      '不符合“721”工作法：近 6 个月内缺少责令改正（提醒）、警告（自 2026-01-01 起）。情节严重且写明法律依据的除外。',
    );
    expect(
      refusalText('en', 'penalty-out-of-range', {
        amountYuan: 900,
        circumstance: 'first',
        standardVersion: 2,
        range: { minYuan: 50, maxYuan: 200 },
      }),
    ).toContain('outside the 50–200 yuan');
    expect(refusalText('zh-CN', 'assignments-open', { open: ['drc'] })).toContain('发改委');
  });

  it('falls back to a general sentence with the code, in the language', () => {
    expect(refusalText('zh-CN', 'no-such-code')).toBe(
      refusalFallback['zh-CN'].replace('{code}', 'no-such-code'),
    );
    expect(refusalText('en', 'no-such-code')).toContain('(code: no-such-code)');
  });
});
