import { DEMO_JURISDICTION } from '../open311/open311.jurisdiction.js';
import { gridsAsGeoJson } from './grids.js';

describe('the grid map as GeoJSON', () => {
  const collection = gridsAsGeoJson(DEMO_JURISDICTION);

  it('has one Feature per grid, its id the grid code, where it is as properties', () => {
    expect(collection.type).toBe('FeatureCollection');
    expect(collection.features.map((f) => f.id)).toEqual(['G-0312', 'G-0313', 'G-0320']);
    expect(collection.features[0]).toMatchObject({
      type: 'Feature',
      id: 'G-0312',
      properties: { street: 'Xinjiekou', community: 'Zhaodengyu', grid: 'G-0312' },
    });
  });

  it('draws each bounding box as a closed counterclockwise ring of [lon, lat]', () => {
    const geometry = collection.features[0]?.geometry;
    expect(geometry).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [116.364, 39.938],
          [116.37, 39.938],
          [116.37, 39.942],
          [116.364, 39.942],
          [116.364, 39.938],
        ],
      ],
    });
    // Shoelace: a positive signed area is counterclockwise (RFC 7946 §3.1.6, right-hand rule).
    const ring = geometry?.coordinates[0] ?? [];
    let twiceArea = 0;
    for (let i = 0; i + 1 < ring.length; i++) {
      const [x1, y1] = ring[i]!;
      const [x2, y2] = ring[i + 1]!;
      twiceArea += x1 * y2 - x2 * y1;
    }
    expect(twiceArea).toBeGreaterThan(0);
  });
});
