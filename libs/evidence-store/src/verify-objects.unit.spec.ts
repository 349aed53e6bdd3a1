import type { RecordedEvent } from '@gridline/eventsourcing';
import { verifyEvidenceObjects, type DigestSource } from './verify-objects.js';

const digest = (n: number) => n.toString(16).padStart(64, '0');
const file = (n: number) => ({
  storedSha256: digest(n),
  size: 10,
  storedSize: 42,
  contentType: 'image/jpeg',
  dataKey: { keyId: 'k', ciphertext: 'c' },
});

let revision = 0;
function event(type: string, data: unknown): RecordedEvent {
  const n = revision++;
  return {
    id: `event-${n}`,
    type,
    streamId: 'street-enforcement-s1',
    revision: n,
    position: { commit: BigInt(n), prepare: BigInt(n) },
    data,
    metadata: {},
    occurredAt: new Date(0).toISOString(),
  } as unknown as RecordedEvent;
}

/** Objects by digest: intact, with other bytes, or (absent) missing; records the reads. */
function store(objects: Record<string, 'ok' | 'changed'>) {
  const reads: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const source: DigestSource = {
    async digestOf(storedSha256) {
      reads.push(storedSha256);
      maxRunning = Math.max(maxRunning, ++running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
      const state = objects[storedSha256];
      if (!state) return undefined;
      return { sha256: state === 'ok' ? storedSha256 : digest(999), size: 42 };
    },
  };
  return { source, reads, maxRunning: () => maxRunning };
}

describe('verifyEvidenceObjects', () => {
  it('reports each recorded file whose object is missing or changed, with its event and evidence', async () => {
    const events = [
      event('street.warning.issued.v1', {
        evidence: [
          { evidenceId: 'e1', kind: 'photo', sha256: 'a', file: file(1) },
          { evidenceId: 'e2', kind: 'photo', sha256: 'b', file: file(2) },
        ],
      }),
      event('street.issue.note-added.v1', { note: 'no evidence here' }),
      event('street.issue.reported.v1', {
        photos: { files: [{ evidenceId: 'e3', sha256: 'c', file: file(3) }] },
      }),
      // A digest-only piece of evidence (no file) is not the store's business.
      event('street.step.evidence-recorded.v1', {
        evidence: { evidenceId: 'e4', kind: 'statement', sha256: 'd' },
      }),
    ];
    const report = await verifyEvidenceObjects(
      events,
      store({ [digest(1)]: 'ok', [digest(3)]: 'changed' }).source,
    );
    expect(report).toMatchObject({ intact: false, events: 4, files: 3, objects: 3, bytes: 84 });
    expect(report.missing).toEqual([
      expect.objectContaining({
        problem: 'missing',
        eventId: events[0]!.id,
        evidenceId: 'e2',
        storedSha256: digest(2),
      }),
    ]);
    expect(report.mismatched).toEqual([
      expect.objectContaining({
        problem: 'mismatched',
        eventId: events[2]!.id,
        eventType: 'street.issue.reported.v1',
        streamId: 'street-enforcement-s1',
        evidenceId: 'e3',
      }),
    ]);
    expect(report.mismatched[0]!.detail).toContain(digest(999));
  });

  it('reads each object once, however many events record it, and names every recording', async () => {
    const { source, reads } = store({});
    const events = [1, 2, 3].map((n) =>
      event('street.penalty.drafted.v1', {
        evidence: [{ evidenceId: `e${n}`, kind: 'photo', sha256: 'a', file: file(7) }],
      }),
    );
    const report = await verifyEvidenceObjects(events, source);
    expect(reads).toEqual([digest(7)]);
    expect(report).toMatchObject({ files: 3, objects: 1 });
    expect(report.missing.map((p) => p.evidenceId)).toEqual(['e1', 'e2', 'e3']);
  });

  it('keeps at most `concurrency` reads going, and all intact is intact', async () => {
    const objects = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [digest(i), 'ok' as const]),
    );
    const { source, maxRunning } = store(objects);
    const events = Array.from({ length: 20 }, (_, i) =>
      event('street.warning.issued.v1', {
        evidence: [{ evidenceId: `e${i}`, kind: 'photo', sha256: 'a', file: file(i) }],
      }),
    );
    const seen: number[] = [];
    const report = await verifyEvidenceObjects(events, source, {
      concurrency: 3,
      onEvents: (n) => seen.push(n),
    });
    expect(report).toMatchObject({ intact: true, files: 20, objects: 20, missing: [] });
    expect(maxRunning()).toBe(3);
    expect(seen.at(-1)).toBe(20);
  });

  it('a digest that is not one is a mismatch; a store that fails stops the check with its error', async () => {
    const bad = event('street.warning.issued.v1', {
      evidence: [{ evidenceId: 'e1', kind: 'photo', sha256: 'a', file: { storedSha256: '../x' } }],
    });
    const report = await verifyEvidenceObjects([bad], store({}).source);
    expect(report.mismatched).toEqual([
      expect.objectContaining({ evidenceId: 'e1', storedSha256: '../x' }),
    ]);
    const failing: DigestSource = { digestOf: () => Promise.reject(new Error('access denied')) };
    await expect(
      verifyEvidenceObjects(
        [
          event('street.warning.issued.v1', {
            evidence: [{ evidenceId: 'e', sha256: 'a', file: file(1) }],
          }),
        ],
        failing,
      ),
    ).rejects.toThrow('access denied');
  });
});
