import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PublicityQueries, type PageOf, type PublicityView } from '@gridline/read-models';
import { Public } from '@gridline/platform';
import { read } from '../read-api.js';

/** Enforcement publicity: public, masked, never a subject id or other personal data. */
@ApiTags('publicity')
@Controller('api/publicity')
export class PublicityController {
  constructor(@Inject(PublicityQueries) private readonly publicity: PublicityQueries) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Published penalty decisions, newest first (no token needed)' })
  @ApiQuery({ name: 'includeRetracted', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 100 (default 20)' })
  @ApiQuery({ name: 'cursor', required: false })
  list(@Query() query: unknown): Promise<PageOf<PublicityView>> {
    return read(() => this.publicity.list(query));
  }
}
