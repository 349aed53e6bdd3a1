import type { Document, Filter } from 'mongodb';
import type {
  AgencyMonthStats,
  DurationFigures,
  ReadModelCollections,
  StreetMonthStats,
} from './collections.js';
import type { PostgresStatistics } from './postgres-statistics.js';
import { parseAgencyStatsQuery, parseStreetStatsQuery, type MonthRange } from './query-params.js';

export interface RatioRow {
  readonly service: number;
  readonly management: number;
  readonly enforcement: number;
  readonly steps: number;
  /** Each kind's share of the steps (0..1, 4 decimals); null without steps. */
  readonly shares: {
    readonly service: number | null;
    readonly management: number | null;
    readonly enforcement: number | null;
  };
  readonly repeats: number;
  /** repeats / steps. */
  readonly repeatRate: number | null;
}

export interface DurationView extends DurationFigures {
  readonly averageMs: number | null;
}

export interface ResponseRow {
  readonly firstResponse: DurationView;
  readonly closure: DurationView;
}

export interface SlaRow {
  readonly completedOnTime: number;
  readonly completedLate: number;
  readonly escalated: number;
  /** completedOnTime / (completedOnTime + completedLate). */
  readonly compliance: number | null;
}

const share = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;

function monthFilter(range: MonthRange): Document {
  if (!range.from && !range.to) return {};
  return {
    month: { ...(range.from ? { $gte: range.from } : {}), ...(range.to ? { $lte: range.to } : {}) },
  };
}

function ratio(c: { service: number; management: number; enforcement: number; repeats: number }) {
  const steps = c.service + c.management + c.enforcement;
  return {
    service: c.service,
    management: c.management,
    enforcement: c.enforcement,
    steps,
    shares: {
      service: share(c.service, steps),
      management: share(c.management, steps),
      enforcement: share(c.enforcement, steps),
    },
    repeats: c.repeats,
    repeatRate: share(c.repeats, steps),
  };
}

const emptyDuration: DurationFigures = { count: 0, sumMs: 0, maxMs: 0 };

function duration(d: DurationFigures | undefined): DurationView {
  const { count, sumMs, maxMs } = { ...emptyDuration, ...d };
  return { count, sumMs, maxMs, averageMs: count === 0 ? null : Math.round(sumMs / count) };
}

function addDurations(a: DurationFigures, b: DurationFigures | undefined): DurationFigures {
  const x = { ...emptyDuration, ...b };
  return { count: a.count + x.count, sumMs: a.sumMs + x.sumMs, maxMs: Math.max(a.maxMs, x.maxMs) };
}

/**
 * Reads the figures the projection keeps. Rows are the stored buckets; totals
 * are sums of the rows (done here: the buckets are few, and the MongoDB-wire
 * server has no $group to do it). `tables`: the set's statistics tables, which
 * hold the buckets where the set has them (ADR 0007); else the collections.
 */
export class StatisticsQueries {
  constructor(
    private readonly collections: ReadModelCollections,
    private readonly tables?: () => PostgresStatistics,
  ) {}

  private async streetBuckets(raw: unknown): Promise<StreetMonthStats[]> {
    const { street, range } = parseStreetStatsQuery(raw);
    if (this.tables)
      return (await this.tables().buckets('street', {
        ...range,
        ...(street ? { key: street } : {}),
      })) as unknown as StreetMonthStats[];
    const filter = { ...monthFilter(range), ...(street ? { street } : {}) };
    return this.collections.streetStats
      .find(filter as Filter<StreetMonthStats>, { projection: { applied: 0 } })
      .sort({ month: 1, street: 1 })
      .toArray();
  }

  private async agencyBuckets(raw: unknown): Promise<AgencyMonthStats[]> {
    const { agency, range } = parseAgencyStatsQuery(raw);
    if (this.tables)
      return (await this.tables().buckets('agency', {
        ...range,
        ...(agency ? { key: agency } : {}),
      })) as unknown as AgencyMonthStats[];
    const filter = { ...monthFilter(range), ...(agency ? { agency } : {}) };
    return this.collections.agencyStats
      .find(filter as Filter<AgencyMonthStats>, { projection: { applied: 0 } })
      .sort({ month: 1, agency: 1 })
      .toArray();
  }

  async ratio721(raw: unknown) {
    const buckets = await this.streetBuckets(raw);
    const counts = (b: StreetMonthStats) => ({
      service: b.service ?? 0,
      management: b.management ?? 0,
      enforcement: b.enforcement ?? 0,
      repeats: b.repeats ?? 0,
    });
    const total = { service: 0, management: 0, enforcement: 0, repeats: 0 };
    const rows = buckets.map((b) => {
      const c = counts(b);
      total.service += c.service;
      total.management += c.management;
      total.enforcement += c.enforcement;
      total.repeats += c.repeats;
      return { street: b.street, month: b.month, ...ratio(c) };
    });
    return { rows, totals: ratio(total) };
  }

  async responseTimes(raw: unknown) {
    const buckets = await this.streetBuckets(raw);
    let firstResponse = emptyDuration;
    let closure = emptyDuration;
    const rows = buckets
      .filter((b) => b.firstResponse || b.closure)
      .map((b) => {
        firstResponse = addDurations(firstResponse, b.firstResponse);
        closure = addDurations(closure, b.closure);
        return {
          street: b.street,
          month: b.month,
          firstResponse: duration(b.firstResponse),
          closure: duration(b.closure),
        };
      });
    return { rows, totals: { firstResponse: duration(firstResponse), closure: duration(closure) } };
  }

  async sla(raw: unknown) {
    const buckets = await this.agencyBuckets(raw);
    const row = (onTime: number, late: number, escalated: number): SlaRow => ({
      completedOnTime: onTime,
      completedLate: late,
      escalated,
      compliance: share(onTime, onTime + late),
    });
    let [onTime, late, escalated] = [0, 0, 0];
    const rows = buckets.map((b) => {
      onTime += b.completedOnTime ?? 0;
      late += b.completedLate ?? 0;
      escalated += b.escalated ?? 0;
      return {
        agency: b.agency,
        month: b.month,
        ...row(b.completedOnTime ?? 0, b.completedLate ?? 0, b.escalated ?? 0),
      };
    });
    return { rows, totals: row(onTime, late, escalated) };
  }
}
