import { readFileSync } from 'node:fs';
import { createSchemaValidator, describeSchemaErrors, gridRefSchema } from '@gridline/contracts';
import type { GridRef } from '@gridline/contracts';
import { loadConfig, parsers, setting } from '@gridline/platform';
import {
  boundsOf,
  boxRing,
  geometryContains,
  polygonsOf,
  representativePoint,
  type Bounds,
  type GridGeometry,
} from '../grids/grid-geometry.js';

/**
 * Where Open311 reports land. Our issues are located in a grid (street,
 * community, grid code); GeoReport clients send a point (lat/long) or an
 * address. The jurisdiction file is the street offices' grid map: each grid's
 * bounding box or its polygons (GeoJSON), so a point finds its grid without a
 * GIS server.
 */
export interface GridBox extends GridRef, Bounds {}

/** A grid drawn as GeoJSON polygons ([lon, lat] rings, holes respected). */
export interface GridShape extends GridRef {
  readonly geometry: GridGeometry;
}

export type GridArea = GridBox | GridShape;

export interface Jurisdiction {
  /** GeoReport `jurisdiction_id`; a request naming another one is 404. */
  readonly id: string;
  readonly grids: readonly GridArea[];
}

const isShape = (area: GridArea): area is GridShape => 'geometry' in area;

/** The grid's area as GeoJSON geometry: its polygons, or its box as a ring. */
export const geometryOf = (area: GridArea): GridGeometry =>
  isShape(area) ? area.geometry : { type: 'Polygon', coordinates: [boxRing(area)] };

export const OPEN311_JURISDICTION = Symbol('OPEN311_JURISDICTION');

export const open311Settings = {
  OPEN311_JURISDICTION_FILE: setting(
    'JSON file with the Open311 jurisdiction id and its grids (bounding boxes, or a GeoJSON FeatureCollection of Polygon/MultiPolygon grids); unset: the built-in demo map',
    parsers.string,
    '',
  ),
};

type Lonlat = readonly [number, number];
const ring = (...points: Lonlat[]): Lonlat[] => [...points, points[0]!];
const shape = (
  street: string,
  community: string,
  grid: string,
  ...polygons: Lonlat[][][]
): GridShape => ({
  street,
  community,
  grid,
  geometry:
    polygons.length === 1
      ? { type: 'Polygon', coordinates: polygons[0]! }
      : { type: 'MultiPolygon', coordinates: polygons },
});

/**
 * The demo's grid map around Xinjiekou in Beijing: the vendor story's G-0312
 * and its two box neighbours (as before), and the grids of `npm run demo`'s six
 * streets (scripts/demo.mjs) as adjacent polygons — concave ones, one with a
 * lake as a hole, one in two parts. Development and tests only: production
 * names its own map in OPEN311_JURISDICTION_FILE.
 */
