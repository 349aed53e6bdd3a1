/**
 * Personal data (names, ID numbers, phone numbers of reporters and enforcement
 * subjects) never travels in clear: events carry it sealed with AES-256-GCM under
 * a key of its own data subject. Destroying that key erases the data everywhere
 * (crypto-shredding) while the events stay valid. The key store is in
 * PostgreSQL; `keyId` names the key.
 */
export interface SealedValue {
  readonly alg: 'A256GCM';
  readonly keyId: string;
  /** Base64 of the 12-byte nonce, the ciphertext and the 16-byte tag. */
  readonly iv: string;
  readonly ct: string;
  readonly tag: string;
}

export const sealedValueSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['alg', 'keyId', 'iv', 'ct', 'tag'],
  properties: {
    alg: { const: 'A256GCM' },
    keyId: { type: 'string', minLength: 1, maxLength: 100 },
    iv: { type: 'string', pattern: '^[A-Za-z0-9+/]{16}$' },
    ct: { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$', maxLength: 4096 },
    tag: { type: 'string', pattern: '^[A-Za-z0-9+/]{22}==$' },
  },
} as const;

/** What a reader gets for sealed data whose subject was erased. */
export const ERASED = '[erased]';

/** The key ids of every sealed value inside `value` (an event's data), each once. */
export function sealedKeyIds(value: unknown): string[] {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const item of v) visit(item);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    const record = v as Record<string, unknown>;
    if (record['alg'] === 'A256GCM' && typeof record['keyId'] === 'string') {
      found.add(record['keyId']);
      return;
    }
    for (const item of Object.values(record)) visit(item);
  };
  visit(value);
  return [...found];
}
