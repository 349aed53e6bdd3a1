import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { VENDOR_STORY_PLACE } from '../../../../test/support/vendor-story.js';
import {
  DEMO_JURISDICTION,
  geometryOf,
  gridAt,
  gridByCode,
  gridCentre,
  loadJurisdiction,
  parseJurisdiction,
} from './open311.jurisdiction.js';
import { onRing, polygonsOf } from '../grids/grid-geometry.js';

// A concave grid (an L) with a hole, and a square neighbour, as an office's GIS exports them.
const lGrid: number[][][] = [
  [
    [116.0, 39.0],
    [116.02, 39.0],
    [116.02, 39.01],
    [116.01, 39.01],
    [116.01, 39.02],
    [116.0, 39.02],
    [116.0, 39.0],
  ],
  [
    [116.002, 39.002],
    [116.002, 39.004],
    [116.004, 39.004],
    [116.004, 39.002],
    [116.002, 39.002],
  ],
];
const geojson = () => ({
  type: 'FeatureCollection',
  jurisdiction_id: 'west.gridline.example',
  features: [
    {
      type: 'Feature',
      id: 'G-0101',
      properties: { street: 'West', community: 'Elm', grid: 'G-0101' },
      geometry: { type: 'Polygon', coordinates: structuredClone(lGrid) },
    },
    {
      type: 'Feature',
      properties: { street: 'West', community: 'Oak', grid: 'G-0102' },
      geometry: {
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [116.01, 39.01, 45],
              [116.02, 39.01, 45],
              [116.02, 39.02, 45],
              [116.01, 39.02, 45],
              [116.01, 39.01, 45],
            ],
          ],
        ],
      },
    },
  ],
});

describe('the jurisdiction file as GeoJSON', () => {
  it('loads a FeatureCollection of Polygon and MultiPolygon grids', () => {
    const j = parseJurisdiction(geojson());
    expect(j.id).toBe('west.gridline.example');
    expect(j.grids.map((g) => [g.grid, g.community])).toEqual([
      ['G-0101', 'Elm'],
      ['G-0102', 'Oak'],
    ]);
    expect(geometryOf(j.grids[0]!)).toEqual({ type: 'Polygon', coordinates: lGrid });
  });

  it('finds a point’s grid by its polygons: concave, holes respected, none outside', () => {
    const j = parseJurisdiction(geojson());
    expect(gridAt(j, 39.015, 116.005)?.grid).toBe('G-0101'); // the L's upright
    expect(gridAt(j, 39.005, 116.015)?.grid).toBe('G-0101'); // its foot
    expect(gridAt(j, 39.015, 116.015)?.grid).toBe('G-0102'); // the L's inner corner is the neighbour's
    expect(gridAt(j, 39.003, 116.003)).toBeUndefined(); // in the hole
    expect(gridAt(j, 39.03, 116.005)).toBeUndefined(); // north of both
    const centre = gridCentre(j.grids[0]!);
    expect(gridAt(j, centre.lat, centre.long)?.grid).toBe('G-0101');
  });

  it('names the bad feature in its start-up error', () => {
    const bad: { features: { geometry: unknown }[] } = geojson();
    bad.features[1]!.geometry = { type: 'LineString', coordinates: [] };
    expect(() => parseJurisdiction(bad, 'grids.geojson')).toThrow(
      /^grids\.geojson is invalid: feature 1 \(G-0102\) \/geometry\/type must be equal to one of the allowed values/,
    );
    const unclosed = geojson();
    unclosed.features[0]!.geometry.coordinates[0]!.pop();
    expect(() => parseJurisdiction(unclosed, 'f')).toThrow(
      'f: feature 0 (G-0101) has a ring that is not closed',
    );
    const twice = geojson();
    twice.features[1]!.properties.grid = 'G-0101';
    expect(() => parseJurisdiction(twice, 'f')).toThrow('f: feature 1 (G-0101) appears twice');
    const wrongId = geojson();
    wrongId.features[0]!.id = 'G-9999';
    expect(() => parseJurisdiction(wrongId, 'f')).toThrow(
      /feature 0 has id G-9999 but is grid G-0101/,
    );
    const noGrid = geojson();
    delete (noGrid.features[0]!.properties as { grid?: string }).grid;
    expect(() => parseJurisdiction(noGrid, 'f')).toThrow(/feature 0 \/properties\/grid must have/);
    const flipped = geojson();
    flipped.features[0]!.geometry.coordinates[0]![1] = [39.0, 116.02];
    expect(() => parseJurisdiction(flipped, 'f')).toThrow(
      /feature 0 \(G-0101\) has a position \[39, 116.02\]/,
    );
    expect(() => parseJurisdiction({ ...geojson(), features: [] }, 'f')).toThrow(
      /\/features must NOT have fewer than 1 items/,
    );
  });

  it('is read from OPEN311_JURISDICTION_FILE; a bad file stops the start', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grids-'));
    const file = path.join(dir, 'grids.geojson');
    writeFileSync(file, JSON.stringify(geojson()));
    expect(loadJurisdiction({ OPEN311_JURISDICTION_FILE: file }).id).toBe('west.gridline.example');
    const bad = geojson();
    bad.features[0]!.properties.grid = 'nope';
    writeFileSync(file, JSON.stringify(bad));
    expect(() => loadJurisdiction({ OPEN311_JURISDICTION_FILE: file })).toThrow(
      `${file} is invalid: feature 0 (nope) /properties/grid must match pattern`,
    );
    expect(loadJurisdiction({})).toBe(DEMO_JURISDICTION);
  });
});