export const DEMO_JURISDICTION: Jurisdiction = {
  id: 'xinjiekou.gridline.example',
  grids: [
    {
      street: 'Xinjiekou',
      community: 'Zhaodengyu',
      grid: 'G-0312',
      south: 39.938,
      west: 116.364,
      north: 39.942,
      east: 116.37,
    },
    {
      street: 'Xinjiekou',
      community: 'Zhaodengyu',
      grid: 'G-0313',
      south: 39.938,
      west: 116.37,
      north: 39.942,
      east: 116.376,
    },
    {
      street: 'Xinjiekou',
      community: 'Qianzi',
      grid: 'G-0320',
      south: 39.942,
      west: 116.364,
      north: 39.946,
      east: 116.376,
    },
    // An L below G-0312 and G-0313: the corner it leaves out is G-0410's.
    shape('Xinjiekou', 'Zhaodengyu', 'G-0315', [
      ring(
        [116.364, 39.935],
        [116.37, 39.935],
        [116.37, 39.933],
        [116.376, 39.933],
        [116.376, 39.938],
        [116.364, 39.938],
      ),
    ]),
    // East, along the lakes: G-0201 and G-0207 share a bent edge; G-0207 has a pond.
    shape('Shichahai', 'Yandai', 'G-0201', [
      ring(
        [116.376, 39.938],
        [116.384, 39.938],
        [116.386, 39.942],
        [116.384, 39.946],
        [116.376, 39.946],
      ),
    ]),
    shape('Shichahai', 'Yandai', 'G-0207', [
      ring(
        [116.384, 39.938],
        [116.394, 39.938],
        [116.394, 39.946],
        [116.384, 39.946],
        [116.386, 39.942],
      ),
      ring([116.389, 39.941], [116.389, 39.943], [116.392, 39.943], [116.392, 39.941]),
    ]),
    // North: a slanted boundary along the second ring road.
    shape('Desheng', 'Liupukang', 'G-0603', [
      ring([116.364, 39.946], [116.379, 39.946], [116.379, 39.955], [116.364, 39.953]),
    ]),
    shape('Desheng', 'Liupukang', 'G-0611', [
      ring([116.379, 39.946], [116.394, 39.946], [116.394, 39.957], [116.379, 39.955]),
    ]),
    // West.
    shape('Zhanlanlu', 'Baiwanzhuang', 'G-0505', [
      ring(
        [116.348, 39.938],
        [116.364, 39.938],
        [116.364, 39.946],
        [116.353, 39.946],
        [116.348, 39.943],
      ),
    ]),
    shape('Zhanlanlu', 'Baiwanzhuang', 'G-0509', [
      ring([116.348, 39.93], [116.364, 39.93], [116.364, 39.938], [116.348, 39.938]),
    ]),
    // South: G-0410 fills G-0315's corner; G-0418 has a detached block across the road.
    shape('Jinrongjie', 'Fengsheng', 'G-0410', [
      ring(
        [116.364, 39.92],
        [116.376, 39.92],
        [116.376, 39.933],
        [116.37, 39.933],
        [116.37, 39.935],
        [116.364, 39.935],
      ),
    ]),
    shape(
      'Jinrongjie',
      'Fengsheng',
      'G-0418',
      [ring([116.35, 39.92], [116.364, 39.92], [116.364, 39.93], [116.35, 39.93])],
      [ring([116.377, 39.925], [116.381, 39.925], [116.381, 39.929], [116.377, 39.929])],
    ),
    // Further south, split along a winding lane.
    shape('Xichang', 'Changchun', 'G-0702', [
      ring([116.35, 39.91], [116.363, 39.91], [116.362, 39.915], [116.363, 39.92], [116.35, 39.92]),
    ]),
    shape('Xichang', 'Changchun', 'G-0706', [
      ring(
        [116.363, 39.91],
        [116.376, 39.91],
        [116.376, 39.92],
        [116.363, 39.92],
        [116.362, 39.915],
      ),
    ]),
  ],
};

const degrees = (min: number, max: number) => ({ type: 'number', minimum: min, maximum: max });

/** A GeoJSON position: [lon, lat] (an altitude allowed and ignored; ranges checked after). */
const positionSchema = {
  type: 'array',
  minItems: 2,
  maxItems: 3,
  items: { type: 'number' },
} as const;
/** A closed linear ring: at least four positions (RFC 7946 §3.1.6). */
const ringSchema = { type: 'array', minItems: 4, items: positionSchema } as const;
const polygonCoordinatesSchema = { type: 'array', minItems: 1, items: ringSchema } as const;
const bboxSchema = { type: 'array', items: { type: 'number' } } as const;

