import { generateKeyPairSync } from 'node:crypto';
import type { ReadAllOptions } from './event-store.js';
import { comparePositions } from './event-store.js';
import {
  LogSealer,
  SealChainError,
  SealKey,
  SealVerifier,
  sealPublicKeys,
  type LogSeal,
  type SealStore,
  type SealedEvent,
} from './log-seal.js';

function newKey(): { key: SealKey; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    key: SealKey.fromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** A log of `count` events over three streams, in log order. */
function log(count: number, from = 0): SealedEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return {
      position: { commit: BigInt(1000 + n), prepare: BigInt(n + 1) },
      streamId: `street-issue-${n % 3}`,
      revision: Math.floor(n / 3),
      integrity: { previousHash: `p${n}`, hash: `h${n}`.padEnd(64, '0') },
    };
  });
}

/** The store's readAll over an array (the unit under test only pages through it). */
function reader(events: () => readonly SealedEvent[]) {
  return {
    readAll: (options: ReadAllOptions) =>
      Promise.resolve(
        events()
          .filter((e) => !options.after || comparePositions(e.position, options.after) > 0)
          .slice(0, options.maxCount) as never,
      ),
  };
}

class MemorySeals implements SealStore {
  readonly seals: LogSeal[] = [];
  last = () => Promise.resolve(this.seals.at(-1));
  list = () => Promise.resolve([...this.seals]);
  insert(seal: LogSeal) {
    if (this.seals.some((s) => s.sealNo === seal.sealNo)) return Promise.resolve(false);
    this.seals.push(seal);
    return Promise.resolve(true);
  }
}

function check(events: readonly SealedEvent[], seals: readonly LogSeal[], publicPems: string[]) {
  const verifier = new SealVerifier(seals, sealPublicKeys(publicPems));
  for (const event of events) verifier.add(event);
  return verifier.result();
}

describe('log seals', () => {
  const { key, publicPem } = newKey();

  async function sealed(stretches: number[]) {
    let events: SealedEvent[] = [];
    const seals = new MemorySeals();
    const sealer = new LogSealer(
      reader(() => events),
      seals,
      key,
    );
    for (const size of stretches) {
      events = [...events, ...log(size, events.length)];
      await sealer.seal();
    }
    return { events, seals: seals.seals, sealer };
  }

  it('seals the log in stretches; an untouched log verifies, with nothing unsealed', async () => {
    const { events, seals } = await sealed([7, 6000, 2]);
    expect(seals.map((s) => [s.sealNo, s.events])).toEqual([
      [1, 7],
      [2, 6007],
      [3, 6009],
    ]);
    const report = check(events, seals, [publicPem]);
    expect(report).toMatchObject({ intact: true, seals: 3, unsealedEvents: 0, events: 6009 });
    expect(report.lastSeal).toMatchObject({ sealNo: 3, events: 6009 });
  });

  it('makes no seal when nothing was appended since the last', async () => {
    const { sealer, seals } = await sealed([4]);
    await expect(sealer.seal()).resolves.toBeUndefined();
    expect(seals).toHaveLength(1);
  });

  it('counts what came after the last seal as unsealed', async () => {
    const { events, seals } = await sealed([5]);
    const report = check([...events, ...log(3, 5)], seals, [publicPem]);
    expect(report).toMatchObject({ intact: true, unsealedEvents: 3 });
  });

  it('names removed events (a whole stream deleted) at the seal that covered them', async () => {
    const { events, seals } = await sealed([6, 6]);
    const withoutStream = events.filter((e) => e.streamId !== 'street-issue-1');
    const report = check(withoutStream, seals, [publicPem]);
    expect(report.intact).toBe(false);
    expect(report.findings.map((f) => [f.sealNo, f.reason])).toEqual([
      [1, 'events-missing'],
      [2, 'events-missing'],
    ]);
    expect(report.findings[0]?.detail).toContain('counted 6 events');
  });

  it('names an event inserted into sealed history', async () => {
    const { events, seals } = await sealed([6, 6]);
    const extra = { ...log(1, 99)[0]!, position: { commit: 1002n, prepare: 500n } };
    const report = check([...events.slice(0, 3), extra, ...events.slice(3)], seals, [publicPem]);
    // Only the stretch it landed in: the next seal is judged from the first's digest.
    expect(report.findings.map((f) => [f.sealNo, f.reason])).toEqual([[1, 'events-added']]);
  });

  it('names a re-hashed edit, a move and a re-timing (same count, other digest)', async () => {
    const { events, seals } = await sealed([6, 6]);
    const rehashed = events.map((e, i) =>
      i === 8 ? { ...e, integrity: { previousHash: 'x', hash: 'f'.repeat(64) } } : e,
    );
    expect(check(rehashed, seals, [publicPem]).findings).toEqual([
      expect.objectContaining({ sealNo: 2, reason: 'log-changed' }),
    ]);
    const swapped = [...events];
    [swapped[1], swapped[2]] = [
      { ...swapped[2]!, position: swapped[1]!.position },
      { ...swapped[1]!, position: swapped[2]!.position },
    ];
    expect(check(swapped, seals, [publicPem]).findings).toEqual([
      expect.objectContaining({ sealNo: 1, reason: 'log-changed' }),
    ]);
  });

  it('refuses a forged or edited seal, a missing seal and an unknown key', async () => {
    const { events, seals } = await sealed([3, 3, 3]);
    const edited = seals.map((s) => (s.sealNo === 2 ? { ...s, events: s.events + 1 } : s));
    expect(check(events, edited, [publicPem]).findings.map((f) => f.reason)).toContain(
      'signature-invalid',
    );
    const withoutSecond = seals.filter((s) => s.sealNo !== 2);
    expect(check(events, withoutSecond, [publicPem]).findings).toEqual([
      expect.objectContaining({ sealNo: 2, reason: 'seal-missing' }),
    ]);
    const other = newKey();
    expect(
      check(events, seals, [other.publicPem]).findings.every((f) => f.reason === 'unknown-key'),
    ).toBe(true);
  });

  it('does not extend a last seal its keys cannot verify', async () => {
    const { seals } = await sealed([3]);
    const forged = new MemorySeals();
    forged.seals.push({ ...seals[0]!, digest: 'a'.repeat(64) });
    const sealer = new LogSealer(
      reader(() => log(5)),
      forged,
      key,
    );
    await expect(sealer.seal()).rejects.toThrow(SealChainError);
  });

  it('accepts only Ed25519 keys', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() =>
      SealKey.fromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    ).toThrow(/Ed25519/);
  });
});
