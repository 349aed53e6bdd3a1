import { sealedKeyIds, type SealedValue } from './personal-data.js';

const sealed = (keyId: string): SealedValue => ({
  alg: 'A256GCM',
  keyId,
  iv: 'AAAAAAAAAAAAAAAA',
  ct: 'c2VhbGVk',
  tag: 'AAAAAAAAAAAAAAAAAAAAAA==',
});

describe('sealedKeyIds', () => {
  it('finds every sealed value at any depth, each key once', () => {
    const data = {
      subjectId: 's-1',
      name: sealed('k-1'),
      identifier: sealed('k-1'),
      reporterContact: { dataSubjectId: 'r-1', contact: sealed('k-2') },
      witnesses: [{ contact: sealed('k-3') }, 'plain'],
    };
    expect(sealedKeyIds(data).sort()).toEqual(['k-1', 'k-2', 'k-3']);
  });

  it('finds nothing in data without sealed values', () => {
    expect(sealedKeyIds({ alg: 'other', keyId: 'x', nested: [1, null] })).toEqual([]);
    expect(sealedKeyIds(null)).toEqual([]);
  });
});
