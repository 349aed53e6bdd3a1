import {
  boundsOf,
  boxRing,
  geometryContains,
  polygonContains,
  representativePoint,
  type GridGeometry,
  type PolygonRings,
} from './grid-geometry.js';

// A "U" (concave): open to the north between x 1 and 2; a hole in its west arm.
const u: PolygonRings = [
  [
    [0, 0],
    [3, 0],
    [3, 3],
    [2, 3],
    [2, 1],
    [1, 1],
    [1, 3],
    [0, 3],
    [0, 0],
  ],
  [
    [0.25, 1.5],
    [0.75, 1.5],
    [0.75, 2.5],
    [0.25, 2.5],
    [0.25, 1.5],
  ],
];

describe('point in polygon (ray casting)', () => {
  it('finds a point inside a concave polygon, in either arm and the base', () => {
    expect(polygonContains(u, 2.5, 2.5)).toBe(true); // east arm
    expect(polygonContains(u, 0.5, 0.5)).toBe(true); // base
    expect(polygonContains(u, 0.5, 2.8)).toBe(true); // west arm, north of the hole
  });

  it('leaves out the notch of the concave polygon', () => {
    // Inside the bounding box, between the arms: a box test would say yes.
    expect(polygonContains(u, 1.5, 2)).toBe(false);
    expect(polygonContains([boxRing(boundsOf({ type: 'Polygon', coordinates: u }))], 1.5, 2)).toBe(
      true,
    );
  });

  it('respects holes: a point in a hole is in no grid; the hole’s edge is the grid’s', () => {
    expect(polygonContains(u, 0.5, 2)).toBe(false);
    expect(polygonContains(u, 0.25, 2)).toBe(true);
  });

  it('counts the outer boundary and vertices in, and a point on no polygon out', () => {
    expect(polygonContains(u, 3, 1.5)).toBe(true);
    expect(polygonContains(u, 0, 0)).toBe(true);
    expect(polygonContains(u, 1.5, 1)).toBe(true); // the notch's floor
    expect(polygonContains(u, 4, 1)).toBe(false);
    expect(polygonContains(u, -0.1, 1)).toBe(false);
    expect(polygonContains(u, 1, -1)).toBe(false);
    expect(polygonContains([], 0, 0)).toBe(false);
  });

  it('holds a point in any part of a MultiPolygon', () => {
    const two: GridGeometry = {
      type: 'MultiPolygon',
      coordinates: [
        u,
        [
          [
            [10, 10],
            [11, 10],
            [11, 11],
            [10, 10],
          ],
        ],
      ],
    };
    expect(geometryContains(two, 10.8, 10.5)).toBe(true);
    expect(geometryContains(two, 10.2, 10.8)).toBe(false); // the other side of the triangle
    expect(geometryContains(two, 2.5, 2.5)).toBe(true);
    expect(boundsOf(two)).toEqual({ south: 0, west: 0, north: 11, east: 11 });
  });
});

describe('a point that stands for a grid', () => {
  it('is the centroid of a convex polygon', () => {
    const box: GridGeometry = {
      type: 'Polygon',
      coordinates: [boxRing({ south: 0, west: 0, north: 2, east: 4 })],
    };
    expect(representativePoint(box)).toEqual({ lon: 2, lat: 1 });
  });

  it('lies inside a concave polygon whose centroid does not', () => {
    // A "C": its centroid falls in the opening.
    const c: GridGeometry = {
      type: 'Polygon',
      coordinates: [
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
      ],
    };
    const p = representativePoint(c);
    expect(geometryContains(c, p.lon, p.lat)).toBe(true);
    const holed: GridGeometry = { type: 'Polygon', coordinates: u };
    const q = representativePoint(holed);
    expect(geometryContains(holed, q.lon, q.lat)).toBe(true);
  });
});
