import { Controller, Inject, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  pageSchema,
  publicityViewSchema,
  PublicityQueries,
  type PageOf,
  type PublicityView,
} from '@gridline/read-models';
import { PublicRoute } from '@gridline/platform';
import { read } from '../read-api.js';

/** Enforcement publicity: public, masked, never a subject id or other personal data. */
@ApiTags('publicity')
@Controller('api/publicity')
export class PublicityController {
  constructor(@Inject(PublicityQueries) private readonly publicity: PublicityQueries) {}

  @PublicRoute({
    summary: 'Published penalty decisions, newest first (no token needed)',
    query: {
      includeRetracted: { enum: ['true', 'false'] },
      limit: '1 to 100 (default 20)',
      cursor: {},
    },
    response: pageSchema(publicityViewSchema),
  })
  list(@Query() query: unknown): Promise<PageOf<PublicityView>> {
    return read(() => this.publicity.list(query));
  }
}
