import type { DiscretionStandardPublished } from '@gridline/contracts';
import { DomainError, deciderSpec } from '@gridline/eventsourcing';
import type { StaffActor } from '../shared/staff.js';
import {
  checkAgainstStandard,
  discretionDecider,
  type DiscretionStandardVersion,
  type PublishDiscretionStandard,
} from './discretion.decider.js';

const spec = deciderSpec(discretionDecider);
const admin: StaffActor = { id: 'admin-1', roles: ['admin'] };

const publish: PublishDiscretionStandard = {
  type: 'PublishDiscretionStandard',
  category: 'street-vending',
  ranges: [
    { circumstance: 'first-offence', minYuan: 50, maxYuan: 200 },
    { circumstance: 'repeat', minYuan: 200, maxYuan: 1000 },
    { circumstance: 'aggravated', minYuan: 1000, maxYuan: 20000 },
  ],
  legalBasis: 'City appearance regulations, art. 17',
  actor: admin,
  publishedAt: new Date('2026-01-01T00:00:00.000Z'),
};
const published = (version: number): DiscretionStandardPublished => ({
  type: 'street.discretion.standard-published.v1',
  data: {
    category: 'street-vending',
    version,
    ranges: publish.ranges,
    legalBasis: publish.legalBasis,
    publishedBy: 'admin-1',
    publishedAt: '2026-01-01T00:00:00.000Z',
  },
});

const code = (expected: string) => (e: DomainError) => e.code === expected;

describe('Discretion standard', () => {
  it('the first publication is version 1', () => {
    spec
      .given([])
      .when(publish)
      .then([published(1)]);
  });

  it('each publication is the next version', () => {
    spec
      .given([published(1), published(2)])
      .when(publish)
      .then([published(3)]);
  });

  it('only an admin publishes a standard', () => {
    spec
      .given([])
      .when({ ...publish, actor: { id: 'officer-5', roles: ['officer'] } })
      .thenThrows(DomainError, code('role-required'));
  });

  it('refuses a range whose minimum is above its maximum', () => {
    spec
      .given([])
      .when({ ...publish, ranges: [{ circumstance: 'repeat', minYuan: 500, maxYuan: 100 }] })
      .thenThrows(DomainError, code('range-invalid'));
  });

  it('refuses two ranges for one circumstance', () => {
    spec
      .given([])
      .when({
        ...publish,
        ranges: [
          { circumstance: 'repeat', minYuan: 1, maxYuan: 2 },
          { circumstance: 'repeat', minYuan: 3, maxYuan: 4 },
        ],
      })
      .thenThrows(DomainError, code('circumstance-duplicated'));
  });

  describe('checking a penalty against a version', () => {
    const v2: DiscretionStandardVersion = {
      category: 'street-vending',
      version: 2,
      ranges: publish.ranges,
      legalBasis: publish.legalBasis,
      publishedAt: '2026-01-01T00:00:00.000Z',
    };

    it('a penalty inside the range records the version and range it was checked against', () => {
      expect(checkAgainstStandard(v2, 'street-vending', 'repeat', 500)).toEqual({
        version: 2,
        minYuan: 200,
        maxYuan: 1000,
      });
    });

    it('a penalty outside the range is refused with the range and the version', () => {
      const error = (() => {
        try {
          checkAgainstStandard(v2, 'street-vending', 'repeat', 1500);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({
        code: 'penalty-out-of-range',
        details: { standardVersion: 2, range: { minYuan: 200, maxYuan: 1000 }, amountYuan: 1500 },
      });
    });

    it('a penalty without a published standard is refused', () => {
      expect(() => checkAgainstStandard(undefined, 'street-vending', 'repeat', 500)).toThrow(
        expect.objectContaining({ code: 'discretion-standard-missing' }) as Error,
      );
    });
  });
});
