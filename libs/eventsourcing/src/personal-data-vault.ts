import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import type { SealedValue } from '@gridline/contracts';

/**
 * Seals and opens personal data with a key per data subject (AES-256-GCM).
 * Command handlers seal before deciding (deciders only see sealed values);
 * read sides open. Erasing a subject destroys its key: `open` then returns
 * undefined, for every event that ever carried the subject's data.
 */
export interface PersonalDataVault {
  seal(subjectId: string, plaintext: string): Promise<SealedValue>;
  /** The plaintext, or undefined when the subject was erased. */
  open(sealed: SealedValue): Promise<string | undefined>;
  erase(subjectId: string): Promise<void>;
}

export function sealWithKey(key: Buffer, keyId: string, plaintext: string): SealedValue {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(keyId));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    alg: 'A256GCM',
    keyId,
    iv: iv.toString('base64'),
    ct: ct.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

export function openWithKey(key: Buffer, sealed: SealedValue): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(sealed.keyId));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([
    decipher.update(Buffer.from(sealed.ct, 'base64')),
    decipher.final(),
  ]).toString('utf8');
}

/** The vault in memory, for unit tests and handler tests. */
export class InMemoryPersonalDataVault implements PersonalDataVault {
  private readonly keys = new Map<string, { keyId: string; key: Buffer | undefined }>();
  private readonly byKeyId = new Map<string, string>();

  seal(subjectId: string, plaintext: string): Promise<SealedValue> {
    let entry = this.keys.get(subjectId);
    if (!entry) {
      entry = { keyId: `subject-key-${randomUUID()}`, key: randomBytes(32) };
      this.keys.set(subjectId, entry);
      this.byKeyId.set(entry.keyId, subjectId);
    }
    if (!entry.key) return Promise.reject(new Error(`data subject ${subjectId} was erased`));
    return Promise.resolve(sealWithKey(entry.key, entry.keyId, plaintext));
  }

  // async so that a tampered value becomes a rejection, as with the real vault.
  // eslint-disable-next-line @typescript-eslint/require-await
  async open(sealed: SealedValue): Promise<string | undefined> {
    const subject = this.byKeyId.get(sealed.keyId);
    const key = subject ? this.keys.get(subject)?.key : undefined;
    return key ? openWithKey(key, sealed) : undefined;
  }

  erase(subjectId: string): Promise<void> {
    const entry = this.keys.get(subjectId);
    if (entry) entry.key = undefined;
    return Promise.resolve();
  }
}
