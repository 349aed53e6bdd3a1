import { createHash, randomBytes } from 'node:crypto';

/** SHA-256 of some bytes, as the evidence records it (64 lower-case hex). */
export const sha256Hex = (bytes: Buffer): string =>
  createHash('sha256').update(bytes).digest('hex');

/** A JPEG as far as any sniffer can tell: its signature, then `size - 4` random bytes. */
export const jpegBytes = (size: number): Buffer =>
  Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size - 4)]);
