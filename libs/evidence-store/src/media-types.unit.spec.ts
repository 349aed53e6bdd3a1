import { declaredTypeConflict, mediaRefusal, sniffMediaType } from './media-types.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))),
  );

describe('evidence media types, judged by the bytes', () => {
  it.each([
    ['image/jpeg', bytes([0xff, 0xd8, 0xff, 0xe0]), 'photo'],
    ['image/png', bytes('\x89PNG\r\n\x1a\n'), 'photo'],
    ['image/webp', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '), 'photo'],
    ['image/heic', bytes([0, 0, 0, 24], 'ftypheic'), 'photo'],
    ['video/mp4', bytes([0, 0, 0, 32], 'ftypisom'), 'video'],
    ['video/quicktime', bytes([0, 0, 0, 20], 'ftypqt  '), 'video'],
    ['video/webm', bytes([0x1a, 0x45, 0xdf, 0xa3]), 'video'],
    ['audio/webm', bytes([0x1a, 0x45, 0xdf, 0xa3]), 'statement'],
    ['audio/mp4', bytes([0, 0, 0, 32], 'ftypM4A '), 'statement'],
    ['audio/mpeg', bytes('ID3', [4, 0]), 'statement'],
    ['audio/wav', bytes('RIFF', [1, 2, 3, 4], 'WAVEfmt '), 'statement'],
    ['application/pdf', bytes('%PDF-1.7'), 'document'],
  ] as const)('%s', (type, head, kind) => {
    expect(sniffMediaType(head, kind)).toBe(type);
    expect(mediaRefusal(kind, type)).toBeUndefined();
  });

  it('refuses a file of no known type, and one of a type its kind may not be', () => {
    expect(sniffMediaType(Buffer.from('MZ\x90\x00 an executable'), 'photo')).toBeUndefined();
    expect(mediaRefusal('photo', undefined)).toContain('judged by its bytes');
    expect(mediaRefusal('photo', 'application/pdf')).toBe(
      "a photo may be image/jpeg, image/png, image/webp, image/heic; the file's bytes are application/pdf",
    );
  });

  it('believes the bytes over the declared Content-Type, with the usual aliases', () => {
    expect(declaredTypeConflict('image/png', 'image/jpeg')).toContain('image/png');
    expect(declaredTypeConflict('image/jpg', 'image/jpeg')).toBeUndefined();
    expect(declaredTypeConflict('application/octet-stream', 'image/jpeg')).toBeUndefined();
    expect(declaredTypeConflict(undefined, 'image/jpeg')).toBeUndefined();
    expect(declaredTypeConflict('IMAGE/JPEG; charset=binary', 'image/jpeg')).toBeUndefined();
  });
});