export const gridGeometrySchema = {
  type: 'object',
  required: ['type', 'coordinates'],
  additionalProperties: false,
  properties: {
    type: { enum: ['Polygon', 'MultiPolygon'] },
    coordinates: { type: 'array' },
    bbox: bboxSchema,
  },
  if: { properties: { type: { const: 'Polygon' } } },
  then: { properties: { coordinates: polygonCoordinatesSchema } },
  else: {
    if: { properties: { type: { const: 'MultiPolygon' } } },
    then: {
      properties: { coordinates: { type: 'array', minItems: 1, items: polygonCoordinatesSchema } },
    },
  },
} as const;

const boxSchema = {
  type: 'object',
  additionalProperties: false,
  required: [...gridRefSchema.required, 'south', 'west', 'north', 'east'],
  properties: {
    ...gridRefSchema.properties,
    south: degrees(-90, 90),
    west: degrees(-180, 180),
    north: degrees(-90, 90),
    east: degrees(-180, 180),
  },
} as const;

const shapeSchema = {
  type: 'object',
  additionalProperties: false,
  required: [...gridRefSchema.required, 'geometry'],
  properties: { ...gridRefSchema.properties, geometry: gridGeometrySchema },
} as const;

/** The grid list form: `{ id, grids: [...] }`, each grid a box or (in the demo) a shape. */
const jurisdictionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'grids'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 200 },
    grids: {
      type: 'array',
      minItems: 1,
      items: {
        if: { type: 'object', required: ['geometry'], properties: { geometry: true } },
        then: shapeSchema,
        else: boxSchema,
      },
    },
  },
} as const;

/**
 * The GeoJSON form (RFC 7946): a FeatureCollection of the grids, each a Feature
 * with a Polygon or MultiPolygon and `properties: {street, community, grid}`;
 * the jurisdiction id as the foreign member `jurisdiction_id`.
 */
const featureCollectionSchema = {
  type: 'object',
  required: ['type', 'jurisdiction_id', 'features'],
  properties: {
    type: { const: 'FeatureCollection' },
    jurisdiction_id: { type: 'string', minLength: 1, maxLength: 200 },
    bbox: bboxSchema,
    features: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['type', 'properties', 'geometry'],
        properties: {
          type: { const: 'Feature' },
          id: { type: ['string', 'number'] },
          bbox: bboxSchema,
          properties: gridRefSchema,
          geometry: gridGeometrySchema,
        },
      },
    },
  },
} as const;

interface FeatureCollection {
  readonly type: 'FeatureCollection';
  readonly jurisdiction_id: string;
  readonly features: readonly {
    readonly id?: string | number;
    readonly properties: GridRef;
    readonly geometry: GridGeometry;
  }[];
}

const ajv = createSchemaValidator();
const validateJurisdiction = ajv.compile<Jurisdiction>(jurisdictionSchema);
const validateFeatureCollection = ajv.compile<FeatureCollection>(featureCollectionSchema);

/** `/features/3/geometry/coordinates` → `feature 3 (G-0312) /geometry/coordinates`. */
function problemsOf(value: unknown, errors: Parameters<typeof describeSchemaErrors>[0]): string {
  const features = (value as { features?: unknown } | null)?.features;
  // `if` only says which branch failed; the branch's own error follows.
  return describeSchemaErrors((errors ?? []).filter((e) => e.keyword !== 'if'))
    .map(({ path, message }) => {
      const m = /^\/features\/(\d+)(.*)$/.exec(path);
      if (!m || !Array.isArray(features)) return `${path || '/'} ${message}`;
      const grid = (features[Number(m[1])] as { properties?: { grid?: unknown } } | undefined)
        ?.properties?.grid;
      const name = typeof grid === 'string' ? ` (${grid})` : '';
      return `feature ${m[1]}${name} ${m[2] || '/'} ${message}`;
    })
    .join('; ');
}

