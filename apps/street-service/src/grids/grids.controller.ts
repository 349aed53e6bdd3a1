import { Controller, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { gridRefSchema, type GridRef } from '@gridline/contracts';
import { ReadRoute, STAFF } from '@gridline/platform';
import {
  geometryOf,
  OPEN311_JURISDICTION,
  type Jurisdiction,
} from '../open311/open311.jurisdiction.js';
import type { GridGeometry } from './grid-geometry.js';

/** One grid of the map as a GeoJSON Feature (RFC 7946): its code as the id. */
export interface GridFeature {
  readonly type: 'Feature';
  readonly id: string;
  readonly properties: GridRef;
  readonly geometry: GridGeometry;
}

export interface GridFeatureCollection {
  readonly type: 'FeatureCollection';
  readonly features: readonly GridFeature[];
}

/** The JSON Schema of GridFeatureCollection (GET /api/grids). */
export const gridFeatureCollectionSchema = {
  type: 'object',
  required: ['type', 'features'],
  properties: {
    type: { type: 'string', enum: ['FeatureCollection'] },
    features: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'id', 'properties', 'geometry'],
        properties: {
          type: { type: 'string', enum: ['Feature'] },
          id: { type: 'string', description: 'the grid code' },
          properties: gridRefSchema,
          geometry: {
            type: 'object',
            required: ['type', 'coordinates'],
            properties: {
              type: { type: 'string', enum: ['Polygon', 'MultiPolygon'] },
              coordinates: {
                type: 'array',
                description: 'Polygon: rings of [lon, lat]; MultiPolygon: polygons of rings',
                items: { type: 'array' },
              },
            },
          },
        },
      },
    },
  },
} as const;

/** The grid map as GeoJSON: polygons as loaded, boxes as one ring each. */
export function gridFeatures(jurisdiction: Jurisdiction): GridFeatureCollection {
  return {
    type: 'FeatureCollection',
    features: jurisdiction.grids.map((area) => ({
      type: 'Feature',
      id: area.grid,
      properties: { street: area.street, community: area.community, grid: area.grid },
      geometry: geometryOf(area),
    })),
  };
}

/**
 * The street offices' grid registry: the grid map Open311 locates reports with
 * (OPEN311_JURISDICTION_FILE, docs/open311.md), for the console's map. Staff of
 * every agency read it: the grids say where cases are, nothing about anyone.
 */
@ApiTags('grids')
@Controller('api/grids')
export class GridsController {
  private readonly collection: GridFeatureCollection;

  constructor(@Inject(OPEN311_JURISDICTION) jurisdiction: Jurisdiction) {
    this.collection = gridFeatures(jurisdiction);
  }

  @ReadRoute({
    summary: 'the grid map: a GeoJSON FeatureCollection, one Polygon or MultiPolygon per grid',
    description:
      'Feature `id` = the grid code, `properties: {street, community, grid}`, geometry in WGS 84 ' +
      '([lon, lat] rings, holes after the outer ring); grids kept as boxes come as one ring.',
    roles: STAFF,
    response: gridFeatureCollectionSchema,
  })
  list(): GridFeatureCollection {
    return this.collection;
  }
}
