import { Controller, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReadRoute, STAFF } from '@gridline/platform';
import { SLA_TABLE, type SlaTable } from './sla.js';

/**
 * The hours an agency has for an assignment, by mode and risk level, as this
 * service runs with them (SWC_SLA_HOURS or the defaults): the console shows the
 * deadline a triage implies before the coordinator saves it.
 */
@ApiTags('cases')
@Controller('api/sla')
export class SlaController {
  constructor(@Inject(SLA_TABLE) private readonly sla: SlaTable) {}

  @ReadRoute({
    summary:
      'Assignment deadlines in hours: `{ routine: { blue, yellow, orange, red }, emergency: {…} }`',
    roles: STAFF,
  })
  get(): SlaTable {
    return this.sla;
  }
}
