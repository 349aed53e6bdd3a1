import { AGENCIES, type Agency } from '@gridline/contracts';

/** A query parameter problem, named so an HTTP layer can answer 400 listing each one. */
export interface ParameterProblem {
  readonly parameter: string;
  readonly message: string;
}

export class QueryValidationError extends Error {
  constructor(readonly problems: readonly ParameterProblem[]) {
    super(`invalid query: ${problems.map((p) => `${p.parameter} ${p.message}`).join('; ')}`);
    this.name = 'QueryValidationError';
  }
}

type Rule =
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'text' }
  | { readonly kind: 'month' }
  | { readonly kind: 'limit' }
  | { readonly kind: 'cursor' };

const text: Rule = { kind: 'text' };
const oneOf = (...values: string[]): Rule => ({ kind: 'enum', values });

/**
 * Checks raw query parameters against a whitelist. Only plain strings pass:
 * an object (`status[$ne]=x` under an extended parser), an array (a repeated
 * parameter) or an unknown name is refused, so nothing but a literal value ever
 * reaches a MongoDB filter.
 */
function validate<K extends string>(
  raw: unknown,
  rules: Record<K, Rule>,
): Partial<Record<K, string>> {
  const problems: ParameterProblem[] = [];
  const out: Partial<Record<K, string>> = {};
  const params = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  for (const [name, value] of Object.entries(params)) {
    if (!Object.hasOwn(rules, name)) {
      problems.push({ parameter: name, message: 'is not a known parameter' });
      continue;
    }
    if (typeof value !== 'string') {
      problems.push({ parameter: name, message: 'must be a single plain value' });
      continue;
    }
    const rule = rules[name as K];
    const problem = check(rule, value);
    if (problem) problems.push({ parameter: name, message: problem });
    else out[name as K] = value;
  }
  if (problems.length > 0) throw new QueryValidationError(problems);
  return out;
}

function check(rule: Rule, value: string): string | undefined {
  switch (rule.kind) {
    case 'enum':
      return rule.values.includes(value) ? undefined : `must be one of ${rule.values.join(', ')}`;
    case 'text':
      if (value.length < 1 || value.length > 100) return 'must be 1 to 100 characters';
      return isPlainText(value, 100) ? undefined : 'must not contain control characters';
    case 'month':
      return /^\d{4}-(0[1-9]|1[0-2])$/.test(value) ? undefined : 'must be a month YYYY-MM';
    case 'limit':
      return /^\d{1,3}$/.test(value) && Number(value) >= 1 && Number(value) <= 100
        ? undefined
        : 'must be an integer from 1 to 100';
    case 'cursor':
      return decodeCursor(value) ? undefined : 'is not a cursor this API issued';
  }
}

/**
 * Up to `max` characters and no control character: a NUL would reach PostgreSQL
 * (which refuses it with an error, not an answer).
 */
function isPlainText(value: string, max: number): boolean {
  // eslint-disable-next-line no-control-regex -- what is refused: NUL and other control characters
  return value.length <= max && !/[\u0000-\u001f\u007f-\u009f]/.test(value);
}

/** Opaque page cursor: base64url of the last item's sort key `[time, id]`. */
export function encodeCursor(time: string, id: string): string {
  return Buffer.from(JSON.stringify([time, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { time: string; id: string } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      value.every((part) => typeof part === 'string' && isPlainText(part, 128))
    )
      return { time: value[0] as string, id: value[1] as string };
  } catch {
    // not JSON: fall through
  }
  return undefined;
}

export interface Page {
  readonly limit: number;
  readonly after?: { time: string; id: string };
}

function page(values: { limit?: string; cursor?: string }): Page {
  const after = values.cursor ? decodeCursor(values.cursor) : undefined;
  return { limit: values.limit ? Number(values.limit) : 20, ...(after ? { after } : {}) };
}

export interface CaseListFilter {
  readonly status?: 'reported' | 'open' | 'closed';
  readonly street?: string;
  readonly grid?: string;
  readonly riskLevel?: 'blue' | 'yellow' | 'orange' | 'red';
  readonly mode?: 'routine' | 'emergency';
  readonly agency?: Agency;
  readonly category?: string;
  readonly overdue?: boolean;
}

export function parseCaseListQuery(raw: unknown): { filter: CaseListFilter; page: Page } {
  const v = validate(raw, {
    status: oneOf('reported', 'open', 'closed'),
    street: text,
    grid: text,
    riskLevel: oneOf('blue', 'yellow', 'orange', 'red'),
    mode: oneOf('routine', 'emergency'),
    agency: oneOf(...AGENCIES),
    category: text,
    overdue: oneOf('true', 'false'),
    limit: { kind: 'limit' },
    cursor: { kind: 'cursor' },
  });
  const filter: CaseListFilter = {
    ...(v.status ? { status: v.status as CaseListFilter['status'] } : {}),
    ...(v.street ? { street: v.street } : {}),
    ...(v.grid ? { grid: v.grid } : {}),
    ...(v.riskLevel ? { riskLevel: v.riskLevel as CaseListFilter['riskLevel'] } : {}),
    ...(v.mode ? { mode: v.mode as CaseListFilter['mode'] } : {}),
    ...(v.agency ? { agency: v.agency as Agency } : {}),
    ...(v.category ? { category: v.category } : {}),
    ...(v.overdue ? { overdue: v.overdue === 'true' } : {}),
  };
  return { filter, page: page(v) };
}

export interface MonthRange {
  readonly from?: string;
  readonly to?: string;
}

function monthRange(v: { from?: string; to?: string }): MonthRange {
  if (v.from && v.to && v.from > v.to)
    throw new QueryValidationError([{ parameter: 'from', message: 'must not be after to' }]);
  return { ...(v.from ? { from: v.from } : {}), ...(v.to ? { to: v.to } : {}) };
}

export function parseStreetStatsQuery(raw: unknown): { street?: string; range: MonthRange } {
  const v = validate(raw, { street: text, from: { kind: 'month' }, to: { kind: 'month' } });
  return { ...(v.street ? { street: v.street } : {}), range: monthRange(v) };
}

export function parseAgencyStatsQuery(raw: unknown): { agency?: string; range: MonthRange } {
  const v = validate(raw, {
    agency: oneOf('street', 'drc'),
    from: { kind: 'month' },
    to: { kind: 'month' },
  });
  return { ...(v.agency ? { agency: v.agency } : {}), range: monthRange(v) };
}

export function parsePublicityQuery(raw: unknown): { includeRetracted: boolean; page: Page } {
  const v = validate(raw, {
    includeRetracted: oneOf('true', 'false'),
    limit: { kind: 'limit' },
    cursor: { kind: 'cursor' },
  });
  return { includeRetracted: v.includeRetracted === 'true', page: page(v) };
}
