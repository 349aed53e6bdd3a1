import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import type { EventStore, LogPosition, RecordedEvent } from './event-store.js';
import { comparePositions, formatPosition, parsePosition } from './event-store.js';
import { canonicalJson } from './integrity.js';

/**
 * Seals over the whole log (docs/security.md, "Tamper evidence"). The hash chains
 * prove each stream whole, but someone who can write SQL can delete a whole
 * stream with its head, or edit an event and re-hash its chain from there on, and
 * every chain still checks. A seal closes that: a digest chained over every event
 * of the log in log order,
 *
 *   `digest = SHA-256(previous digest ‖ position ‖ stream id ‖ revision ‖ event hash)`,
 *
 * from the genesis digest up to a position, with the number of events it covers,
 * signed (Ed25519) with a key the database does not hold. Any later change to
 * what a seal covers (an event removed, added, moved, re-timed or re-hashed)
 * changes the digest recomputed at that seal's position, and a new seal cannot be
 * forged without the key. What is appended after the last seal is covered by the
 * next one: the interval between seals is the window an editor has.
 */

/** The digest before the first event. */
export const LOG_GENESIS = '0'.repeat(64);

/** Version of what is signed; part of it. */
const SEAL_FORM = 'gridline-log-seal-v1';

/** What a seal covers of one event: where it is in the log, and its chain hash. */
export type SealedEvent = Pick<RecordedEvent, 'position' | 'streamId' | 'revision' | 'integrity'>;

/** One step of the log digest. An event with no hash counts as `-` (the chains name it). */
export function logLink(previous: string, event: SealedEvent): string {
  return createHash('sha256')
    .update(
      `${previous}\n${formatPosition(event.position)}\n${event.streamId}\n${event.revision}\n${event.integrity?.hash ?? '-'}`,
    )
    .digest('hex');
}

export interface LogSeal {
  /** 1, 2, 3…: a missing number is a seal removed. */
  readonly sealNo: number;
  /** The log position of the last event covered (`commit/prepare`). */
  readonly upTo: string;
  /** How many events the log held up to `upTo`. */
  readonly events: number;
  readonly digest: string;
  readonly sealedAt: string;
  /** Which key signed: the first 16 hex digits of SHA-256 of its public key (SPKI DER). */
  readonly keyId: string;
  /** Ed25519 signature (base64) of `sealPayload(seal)`. */
  readonly signature: string;
}

export type UnsignedSeal = Omit<LogSeal, 'keyId' | 'signature'>;

/** The bytes signed: the seal's fields in canonical JSON, with the form and key id. */
export function sealPayload(seal: UnsignedSeal & { readonly keyId: string }): Buffer {
  const { sealNo, upTo, events, digest, sealedAt, keyId } = seal;
  return Buffer.from(
    canonicalJson({ form: SEAL_FORM, sealNo, upTo, events, digest, sealedAt, keyId }),
  );
}

export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** The sealer's private key (PEM, PKCS#8 Ed25519), read from a file only the sealer mounts. */
export class SealKey {
  readonly keyId: string;
  readonly publicKey: KeyObject;

