import type { EvidenceKind } from '@gridline/contracts';

/**
 * What an evidence file is, judged by its first bytes (its "magic number"), not
 * by the name or the Content-Type a client claims; and what each kind of
 * evidence may be and weigh. docs/evidence.md lists the same table.
 */

export interface MediaRule {
  readonly types: readonly string[];
  readonly maxBytes: number;
}

const MiB = 1024 * 1024;

/** Per kind: the media types accepted and the largest file. */
export const EVIDENCE_MEDIA: Readonly<Record<EvidenceKind, MediaRule>> = {
  photo: { types: ['image/jpeg', 'image/png', 'image/webp', 'image/heic'], maxBytes: 25 * MiB },
  // Body cameras record MP4 or QuickTime; browsers record WebM.
  video: { types: ['video/mp4', 'video/quicktime', 'video/webm'], maxBytes: 4096 * MiB },
  // A recorded statement (audio) or its signed transcript.
  statement: {
    types: ['audio/mpeg', 'audio/mp4', 'audio/wav', 'audio/ogg', 'audio/webm', 'application/pdf'],
    maxBytes: 512 * MiB,
  },
  document: {
    types: ['application/pdf', 'image/jpeg', 'image/png', 'image/webp', 'image/heic'],
    maxBytes: 50 * MiB,
  },
};

/** How many leading bytes `sniffMediaType` needs to decide. */
export const SNIFF_BYTES = 16;

const ascii = (bytes: Uint8Array, from: number, to: number): string =>
  String.fromCharCode(...bytes.subarray(from, to));

const ISO_BMFF_BRANDS: Readonly<Record<string, string>> = {
  heic: 'image/heic',
  heix: 'image/heic',
  mif1: 'image/heic',
  msf1: 'image/heic',
  qt: 'video/quicktime',
  'M4A ': 'audio/mp4',
  'M4B ': 'audio/mp4',
};

/**
 * The media type of a file from its first bytes, or undefined when it is none
 * Gridline keeps. WebM (Matroska) is one format for audio and video: the kind
 * decides which it is.
 */
export function sniffMediaType(head: Uint8Array, kind: EvidenceKind): string | undefined {
  const b = head;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && ascii(b, 0, 8) === '\x89PNG\r\n\x1a\n') return 'image/png';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF') {
    if (ascii(b, 8, 12) === 'WEBP') return 'image/webp';
    if (ascii(b, 8, 12) === 'WAVE') return 'audio/wav';
  }
  if (b.length >= 5 && ascii(b, 0, 5) === '%PDF-') return 'application/pdf';
  if (b.length >= 4 && ascii(b, 0, 4) === 'OggS') return 'audio/ogg';
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3)
    return kind === 'statement' ? 'audio/webm' : 'video/webm';
  if (b.length >= 3 && ascii(b, 0, 3) === 'ID3') return 'audio/mpeg';
  // An MPEG audio frame sync without an ID3 tag.
  if (b.length >= 2 && b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0) return 'audio/mpeg';
  if (b.length >= 12 && ascii(b, 4, 8) === 'ftyp') {
    const brand = ascii(b, 8, 12);
    return ISO_BMFF_BRANDS[brand] ?? ISO_BMFF_BRANDS[brand.trimEnd()] ?? 'video/mp4';
  }
  return undefined;
}

/** Why a file of this type may not be evidence of this kind, or undefined when it may. */
export function mediaRefusal(kind: EvidenceKind, sniffed: string | undefined): string | undefined {
  const rule = EVIDENCE_MEDIA[kind];
  if (!sniffed)
    return `the file is none of the types a ${kind} may be (${rule.types.join(', ')}), judged by its bytes`;
  if (!rule.types.includes(sniffed))
    return `a ${kind} may be ${rule.types.join(', ')}; the file's bytes are ${sniffed}`;
  return undefined;
}

/** A declared Content-Type that contradicts the bytes (octet-stream and none declare nothing). */
export function declaredTypeConflict(
  declared: string | undefined,
  sniffed: string,
): string | undefined {
  const type = declared?.split(';')[0]?.trim().toLowerCase();
  if (!type || type === 'application/octet-stream') return undefined;
  if (type === sniffed) return undefined;
  // Aliases some cameras and browsers send.
  const aliases: Record<string, string> = {
    'image/jpg': 'image/jpeg',
    'image/pjpeg': 'image/jpeg',
    'audio/mp3': 'audio/mpeg',
    'audio/x-wav': 'audio/wav',
    'audio/wave': 'audio/wav',
    'audio/x-m4a': 'audio/mp4',
    'image/heif': 'image/heic',
  };
  if (aliases[type] === sniffed) return undefined;
  return `the Content-Type says ${type} but the file's bytes are ${sniffed}`;
}
