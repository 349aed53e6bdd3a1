import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Evidence files are stored encrypted with a key of their own (the data key),
 * in chunks that are each authenticated: AES-256-GCM in the STREAM construction
 * (Hoang, Reyhanitabar, Rogaway, Vizár, "Online authenticated-encryption and
 * its nonce-reuse misuse-resistance", 2015), as Tink's streaming AEAD and age do.
 * A reader never releases a byte that was not authenticated, can start sending a
 * 2 GB video before reading it all, and notices a chunk that was changed, moved,
 * dropped, or a file cut short.
 *
 *   header  "GLE1" | chunk size (u32 BE) | nonce prefix (7 bytes) | 0x00   (16 bytes)
 *   chunk i AES-256-GCM(data key, nonce = prefix | i (u32 BE) | last (0/1),
 *                       aad = header) = ciphertext | 16-byte tag
 *
 * Every chunk but the last holds `chunkSize` bytes of plaintext; the last holds
 * 0..chunkSize and is the only one whose nonce ends in 1.
 */

const MAGIC = Buffer.from('GLE1', 'latin1');
const HEADER_BYTES = 16;
const PREFIX_BYTES = 7;
const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;
export const DEFAULT_CHUNK_BYTES = 64 * 1024;

/** The bytes a stored object takes for `plaintextBytes` of file, with this chunk size. */
export function sealedSize(plaintextBytes: number, chunkBytes = DEFAULT_CHUNK_BYTES): number {
  const chunks = Math.max(1, Math.ceil(plaintextBytes / chunkBytes));
  return HEADER_BYTES + plaintextBytes + chunks * TAG_BYTES;
}

/** A new random data key for one file. */
export function newDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

function nonce(prefix: Buffer, index: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0);
  n.writeUInt32BE(index, PREFIX_BYTES);
  n[11] = last ? 1 : 0;
  return n;
}

function checkKey(key: Buffer): void {
  if (key.length !== DATA_KEY_BYTES) throw new Error(`a data key has ${DATA_KEY_BYTES} bytes`);
}

/** Why a sealed stream could not be opened: it was changed, cut short, or is not ours. */
export class SealedStreamError extends Error {
  override readonly name = 'SealedStreamError';
}

/** Encrypts a file stream into the sealed format. */
export function sealStream(key: Buffer, chunkBytes = DEFAULT_CHUNK_BYTES): Transform {
  checkKey(key);
  if (!Number.isInteger(chunkBytes) || chunkBytes < 16 || chunkBytes > 16 * 1024 * 1024)
    throw new Error('chunk size must be 16 B .. 16 MiB');
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32BE(chunkBytes, 4);
  const prefix = randomBytes(PREFIX_BYTES);
  prefix.copy(header, 8);
  let index = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;

  const seal = (plaintext: Buffer, last: boolean): Buffer => {
    if (index > 0xffffffff) throw new Error('file too large for one sealed stream');
    const cipher = createCipheriv('aes-256-gcm', key, nonce(prefix, index, last));
    cipher.setAAD(header);
    const out = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    index += 1;
    return out;
  };

  return new Transform({
    construct(callback) {
      this.push(header);
      callback();
    },
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      // Keep at least one byte back: only the end of the input says which chunk is last.
      if (pendingBytes > chunkBytes) {
        let all = Buffer.concat(pending);
        while (all.length > chunkBytes) {
          this.push(seal(all.subarray(0, chunkBytes), false));
          all = all.subarray(chunkBytes);
        }
        pending = [all];
        pendingBytes = all.length;
      }
      callback();
    },
    flush(callback: TransformCallback) {
      this.push(seal(Buffer.concat(pending), true));
      pending = [];
      callback();
    },
  });
}

/** Decrypts a sealed stream, releasing each chunk only once its tag is verified. */
export function openStream(key: Buffer): Transform {
  checkKey(key);
  let header: Buffer | undefined;
  let prefix: Buffer = Buffer.alloc(0);
  let sealedChunk = 0;
  let index = 0;
  let buffered: Buffer = Buffer.alloc(0);
  let ended = false;

  const open = (sealed: Buffer, last: boolean): Buffer => {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce(prefix, index, last));
    decipher.setAAD(header!);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      const plain = Buffer.concat([
        decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
      index += 1;
      return plain;
    } catch {
      throw new SealedStreamError(
        `chunk ${index} does not authenticate: the stored object was changed or cut short`,
      );
    }
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      try {
        if (!header) {
          if (buffered.length < HEADER_BYTES) return callback();
          header = Buffer.from(buffered.subarray(0, HEADER_BYTES));
          if (!header.subarray(0, 4).equals(MAGIC))
            throw new SealedStreamError('not a sealed evidence object (no GLE1 header)');
          sealedChunk = header.readUInt32BE(4) + TAG_BYTES;
          prefix = header.subarray(8, 8 + PREFIX_BYTES);
          buffered = buffered.subarray(HEADER_BYTES);
        }
        // A full chunk is released only when more follows: else it may be the last.
        while (buffered.length > sealedChunk) {
          this.push(open(buffered.subarray(0, sealedChunk), false));
          buffered = buffered.subarray(sealedChunk);
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      if (ended) return callback();
      ended = true;
      try {
        if (!header) throw new SealedStreamError('the stored object is shorter than its header');
        if (buffered.length < TAG_BYTES)
          throw new SealedStreamError('the stored object was cut short');
        this.push(open(buffered, true));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