/** The geometry's own rules the schema cannot say: degrees in range, closed rings, an area. */
function checkGeometry(geometry: GridGeometry): string | undefined {
  for (const rings of polygonsOf(geometry))
    for (const ring of rings) {
      const outside = ring.find(
        ([lon = NaN, lat = NaN]) => !(Math.abs(lon) <= 180 && Math.abs(lat) <= 90),
      );
      if (outside) return `has a position [${outside.join(', ')}] outside [-180..180, -90..90]`;
      const [first, last] = [ring[0]!, ring[ring.length - 1]!];
      if (first[0] !== last[0] || first[1] !== last[1])
        return 'has a ring that is not closed (its last position must repeat its first)';
    }
  const b = boundsOf(geometry);
  if (!(b.south < b.north && b.west < b.east)) return 'has no area';
  return undefined;
}

/**
 * Checks a grid map, in either form: its shape (JSON Schema), each box the
 * right way round, each ring closed, each grid code once. A problem names the
 * grid (and, in the GeoJSON form, the feature's index).
 */
export function parseJurisdiction(value: unknown, source = 'jurisdiction'): Jurisdiction {
  let jurisdiction: Jurisdiction;
  const where: string[] = [];
  if ((value as { type?: unknown } | null)?.type === 'FeatureCollection') {
    if (!validateFeatureCollection(value))
      throw new Error(
        `${source} is invalid: ${problemsOf(value, validateFeatureCollection.errors)}`,
      );
    value.features.forEach((feature, index) => {
      where.push(`feature ${index} (${feature.properties.grid})`);
      if (feature.id !== undefined && String(feature.id) !== feature.properties.grid)
        throw new Error(
          `${source}: feature ${index} has id ${feature.id} but is grid ${feature.properties.grid}`,
        );
    });
    jurisdiction = {
      id: value.jurisdiction_id,
      grids: value.features.map((f) => ({ ...f.properties, geometry: f.geometry })),
    };
  } else {
    if (!validateJurisdiction(value))
      throw new Error(`${source} is invalid: ${problemsOf(value, validateJurisdiction.errors)}`);
    jurisdiction = value;
    for (const area of value.grids) where.push(`grid ${area.grid}`);
  }
  const seen = new Set<string>();
  jurisdiction.grids.forEach((area, index) => {
    const name = where[index] ?? `grid ${area.grid}`;
    if (isShape(area)) {
      const problem = checkGeometry(area.geometry);
      if (problem) throw new Error(`${source}: ${name} ${problem}`);
    } else if (area.south >= area.north || area.west >= area.east)
      throw new Error(`${source}: ${name} needs south < north and west < east`);
    if (seen.has(area.grid)) throw new Error(`${source}: ${name} appears twice`);
    seen.add(area.grid);
  });
  return jurisdiction;
}

export function loadJurisdiction(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Jurisdiction {
  const file = loadConfig(open311Settings, env).OPEN311_JURISDICTION_FILE;
  if (!file) return DEMO_JURISDICTION;
  return parseJurisdiction(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
}

/**
 * The grid a point lies in: inside a box, or inside a polygon and in none of
 * its holes (ray casting). On a shared edge the first grid of the map wins.
 */
export function gridAt(
  jurisdiction: Jurisdiction,
  lat: number,
  long: number,
): GridArea | undefined {
  return jurisdiction.grids.find((g) =>
    isShape(g)
      ? geometryContains(g.geometry, long, lat)
      : lat >= g.south && lat <= g.north && long >= g.west && long <= g.east,
  );
}

export const gridByCode = (jurisdiction: Jurisdiction, code: string): GridArea | undefined =>
  jurisdiction.grids.find((g) => g.grid === code);

/**
 * The point shown for a grid on reads, never the reported point: a box's
 * centre; for polygons, a point inside them (their centroid when it is inside).
 */
export function gridCentre(area: GridArea): { readonly lat: number; readonly long: number } {
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  if (isShape(area)) {
    const point = representativePoint(area.geometry);
    return { lat: round(point.lat), long: round(point.lon) };
  }
  return { lat: round((area.south + area.north) / 2), long: round((area.west + area.east) / 2) };
}
