import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { StatisticsQueries } from '@gridline/read-models';
import { read } from '../read-api.js';

const monthQuery = (name: 'from' | 'to') =>
  ApiQuery({ name, required: false, description: 'calendar month YYYY-MM (UTC), inclusive' });

/**
 * Statistics the projector keeps up to date (docs/architecture.md, "Read
 * models"): rows per month (and street or agency) plus totals. Aggregate
 * figures only, for any signed-in principal.
 */
@ApiTags('statistics')
@ApiBearerAuth()
@Controller('api/stats')
export class StatsController {
  constructor(@Inject(StatisticsQueries) private readonly stats: StatisticsQueries) {}

  @Get('721')
  @ApiOperation({
    summary:
      '721 mix (service/management/enforcement) and repeat-violation rate per street and month',
  })
  @ApiQuery({ name: 'street', required: false })
  @monthQuery('from')
  @monthQuery('to')
  ratio721(@Query() query: unknown) {
    return read(() => this.stats.ratio721(query));
  }

  @Get('response-times')
  @ApiOperation({
    summary:
      'Time to first response and to closure per street and month (sum, count, max, average)',
  })
  @ApiQuery({ name: 'street', required: false })
  @monthQuery('from')
  @monthQuery('to')
  responseTimes(@Query() query: unknown) {
    return read(() => this.stats.responseTimes(query));
  }

  @Get('sla')
  @ApiOperation({ summary: 'SLA compliance of assignments per agency and month' })
  @ApiQuery({ name: 'agency', required: false, enum: ['street', 'drc'] })
  @monthQuery('from')
  @monthQuery('to')
  sla(@Query() query: unknown) {
    return read(() => this.stats.sla(query));
  }
}
