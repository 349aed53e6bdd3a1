import { Controller, Inject, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReadRoute, STAFF } from '@gridline/platform';
import {
  PointInTimeViews,
  ratio721Schema,
  responseTimesSchema,
  slaStatsSchema,
  StatisticsQueries,
} from '@gridline/read-models';
import { pointInTime, read, type HeaderSink } from '../read-api.js';

const month = 'calendar month YYYY-MM (UTC), inclusive';
/** The query every statistic takes: a month range, and a past time to see them as of. */
const period = {
  from: month,
  to: month,
  asOf: 'the statistics as they stood at this past time (ISO-8601 with a zone)',
} as const;

/**
 * Statistics the projector keeps up to date (docs/architecture.md, "Read
 * models"): rows per month (and street or agency) plus totals. Aggregate
 * figures only, for the staff of every agency.
 */
@ApiTags('statistics')
@Controller('api/stats')
export class StatsController {
  constructor(
    @Inject(StatisticsQueries) private readonly stats: StatisticsQueries,
    @Inject(PointInTimeViews) private readonly past: PointInTimeViews,
  ) {}

  /** The live statistics, or those of a past time when `asOf` is given. */
  private async at(query: unknown, response: HeaderSink) {
    const { rest, set } = await pointInTime(query, this.past, response);
    if (!set) return { rest, stats: this.stats };
    const { tables } = set;
    return {
      rest,
      stats: tables
        ? new StatisticsQueries(set.collections, () => tables.stats)
        : new StatisticsQueries(set.collections),
    };
  }

  @ReadRoute({
    path: '721',
    summary:
      '721 mix (service/management/enforcement) and repeat-violation rate per street and month',
    query: { street: {}, ...period },
    roles: STAFF,
    answers: { 400: 'a query parameter is invalid; `problems` names each' },
    response: ratio721Schema,
  })
  async ratio721(@Query() query: unknown, @Res({ passthrough: true }) response: HeaderSink) {
    const { rest, stats } = await this.at(query, response);
    return read(() => stats.ratio721(rest));
  }

  @ReadRoute({
    path: 'response-times',
    summary:
      'Time to first response and to closure per street and month (sum, count, max, average)',
    query: { street: {}, ...period },
    roles: STAFF,
    answers: { 400: 'a query parameter is invalid; `problems` names each' },
    response: responseTimesSchema,
  })
  async responseTimes(@Query() query: unknown, @Res({ passthrough: true }) response: HeaderSink) {
    const { rest, stats } = await this.at(query, response);
    return read(() => stats.responseTimes(rest));
  }

  @ReadRoute({
    path: 'sla',
    summary: 'SLA compliance of assignments per agency and month',
    query: { agency: { enum: ['street', 'drc'] }, ...period },
    roles: STAFF,
    answers: { 400: 'a query parameter is invalid; `problems` names each' },
    response: slaStatsSchema,
  })
  async sla(@Query() query: unknown, @Res({ passthrough: true }) response: HeaderSink) {
    const { rest, stats } = await this.at(query, response);
    return read(() => stats.sla(rest));
  }
}
