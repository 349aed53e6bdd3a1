import { ConflictException, Controller, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandRoute, CurrentPrincipal, ReadRoute, type Principal } from '@gridline/platform';
import {
  LiveReadModels,
  RebuildInProgressError,
  RebuildRequests,
  rebuildStatusSchema,
  rebuildsViewSchema,
  type RebuildStatus,
} from '@gridline/read-models';

/**
 * Blue/green rebuild of the read models: an admin asks, a projector rebuilds
 * from the event store into a new collection set while the live one serves,
 * switches readers over when caught up, and drops the old set.
 */
/** A rebuild request takes no fields: sent without a body (console, CLI) or as `{}`. */
const rebuildRequestSchema = { type: 'object', additionalProperties: false, properties: {} };

@ApiTags('admin')
@Controller('api/admin/rebuilds')
export class RebuildsController {
  constructor(
    @Inject(RebuildRequests) private readonly requests: RebuildRequests,
    @Inject(LiveReadModels) private readonly live: LiveReadModels,
  ) {}

  @CommandRoute({
    method: 'POST',
    status: 202,
    summary: 'Requests a blue/green rebuild of the read models',
    body: rebuildRequestSchema,
    roles: ['admin'],
    answers: {
      202: 'requested; a projector picks it up within a second',
      409: 'a rebuild is already requested or running',
    },
    response: rebuildStatusSchema,
  })
  async request(@CurrentPrincipal() principal: Principal): Promise<RebuildStatus> {
    try {
      return await this.requests.request(principal.id);
    } catch (error) {
      if (error instanceof RebuildInProgressError) throw new ConflictException(error.message);
      throw error;
    }
  }

  @ReadRoute({
    summary: 'Rebuild progress: state, events processed of the total, events/s, ETA, the live set',
    roles: ['admin', 'analyst'],
    response: rebuildsViewSchema,
  })
  async status(): Promise<{ live: string; rebuild: RebuildStatus | null }> {
    await this.live.refresh();
    return { live: this.live.currentSuffix, rebuild: (await this.requests.status()) ?? null };
  }
}
