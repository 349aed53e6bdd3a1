import type { GridArea, Jurisdiction } from '../open311/open311.jurisdiction.js';

/** A grid of the street offices' map as a GeoJSON Feature (RFC 7946). */
export interface GridFeature {
  readonly type: 'Feature';
  /** The grid code (G-0312). */
  readonly id: string;
  readonly properties: {
    readonly street: string;
    readonly community: string;
    readonly grid: string;
  };
  readonly geometry: {
    readonly type: 'Polygon';
    /** Linear rings of [longitude, latitude] positions, closed, outer ring counterclockwise. */
    readonly coordinates: readonly (readonly (readonly [number, number])[])[];
  };
}

export interface GridCollection {
  readonly type: 'FeatureCollection';
  readonly features: readonly GridFeature[];
}

/** A bounding box as a Polygon's one ring: counterclockwise from the south-west corner (RFC 7946 §3.1.6). */
function ring(area: GridArea): (readonly [number, number])[] {
  return [
    [area.west, area.south],
    [area.east, area.south],
    [area.east, area.north],
    [area.west, area.north],
    [area.west, area.south],
  ];
}

/**
 * The grid map as a FeatureCollection: one Feature per grid, `id` its code,
 * `properties` where it is, `geometry` its area. Today's map holds bounding
 * boxes; a map of real polygons keeps this same shape.
 */
export function gridsAsGeoJson(jurisdiction: Jurisdiction): GridCollection {
  return {
    type: 'FeatureCollection',
    features: jurisdiction.grids.map((area) => ({
      type: 'Feature',
      id: area.grid,
      properties: { street: area.street, community: area.community, grid: area.grid },
      geometry: { type: 'Polygon', coordinates: [ring(area)] },
    })),
  };
}
