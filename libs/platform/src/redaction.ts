/**
 * What a log line never carries (docs/security.md, "Logs"): secrets and personal
 * data. By field name anywhere in a line's fields (authorization headers,
 * cookies, tokens, passwords, keys, a reporter's contact, names and numbers of
 * people), and by the look of a value wherever it is, the message included:
 * bearer tokens and JWTs, mainland phone numbers, resident ID numbers, e-mail
 * addresses. A safety net behind the rule that code logs ids, not people.
 */
const SECRET_FIELDS =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api[-_]?key|access[-_]?token|refresh[-_]?token|id[-_]?token|token|password|passphrase|secret|client[-_]?secret|private[-_]?key)$/i;
const PERSONAL_FIELDS =
  /^(reporter[-_]?contact|contact|phone|phone[-_]?number|mobile|email|e[-_]?mail|id[-_]?number|id[-_]?card|national[-_]?id|full[-_]?name|person[-_]?name|subject[-_]?name|address)$/i;

const PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/\bBearer\s+[A-Za-z0-9._~+/-]+=*/gi, 'Bearer [redacted]'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[redacted jwt]'],
  // Resident ID numbers (18 characters, the last a digit or X) before phone numbers.
  [/\b\d{17}[\dXx]\b/g, '[redacted id]'],
  [/(\+?86[\s-]?)?\b1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}\b/g, '[redacted phone]'],
  [/\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b/g, '[redacted e-mail]'],
];

export const REDACTED = '[redacted]';

/** A text with every secret- or person-looking value replaced. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A copy of `value` with secret and personal fields, and such-looking text, redacted. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return redactText(value.message);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>))
    out[key] =
      SECRET_FIELDS.test(key) || PERSONAL_FIELDS.test(key) ? REDACTED : redact(v, depth + 1);
  return out;
}