  private constructor(private readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519')
      throw new Error(`a seal key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
    this.publicKey = createPublicKey(privateKey);
    this.keyId = keyIdOf(this.publicKey);
  }

  static fromPem(pem: string): SealKey {
    return new SealKey(createPrivateKey(pem));
  }

  sign(seal: UnsignedSeal): LogSeal {
    const keyId = this.keyId;
    const signature = sign(null, sealPayload({ ...seal, keyId }), this.privateKey);
    return { ...seal, keyId, signature: signature.toString('base64') };
  }
}

/** The public keys verify accepts, by key id (a key retired keeps verifying its seals). */
export function sealPublicKeys(pems: readonly string[]): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const pem of pems) {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519')
      throw new Error(`a seal key must be Ed25519, not ${key.asymmetricKeyType}`);
    keys.set(keyIdOf(key), key);
  }
  return keys;
}

export function sealSignatureValid(seal: LogSeal, key: KeyObject): boolean {
  try {
    return verify(null, sealPayload(seal), key, Buffer.from(seal.signature, 'base64'));
  } catch {
    return false;
  }
}

/** Where seals are kept (the PostgreSQL store: `gridline_log_seals`). */
export interface SealStore {
  /** The seal with the highest number, if any. */
  last(): Promise<LogSeal | undefined>;
  /** All seals, by number. */
  list(): Promise<readonly LogSeal[]>;
  /** False when a seal of that number exists already (another sealer was first). */
  insert(seal: LogSeal): Promise<boolean>;
}

export class SealChainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealChainError';
  }
}

const READ_BATCH = 5_000;

/**
 * Makes the next seal: reads the log after the last seal, folds it into the last
 * seal's digest and signs the result. Builds only on a seal its own keys verify,
 * so a forged last seal is not extended. Nothing new since the last seal: no seal.
 */
export class LogSealer {
  constructor(
    private readonly store: Pick<EventStore, 'readAll'>,
    private readonly seals: SealStore,
    private readonly key: SealKey,
    private readonly trusted: ReadonlyMap<string, KeyObject> = new Map([
      [key.keyId, key.publicKey],
    ]),
    private readonly now: () => Date = () => new Date(),
  ) {}

  async seal(): Promise<LogSeal | undefined> {
    const last = await this.seals.last();
    if (last) {
      const key = this.trusted.get(last.keyId);
      if (!key || !sealSignatureValid(last, key))
        throw new SealChainError(
          `seal ${last.sealNo} does not verify with the sealer's keys: not extended (run gridline verify)`,
        );
    }
    let digest = last?.digest ?? LOG_GENESIS;
    let events = last?.events ?? 0;
    let after: LogPosition | undefined = last ? parsePosition(last.upTo) : undefined;
    for (;;) {
      const batch = await this.store.readAll({ ...(after ? { after } : {}), maxCount: READ_BATCH });
      for (const event of batch) digest = logLink(digest, event);
      events += batch.length;
      const tail = batch.at(-1);
      if (tail) after = tail.position;
      if (batch.length < READ_BATCH) break;
    }
    if (!after || events === (last?.events ?? 0)) return undefined;
    const seal = this.key.sign({
      sealNo: (last?.sealNo ?? 0) + 1,
      upTo: formatPosition(after),
      events,
      digest,
      sealedAt: this.now().toISOString(),
    });
    return (await this.seals.insert(seal)) ? seal : undefined;
  }
}

export type SealFindingReason =
  /** Fewer events up to the seal's position than it counted: some were deleted. */
  | 'events-missing'
  /** More events than it counted: some were inserted into sealed history. */
  | 'events-added'
  /** As many events, another digest: one was edited (and re-hashed), moved or re-timed. */
  | 'log-changed'
  /** The signature does not verify: the seal itself was written or edited by someone else. */
  | 'signature-invalid'
  /** Signed by a key verify was not given. */
  | 'unknown-key'
  /** A seal number is missing: a seal was removed. */
  | 'seal-missing';

export interface SealFinding {
  readonly sealNo: number;
  readonly upTo: string;
  readonly reason: SealFindingReason;
  readonly detail: string;
}

export interface SealReport {
  /** Seals checked, findings or not. */
  readonly seals: number;
  readonly intact: boolean;
  readonly findings: readonly SealFinding[];
  /** The last seal: what an agency anchors outside (docs/security.md). */
  readonly lastSeal?: Pick<LogSeal, 'sealNo' | 'upTo' | 'events' | 'digest' | 'sealedAt'>;
  /** Events after the last seal: not yet covered. */
  readonly unsealedEvents: number;
  readonly events: number;
}

/**
 * Recomputes the log digest in log order and compares it at every seal. After a
 * finding it goes on from the seal's own digest, so each damaged stretch between
 * two seals is named once.
 */
