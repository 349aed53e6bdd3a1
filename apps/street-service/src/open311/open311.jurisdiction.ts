import { readFileSync } from 'node:fs';
import { createSchemaValidator, describeSchemaErrors, gridRefSchema } from '@gridline/contracts';
import type { GridRef } from '@gridline/contracts';
import { loadConfig, parsers, setting } from '@gridline/platform';

/**
 * Where Open311 reports land. Our issues are located in a grid (street,
 * community, grid code); GeoReport clients send a point (lat/long) or an
 * address. The jurisdiction file is the street offices' grid map: each grid's
 * bounding box, so a point finds its grid without a GIS server.
 */
export interface GridArea extends GridRef {
  /** Bounding box in WGS 84 degrees. */
  readonly south: number;
  readonly west: number;
  readonly north: number;
  readonly east: number;
}

export interface Jurisdiction {
  /** GeoReport `jurisdiction_id`; a request naming another one is 404. */
  readonly id: string;
  readonly grids: readonly GridArea[];
}

export const OPEN311_JURISDICTION = Symbol('OPEN311_JURISDICTION');

export const open311Settings = {
  OPEN311_JURISDICTION_FILE: setting(
    'JSON file with the Open311 jurisdiction id and its grids (bounding boxes); unset: the built-in demo map of Xinjiekou',
    parsers.string,
    '',
  ),
};

/**
 * The demo's grid map (the vendor story's G-0312 and two neighbours, around
 * Xinjiekou in Beijing). Development and tests only: production names its own
 * map in OPEN311_JURISDICTION_FILE.
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
  ],
};

const degrees = (min: number, max: number) => ({ type: 'number', minimum: min, maximum: max });

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
      },
    },
  },
} as const;

const validateJurisdiction = createSchemaValidator().compile<Jurisdiction>(jurisdictionSchema);

/** Checks a grid map: its shape, each box the right way round, each grid code once. */
export function parseJurisdiction(value: unknown, source = 'jurisdiction'): Jurisdiction {
  if (!validateJurisdiction(value)) {
    const problems = describeSchemaErrors(validateJurisdiction.errors)
      .map((p) => `${p.path || '/'} ${p.message}`)
      .join('; ');
    throw new Error(`${source} is invalid: ${problems}`);
  }
  const seen = new Set<string>();
  for (const area of value.grids) {
    if (area.south >= area.north || area.west >= area.east)
      throw new Error(`${source}: grid ${area.grid} needs south < north and west < east`);
    if (seen.has(area.grid)) throw new Error(`${source}: grid ${area.grid} appears twice`);
    seen.add(area.grid);
  }
  return value;
}

export function loadJurisdiction(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Jurisdiction {
  const file = loadConfig(open311Settings, env).OPEN311_JURISDICTION_FILE;
  if (!file) return DEMO_JURISDICTION;
  return parseJurisdiction(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
}

/** The grid a point lies in; on a shared edge the first grid of the map wins. */
export function gridAt(
  jurisdiction: Jurisdiction,
  lat: number,
  long: number,
): GridArea | undefined {
  return jurisdiction.grids.find(
    (g) => lat >= g.south && lat <= g.north && long >= g.west && long <= g.east,
  );
}

export const gridByCode = (jurisdiction: Jurisdiction, code: string): GridArea | undefined =>
  jurisdiction.grids.find((g) => g.grid === code);

/** The point shown for a grid on reads: its box's centre, never the reported point. */
export function gridCentre(area: GridArea): { readonly lat: number; readonly long: number } {
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  return { lat: round((area.south + area.north) / 2), long: round((area.west + area.east) / 2) };
}
