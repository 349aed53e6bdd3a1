import type {
  DiscretionRange,
  DiscretionStandardPublished,
  PenaltyCircumstance,
  StandardCheck,
} from '@gridline/contracts';
import { assertNever, DomainError, type Decider } from '@gridline/eventsourcing';
import { requireRole, type StaffActor } from '../shared/staff.js';

/** Publishes the next version of a category's discretion standard (versions only go up). */
export interface PublishDiscretionStandard {
  readonly type: 'PublishDiscretionStandard';
  readonly category: string;
  readonly ranges: readonly DiscretionRange[];
  readonly legalBasis: string;
  readonly actor: StaffActor;
  readonly publishedAt: Date;
}

export type DiscretionCommand = PublishDiscretionStandard;
export type DiscretionEvent = DiscretionStandardPublished;

/** One published version: what penalties are checked against. */
export interface DiscretionStandardVersion {
  readonly category: string;
  readonly version: number;
  readonly ranges: readonly DiscretionRange[];
  readonly legalBasis: string;
  readonly publishedAt: string;
}

export interface DiscretionState {
  readonly versions: readonly DiscretionStandardVersion[];
}

export const discretionStreamId = (category: string) => `street-discretion-${category}`;

export const currentStandard = (state: DiscretionState) => state.versions.at(-1);
export const standardVersion = (state: DiscretionState, version: number) =>
  state.versions.find((v) => v.version === version);

export const discretionDecider: Decider<DiscretionCommand, DiscretionEvent, DiscretionState> = {
  initialState: () => ({ versions: [] }),

  decide(command, state) {
    switch (command.type) {
      case 'PublishDiscretionStandard': {
        requireRole(command.actor, 'admin', 'publish a discretion standard');
        const seen = new Set<PenaltyCircumstance>();
        for (const range of command.ranges) {
          if (seen.has(range.circumstance))
            throw new DomainError(
              'circumstance-duplicated',
              `the standard gives two ranges for ${range.circumstance}`,
              { circumstance: range.circumstance },
            );
          seen.add(range.circumstance);
          if (range.minYuan > range.maxYuan)
            throw new DomainError(
              'range-invalid',
              `the ${range.circumstance} range has its minimum above its maximum`,
              { ...range },
            );
        }
        if (seen.size === 0)
          throw new DomainError(
            'ranges-required',
            'a discretion standard needs at least one range',
          );
        return [
          {
            type: 'street.discretion.standard-published.v1',
            data: {
              category: command.category,
              version: (currentStandard(state)?.version ?? 0) + 1,
              ranges: command.ranges,
              legalBasis: command.legalBasis,
              publishedBy: command.actor.id,
              publishedAt: command.publishedAt.toISOString(),
            },
          },
        ];
      }
      default:
        return assertNever(command.type);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'street.discretion.standard-published.v1': {
        const { category, version, ranges, legalBasis, publishedAt } = event.data;
        return {
          versions: [...state.versions, { category, version, ranges, legalBasis, publishedAt }],
        };
      }
      default:
        return assertNever(event.type);
    }
  },
};

/**
 * The range a penalty of this circumstance must keep under a standard version.
 * Outside it (or with no standard) the penalty is refused with the range and the
 * version in the error's details, so the officer can correct the amount.
 */
export function checkAgainstStandard(
  standard: DiscretionStandardVersion | undefined,
  category: string,
  circumstance: PenaltyCircumstance,
  amountYuan: number,
): StandardCheck {
  if (!standard)
    throw new DomainError(
      'discretion-standard-missing',
      `no discretion standard is published for ${category}`,
      { category },
    );
  const range = standard.ranges.find((r) => r.circumstance === circumstance);
  if (!range)
    throw new DomainError(
      'discretion-range-missing',
      `discretion standard ${category} v${standard.version} gives no range for ${circumstance}`,
      { category, circumstance, standardVersion: standard.version },
    );
  if (amountYuan < range.minYuan || amountYuan > range.maxYuan)
    throw new DomainError(
      'penalty-out-of-range',
      `${amountYuan} yuan is outside ${range.minYuan}–${range.maxYuan} yuan allowed for ${circumstance} by discretion standard ${category} v${standard.version}`,
      {
        category,
        circumstance,
        amountYuan,
        standardVersion: standard.version,
        range: { minYuan: range.minYuan, maxYuan: range.maxYuan },
      },
    );
  return { version: standard.version, minYuan: range.minYuan, maxYuan: range.maxYuan };
}
