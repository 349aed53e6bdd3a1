import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PointInTimeViews, StatisticsQueries } from '@gridline/read-models';
import { pointInTime, read, type HeaderSink } from '../read-api.js';

const monthQuery = (name: 'from' | 'to') =>
  ApiQuery({ name, required: false, description: 'calendar month YYYY-MM (UTC), inclusive' });
const asOfQuery = () =>
  ApiQuery({
    name: 'asOf',
    required: false,
    description: 'the statistics as they stood at this past time (ISO-8601 with a zone)',
  });

/**
 * Statistics the projector keeps up to date (docs/architecture.md, "Read
 * models"): rows per month (and street or agency) plus totals. Aggregate
 * figures only, for any signed-in principal.
 */
@ApiTags('statistics')
@ApiBearerAuth()
@Controller('api/stats')
export class StatsController {
  constructor(
    @Inject(StatisticsQueries) private readonly stats: StatisticsQueries,
    @Inject(PointInTimeViews) private readonly past: PointInTimeViews,
  ) {}

  /** The live statistics, or those of a past time when `asOf` is given. */
  private async at(query: unknown, response: HeaderSink) {
    const { rest, set } = await pointInTime(query, this.past, response);
    return { rest, stats: set ? new StatisticsQueries(set.collections) : this.stats };
  }

  @Get('721')
  @ApiOperation({
    summary:
      '721 mix (service/management/enforcement) and repeat-violation rate per street and month',
  })
  @ApiQuery({ name: 'street', required: false })
  @monthQuery('from')
  @monthQuery('to')
  @asOfQuery()
  async ratio721(@Query() query: unknown, @Res({ passthrough: true }) response: HeaderSink) {
    const { rest, stats } = await this.at(query, response);
    return read(() => stats.ratio721(rest));
  }

  @Get('response-times')
  @ApiOperation({
    summary:
      'Time to first response and to closure per street and month (sum, count, max, average)',
  })
  @ApiQuery({ name: 'street', required: false })
  @monthQuery('from')
  @monthQuery('to')
  @asOfQuery()
  async responseTimes(@Query() query: unknown, @Res({ passthrough: true }) response: HeaderSink) {
    const { rest, stats } = await this.at(query, response);
    return read(() => stats.responseTimes(rest));
  }

  @Get('sla')
  @ApiOperation({ summary: 'SLA compliance of assignments per agency and month' })
  @ApiQuery({ name: 'agency', required: false, enum: ['street', 'drc'] })
  @monthQuery('from')
  @monthQuery('to')
  @asOfQuery()
  async sla(@Query() query: unknown, @Res({ passthrough: true }) response: HeaderSink) {
    const { rest, stats } = await this.at(query, response);
    return read(() => stats.sla(rest));
  }
}