describe('the built-in demo map', () => {
  it('draws every grid npm run demo and the vendor story file cases in', () => {
    const demo = readFileSync(path.join(process.cwd(), 'scripts/demo.mjs'), 'utf8');
    const streets = [
      ...demo.matchAll(/\{ street: '([^']+)', community: '([^']+)', grids: \[([^\]]+)\] \}/g),
    ];
    expect(streets.length).toBeGreaterThanOrEqual(6);
    const wanted = streets.flatMap(([, street, community, grids]) =>
      [...grids!.matchAll(/'(G-\d{4})'/g)].map((m) => ({ street, community, grid: m[1] })),
    );
    wanted.push(VENDOR_STORY_PLACE);
    for (const { street, community, grid } of wanted)
      expect(gridByCode(DEMO_JURISDICTION, grid!)).toMatchObject({ street, community, grid });
    expect(DEMO_JURISDICTION.grids.some((g) => 'geometry' in g)).toBe(true);
  });

  it('has grids that do not overlap, each holding its own centre', () => {
    for (const area of DEMO_JURISDICTION.grids) {
      const { lat, long } = gridCentre(area);
      expect(gridAt(DEMO_JURISDICTION, lat, long)?.grid).toBe(area.grid);
    }
    // Sample the map: a point off every boundary lies in at most one grid.
    const contains = (lon: number, lat: number) =>
      DEMO_JURISDICTION.grids.filter((g) => gridAt({ id: 'one', grids: [g] }, lat, lon));
    const onABoundary = (lon: number, lat: number) =>
      DEMO_JURISDICTION.grids.some((g) =>
        polygonsOf(geometryOf(g)).some((rings) => rings.some((r) => onRing(lon, lat, r))),
      );
    let inside = 0;
    for (let lon = 116.3451; lon < 116.396; lon += 0.0007)
      for (let lat = 39.9081; lat < 39.958; lat += 0.0007) {
        if (onABoundary(lon, lat)) continue;
        const found = contains(lon, lat);
        expect(found.length).toBeLessThanOrEqual(1);
        inside += found.length;
      }
    expect(inside).toBeGreaterThan(1000);
  });
});
