import {
  anchorOf,
  boundsOf,
  fitProjection,
  pathOf,
  polygonContains,
  spread,
  spreadRadius,
  type GridGeometry,
  type PolygonRings,
} from '../../apps/console/src/lib/map-geometry.js';

const square = (west: number, south: number, size: number): PolygonRings => [
  [
    [west, south],
    [west + size, south],
    [west + size, south + size],
    [west, south + size],
    [west, south],
  ],
];

describe('the console map: projection', () => {
  it('fits the bounds into the box, north up, keeping proportions at the latitude', () => {
    // 0.02° of longitude by 0.01° of latitude at 60°N: as wide as it is high on the ground.
    const bounds = { west: 10, south: 59.995, east: 10.02, north: 60.005 };
    const p = fitProjection(bounds, 400, 200, 10);
    const nw = p.project(10, 60.005);
    const se = p.project(10.02, 59.995);
    expect(nw.y).toBeCloseTo(10, 6); // the height is the tighter fit
    expect(se.y).toBeCloseTo(190, 6);
    expect(se.x - nw.x).toBeCloseTo(se.y - nw.y, 1); // cos(60°) = 0.5
    expect((nw.x + se.x) / 2).toBeCloseTo(200, 6); // centred
    expect(p.project(10.01, 60).y).toBeCloseTo(100, 6);
    expect(p.project(10.01, 60.004).y).toBeLessThan(p.project(10.01, 60).y);
  });

  it('takes the bounds of every outer ring, of Polygons and MultiPolygons', () => {
    const geometries: GridGeometry[] = [
      { type: 'Polygon', coordinates: square(116.36, 39.93, 0.01) },
      {
        type: 'MultiPolygon',
        coordinates: [square(116.38, 39.95, 0.002), square(116.35, 39.92, 0.001)],
      },
    ];
    const b = boundsOf(geometries)!;
    expect([b.west, b.south, b.east, b.north].map((n) => n.toFixed(6))).toEqual([
      '116.350000',
      '39.920000',
      '116.382000',
      '39.952000',
    ]);
    expect(boundsOf([])).toBeUndefined();
  });

  it('draws each ring as a closed subpath, holes included', () => {
    const holed: GridGeometry = {
      type: 'Polygon',
      coordinates: [...square(0, 0, 4), ...square(1, 1, 1)],
    };
    const p = fitProjection({ west: 0, south: 0, east: 4, north: 4 }, 4, 4);
    // Near the equator, cos ≈ 1: one degree is one unit.
    expect(pathOf(holed, p)).toBe('M0,4L4,4L4,0L0,0ZM1,3L2,3L2,2L1,2Z');
  });
});

describe('the console map: where markers go', () => {
  it('anchors a grid at its centroid, or inside it when the centroid is not', () => {
    expect(anchorOf({ type: 'Polygon', coordinates: square(0, 0, 2) })).toEqual({ lon: 1, lat: 1 });
    const c: PolygonRings = [
      [
        [0, 0],
        [3, 0],
        [3, 1],
        [1, 1],
        [1, 2],
        [3, 2],
        [3, 3],
        [0, 3],
        [0, 0],
      ],
    ];
    const a = anchorOf({ type: 'Polygon', coordinates: c });
    expect(polygonContains(c, a.lon, a.lat)).toBe(true);
    // A point in a concave grid's notch, or in a hole, is not in it.
    expect(polygonContains(c, 2, 1.5)).toBe(false);
    expect(polygonContains([...square(0, 0, 4), ...square(1, 1, 2)], 2, 2)).toBe(false);
    expect(polygonContains([...square(0, 0, 4), ...square(1, 1, 2)], 0.5, 2)).toBe(true);
  });

  it('spreads several markers so that none hides another', () => {
    expect(spread(1, 16)).toEqual([{ x: 0, y: 0 }]);
    for (const n of [2, 5, 12, 40]) {
      const points = spread(n, 16);
      expect(points).toHaveLength(n);
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++)
          expect(
            Math.hypot(points[i]!.x - points[j]!.x, points[i]!.y - points[j]!.y),
          ).toBeGreaterThanOrEqual(15.9);
      for (const p of points)
        expect(Math.hypot(p.x, p.y)).toBeLessThanOrEqual(spreadRadius(n, 16) + 0.01);
    }
  });
});
