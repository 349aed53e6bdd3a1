import { Controller, Header, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReadRoute, STAFF } from '@gridline/platform';
import { OPEN311_JURISDICTION, type Jurisdiction } from '../open311/open311.jurisdiction.js';
import { gridsAsGeoJson, type GridCollection } from './grids.js';

/**
 * The grid registry: the street offices' grid map (the jurisdiction file) as a
 * GeoJSON FeatureCollection. Staff of every agency read it: a grid worker picks
 * the grid of a report, a coordinator the grid of a case opened by hand.
 */
@ApiTags('grids')
@Controller('api/grids')
export class GridsController {
  constructor(@Inject(OPEN311_JURISDICTION) private readonly jurisdiction: Jurisdiction) {}

  @ReadRoute({
    summary: 'The grid map: a GeoJSON FeatureCollection, one Feature per grid (`id` = grid code)',
    roles: STAFF,
  })
  @Header('content-type', 'application/geo+json; charset=utf-8')
  list(): GridCollection {
    return gridsAsGeoJson(this.jurisdiction);
  }
}
