import { createHash } from 'node:crypto';
import type { EventIntegrity, EventMetadata } from '@gridline/contracts';

/**
 * Tamper evidence: every stored event carries a hash that covers its canonical
 * form and the hash of the event before it in its stream:
 * `hash = SHA-256(previousHash ‖ SHA-256(canonical form))`. Editing, removing or
 * reordering a stored event breaks the chain from that event on
 * (docs/security.md, "Tamper evidence").
 */

/** The `previousHash` of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** Version of the canonical form; part of what is hashed. */
const CHAIN_FORM = 'gridline-chain-v2';

/**
 * JSON with object keys sorted by code unit and no whitespace; `undefined`
 * members are left out, as JSON.stringify does. The same value gives the same
 * text whatever the key order it was built or stored with (PostgreSQL's jsonb
 * reorders keys).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new TypeError(`canonical JSON has no form for ${value}`);
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) throw new TypeError(`canonical JSON has no form for ${typeof value}`);
    return text;
  }
  if (Array.isArray(value))
    return `[${value.map((v: unknown) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const record = value as Record<string, unknown>;
  if (typeof (record as { toJSON?: unknown }).toJSON === 'function')
    return canonicalJson((record as { toJSON: () => unknown }).toJSON());
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(',')}}`;
}

/** What the hash of an event covers: everything that says what happened and where. */
export interface ChainableEvent {
  readonly id: string;
  readonly type: string;
  readonly streamId: string;
  readonly revision: number;
  readonly occurredAt: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

/**
 * The digest of what an event says, wherever it is stored: SHA-256 (hex) of its
 * canonical form. Its place in the stream is fixed by the chain (each hash covers
 * the one before, and revisions must run from 0 without gaps), so the revision is
 * not part of it and a writer can hash before it knows the revision. The store's log
 * position is not covered either (an export imported elsewhere gets new positions
 * and keeps its hashes); the time is normalised to milliseconds, the precision
 * every reader of the store sees.
 */
export function contentDigest(event: Omit<ChainableEvent, 'revision'>): string {
  const form = canonicalJson({
    form: CHAIN_FORM,
    streamId: event.streamId,
    id: event.id,
    type: event.type,
    occurredAt: new Date(event.occurredAt).toISOString(),
    metadata: event.metadata,
    data: event.data,
  });
  return createHash('sha256').update(form).digest('hex');
}

/**
 * A link of the chain: SHA-256 (hex) of the previous hash followed by the content
 * digest, both as hex text. Simple enough for the database to compute under the
 * stream's lock (PostgreSQL: `sha256(convert_to(previous || digest, 'UTF8'))`), so an
 * append needs no read of the stream's head first.
 */
export function linkHash(previousHash: string, digest: string): string {
  return createHash('sha256')
    .update(previousHash + digest)
    .digest('hex');
}

/** The hash of an event linked to its predecessor. */
export function hashEvent(event: ChainableEvent, previousHash: string): string {
  return linkHash(previousHash, contentDigest(event));
}

/** The integrity of events appended after `previousHash`, each linked to the one before. */
export function chainEvents(
  previousHash: string,
  events: readonly ChainableEvent[],
): EventIntegrity[] {
  let previous = previousHash;
  return events.map((event) => {
    const hash = hashEvent(event, previous);
    const integrity = { previousHash: previous, hash };
    previous = hash;
    return integrity;
  });
}

export type BrokenLinkReason =
  /** The event's content does not give the hash it carries: it was edited. */
  | 'content-changed'
  /** The event does not name its predecessor's hash: one was edited, removed or moved. */
  | 'link-broken'
  /** A revision is missing in the stream, or the stream does not start at 0. */
  | 'revision-gap'
  /** The event carries no integrity at all. */
  | 'not-chained'
  /** The stream's recorded head (last revision and hash) does not match its last event. */
  | 'head-mismatch';

export interface BrokenLink {
  readonly streamId: string;
  /** The revision at which the chain breaks (for `head-mismatch`, the recorded head's). */
  readonly revision: number;
  readonly eventId?: string;
  readonly reason: BrokenLinkReason;
  readonly detail: string;
}

export interface IntegrityReport {
  readonly intact: boolean;
  readonly streams: number;
  readonly events: number;
  /** The first broken link, in the order events were checked; absent when intact. */
  readonly firstBroken?: BrokenLink;
  /** The first broken link of each broken stream (at most `maxBroken` of them). */
  readonly broken: readonly BrokenLink[];
  /** How many streams are broken. */
  readonly brokenStreams: number;
  /** Links that could not be checked because the predecessor was not in the input (files). */
  readonly uncheckedLinks: number;
}

/** A store that can check its own hash chains (both Gridline stores can). */
export interface IntegrityVerifiable {
  /** One stream, or the whole store; a consistent snapshot of it. */
  verifyIntegrity(options?: {
    readonly streamId?: string;
    readonly maxBroken?: number;
  }): Promise<IntegrityReport>;
}

export interface StreamHead {
  readonly revision: number;
  readonly hash: string | undefined;
}

interface StreamState {
  revision: number;
  hash: string;
  broken: boolean;
}

export interface ChainVerifierOptions {
  /**
   * `store`: every stream must be whole, from revision 0 without gaps.
   * `excerpt`: the input may hold only some of a stream's events (an export of a
   * case or a time range); each event's own hash is checked, and a link only when
   * the predecessor is in the input.
   */
  readonly mode: 'store' | 'excerpt';
  /** Stop collecting after this many broken streams (the counts go on). Default 100. */
  readonly maxBroken?: number;
}

/**
 * Checks chains one event at a time, in stream order (events of different
 * streams may interleave), keeping only each stream's last hash.
 */
export class ChainVerifier {
  private readonly streams = new Map<string, StreamState>();
  private readonly broken: BrokenLink[] = [];
  private streamCount = 0;
  private events = 0;
  private unchecked = 0;
  private brokenCount = 0;

