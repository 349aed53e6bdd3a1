import { ConflictException, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRoles, type Principal } from '@gridline/platform';
import {
  LiveReadModels,
  RebuildInProgressError,
  RebuildRequests,
  type RebuildStatus,
} from '@gridline/read-models';

/**
 * Blue/green rebuild of the read models: an admin asks, a projector rebuilds
 * from the event store into a new collection set while the live one serves,
 * switches readers over when caught up, and drops the old set.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/admin/rebuilds')
export class RebuildsController {
  constructor(
    @Inject(RebuildRequests) private readonly requests: RebuildRequests,
    @Inject(LiveReadModels) private readonly live: LiveReadModels,
  ) {}

  @Post()
  @HttpCode(202)
  @RequireRoles('admin')
  @ApiResponse({ status: 202, description: 'requested; a projector picks it up within a second' })
  @ApiResponse({ status: 409, description: 'a rebuild is already requested or running' })
  async request(@CurrentPrincipal() principal: Principal): Promise<RebuildStatus> {
    try {
      return await this.requests.request(principal.id);
    } catch (error) {
      if (error instanceof RebuildInProgressError) throw new ConflictException(error.message);
      throw error;
    }
  }

  /** Progress: state, events processed of the total, events/s, ETA, and the live set. */
  @Get()
  @RequireRoles('admin', 'analyst')
  async status(): Promise<{ live: string; rebuild: RebuildStatus | null }> {
    await this.live.refresh();
    return { live: this.live.currentSuffix, rebuild: (await this.requests.status()) ?? null };
  }
}
