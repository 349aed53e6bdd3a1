import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import {
  newDataKey,
  openStream,
  sealedSize,
  sealStream,
  SealedStreamError,
} from './sealed-stream.js';

const CHUNK = 64;

async function seal(key: Buffer, plain: Buffer, pieces = 7): Promise<Buffer> {
  // Fed in odd-sized pieces, as a socket delivers them.
  const parts: Buffer[] = [];
  for (let i = 0; i < plain.length; i += pieces) parts.push(plain.subarray(i, i + pieces));
  return buffer(Readable.from(parts).pipe(sealStream(key, CHUNK)));
}

const open = (key: Buffer, sealed: Buffer) =>
  buffer(Readable.from([sealed.subarray(0, 5), sealed.subarray(5)]).pipe(openStream(key)));

describe('sealed evidence stream (chunked AES-256-GCM)', () => {
  const key = newDataKey();

  it.each([0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5])(
    'round-trips %i bytes, in the size sealedSize says',
    async (size) => {
      const plain = randomBytes(size);
      const sealed = await seal(key, plain);
      expect(sealed.length).toBe(sealedSize(size, CHUNK));
      expect((await open(key, sealed)).equals(plain)).toBe(true);
    },
  );

  it('encrypts the same file differently each time (a fresh nonce prefix)', async () => {
    const plain = randomBytes(100);
    expect((await seal(key, plain)).equals(await seal(key, plain))).toBe(false);
  });

  it('refuses a changed byte, a cut, a dropped chunk, swapped chunks and another key', async () => {
    const plain = randomBytes(4 * CHUNK + 10);
    const sealed = await seal(key, plain);
    const chunk = CHUNK + 16;
    const header = sealed.subarray(0, 16);
    const chunks = [0, 1, 2, 3, 4].map((i) =>
      sealed.subarray(16 + i * chunk, 16 + (i + 1) * chunk),
    );
    const flipped = Buffer.from(sealed);
    flipped[40] = (flipped[40] ?? 0) ^ 1;
    const variants = {
      flipped,
      cutShort: sealed.subarray(0, sealed.length - 3),
      lastChunkDropped: Buffer.concat([header, ...chunks.slice(0, 4)]),
      middleChunkDropped: Buffer.concat([header, chunks[0]!, chunks[2]!, chunks[3]!, chunks[4]!]),
      swapped: Buffer.concat([header, chunks[1]!, chunks[0]!, ...chunks.slice(2)]),
      headerOnly: header,
    };
    for (const bytes of Object.values(variants))
      await expect(open(key, bytes)).rejects.toThrow(SealedStreamError);
    await expect(open(newDataKey(), sealed)).rejects.toThrow(SealedStreamError);
    await expect(open(key, Buffer.from('not sealed at all, just text'))).rejects.toThrow(
      'no GLE1 header',
    );
  });

  it('releases authenticated chunks before the end (streaming, not buffering)', async () => {
    const plain = randomBytes(10 * CHUNK);
    const sealed = await seal(key, plain);
    const opener = openStream(key);
    const out: Buffer[] = [];
    opener.on('data', (c: Buffer) => out.push(c));
    opener.write(sealed.subarray(0, 16 + 3 * (CHUNK + 16)));
    await new Promise((r) => setImmediate(r));
    // Two chunks out: the third is held until more follows (it might be the last).
    expect(Buffer.concat(out).length).toBe(2 * CHUNK);
    opener.end(sealed.subarray(16 + 3 * (CHUNK + 16)));
    await new Promise((r) => opener.on('end', r));
    expect(Buffer.concat(out).equals(plain)).toBe(true);
  });
});