  constructor(private readonly options: ChainVerifierOptions) {}

  /** Checks the next event; returns the broken link it reveals, if any. */
  add(
    event: ChainableEvent & { readonly integrity?: EventIntegrity | undefined },
  ): BrokenLink | undefined {
    this.events++;
    const state = this.streams.get(event.streamId);
    if (!state) this.streamCount++;
    if (state?.broken) {
      // One broken link per stream is reported: what follows it cannot be trusted anyway.
      state.revision = event.revision;
      return undefined;
    }
    const integrity = event.integrity;
    const fail = (reason: BrokenLinkReason, detail: string): BrokenLink => {
      const { streamId, revision, id: eventId } = event;
      const link = { streamId, revision, eventId, reason, detail };
      this.report(link);
      this.streams.set(streamId, { revision, hash: integrity?.hash ?? '', broken: true });
      return link;
    };
    if (!integrity) return fail('not-chained', 'the event carries no hash');
    const expectedRevision = state ? state.revision + 1 : 0;
    if (event.revision !== expectedRevision) {
      if (this.options.mode === 'store' || (state && event.revision < expectedRevision))
        return fail(
          'revision-gap',
          `revision ${event.revision} follows ${state ? `revision ${state.revision}` : 'nothing'}; ${expectedRevision} expected`,
        );
      this.unchecked++;
    } else if (state && integrity.previousHash !== state.hash) {
      return fail(
        'link-broken',
        `names ${integrity.previousHash} as its predecessor; revision ${state.revision} has ${state.hash}`,
      );
    } else if (!state && integrity.previousHash !== GENESIS_HASH) {
      return fail(
        'link-broken',
        'the first event of the stream does not start from the genesis hash',
      );
    }
    const actual = hashEvent(event, integrity.previousHash);
    if (actual !== integrity.hash)
      return fail(
        'content-changed',
        `carries hash ${integrity.hash}; its content hashes to ${actual}`,
      );
    this.streams.set(event.streamId, {
      revision: event.revision,
      hash: integrity.hash,
      broken: false,
    });
    return undefined;
  }

  /**
   * Compares a stream's recorded head with the last event seen of it (store
   * mode): catches the removal of a stream's last events, which leaves no broken
   * link behind.
   */
  checkHead(streamId: string, head: StreamHead | undefined): void {
    const state = this.streams.get(streamId);
    if (state?.broken || (!state && !head)) return;
    const mismatch = (revision: number, detail: string) => {
      if (!state) this.streamCount++;
      this.report({ streamId, revision, reason: 'head-mismatch', detail });
    };
    if (!head) return mismatch(state?.revision ?? -1, 'the stream has events but no recorded head');
    if (!state)
      return mismatch(
        head.revision,
        `the recorded head is at revision ${head.revision} but the stream has no events`,
      );
    if (state.revision !== head.revision || (head.hash !== undefined && state.hash !== head.hash))
      mismatch(
        head.revision,
        `the recorded head is revision ${head.revision} (${head.hash ?? 'no hash'}); the last event is revision ${state.revision} (${state.hash})`,
      );
  }

  /** Forgets a finished stream: a store read stream by stream keeps memory flat. */
  forget(streamId: string): void {
    this.streams.delete(streamId);
  }

  private report(link: BrokenLink): void {
    this.brokenCount++;
    if (this.broken.length < (this.options.maxBroken ?? 100)) this.broken.push(link);
  }

  result(): IntegrityReport {
    const firstBroken = this.broken[0];
    return {
      intact: this.brokenCount === 0,
      streams: this.streamCount,
      events: this.events,
      ...(firstBroken ? { firstBroken } : {}),
      broken: this.broken,
      brokenStreams: this.brokenCount,
      uncheckedLinks: this.unchecked,
    };
  }
}
