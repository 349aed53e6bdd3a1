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