export class SealVerifier {
  private readonly findings: SealFinding[] = [];
  private readonly pending: LogSeal[];
  private digest = LOG_GENESIS;
  private count = 0;
  private total = 0;
  private checked = 0;

  constructor(
    seals: readonly LogSeal[],
    private readonly keys: ReadonlyMap<string, KeyObject>,
  ) {
    this.pending = [...seals].sort((a, b) => a.sealNo - b.sealNo);
    let expected = 1;
    for (const seal of this.pending) {
      if (seal.sealNo !== expected)
        this.findings.push({
          sealNo: expected,
          upTo: seal.upTo,
          reason: 'seal-missing',
          detail: `seals ${expected}–${seal.sealNo - 1} are missing before seal ${seal.sealNo}`,
        });
      expected = seal.sealNo + 1;
      const key = keys.get(seal.keyId);
      if (!key)
        this.findings.push({
          sealNo: seal.sealNo,
          upTo: seal.upTo,
          reason: 'unknown-key',
          detail: `signed by key ${seal.keyId}, which verify was not given`,
        });
      else if (!sealSignatureValid(seal, key))
        this.findings.push({
          sealNo: seal.sealNo,
          upTo: seal.upTo,
          reason: 'signature-invalid',
          detail: `the signature does not verify with key ${seal.keyId}`,
        });
    }
  }

  /** The next event of the log, in log order. */
  add(event: SealedEvent): void {
    this.closeSealsBefore(event.position);
    this.digest = logLink(this.digest, event);
    this.count++;
    this.total++;
  }

  result(): SealReport {
    this.closeSealsBefore(undefined);
    const last = this.lastSeal;
    return {
      seals: this.checked,
      intact: this.findings.length === 0,
      findings: this.findings,
      ...(last
        ? {
            lastSeal: {
              sealNo: last.sealNo,
              upTo: last.upTo,
              events: last.events,
              digest: last.digest,
              sealedAt: last.sealedAt,
            },
          }
        : {}),
      unsealedEvents: this.count - (last?.events ?? 0),
      events: this.total,
    };
  }

  private lastSeal: LogSeal | undefined;

  /** Compares every pending seal whose position precedes `position` (all of them at the end). */
  private closeSealsBefore(position: LogPosition | undefined): void {
    for (;;) {
      const seal = this.pending[0];
      if (!seal) return;
      if (position && comparePositions(position, parsePosition(seal.upTo)) <= 0) return;
      this.pending.shift();
      this.checked++;
      this.lastSeal = seal;
      const differs = this.count !== seal.events || this.digest !== seal.digest;
      if (differs) {
        const reason: SealFindingReason =
          this.count < seal.events
            ? 'events-missing'
            : this.count > seal.events
              ? 'events-added'
              : 'log-changed';
        const counts =
          reason === 'log-changed'
            ? `the ${seal.events} events up to ${seal.upTo} no longer give its digest (one was edited, moved or re-timed)`
            : `it counted ${seal.events} events up to ${seal.upTo}; the log now holds ${this.count}`;
        this.findings.push({ sealNo: seal.sealNo, upTo: seal.upTo, reason, detail: counts });
        // Go on from what the seal says, to judge the next stretch on its own.
        this.digest = seal.digest;
        this.count = seal.events;
      }
    }
  }
}

/** Verifies the seals of a whole store: one pass over the log in log order. */
export async function verifySeals(
  store: Pick<EventStore, 'readAll'>,
  seals: readonly LogSeal[],
  keys: ReadonlyMap<string, KeyObject>,
): Promise<SealReport> {
  const verifier = new SealVerifier(seals, keys);
  let after: LogPosition | undefined;
  for (;;) {
    const batch = await store.readAll({ ...(after ? { after } : {}), maxCount: READ_BATCH });
    for (const event of batch) verifier.add(event);
    const tail = batch.at(-1);
    if (tail) after = tail.position;
    if (batch.length < READ_BATCH) break;
  }
  return verifier.result();
}
