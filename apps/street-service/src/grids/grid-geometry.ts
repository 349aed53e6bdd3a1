/**
 * Plane geometry for the street offices' grid map, in WGS 84 degrees as GeoJSON
 * (RFC 7946) has them: a position is [longitude, latitude], a polygon is its
 * outer ring then its holes, each ring closed (last position = first). Grids are
 * a few hundred metres across, so degrees are treated as a plane: no GIS server,
 * no library.
 */

/** [longitude, latitude] (RFC 7946 §3.1.1; an altitude, if any, is ignored). */
export type Position = readonly number[];
export type Ring = readonly Position[];
/** The outer ring, then the holes. */
export type PolygonRings = readonly Ring[];

export type GridGeometry =
  | { readonly type: 'Polygon'; readonly coordinates: PolygonRings }
  | { readonly type: 'MultiPolygon'; readonly coordinates: readonly PolygonRings[] };

export interface Bounds {
  readonly south: number;
  readonly west: number;
  readonly north: number;
  readonly east: number;
}

const lonOf = (p: Position) => p[0] ?? NaN;
const latOf = (p: Position) => p[1] ?? NaN;

/** The polygons of a geometry (a Polygon is one). */
export const polygonsOf = (geometry: GridGeometry): readonly PolygonRings[] =>
  geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;

/** A bounding box as a closed ring, anticlockwise (RFC 7946's right-hand rule). */
export function boxRing(box: Bounds): Ring {
  return [
    [box.west, box.south],
    [box.east, box.south],
    [box.east, box.north],
    [box.west, box.north],
    [box.west, box.south],
  ];
}

/** Whether the point lies on the segment a–b (within a hair of a degree). */
function onSegment(lon: number, lat: number, a: Position, b: Position): boolean {
  const [ax, ay, bx, by] = [lonOf(a), latOf(a), lonOf(b), latOf(b)];
  const cross = (bx - ax) * (lat - ay) - (by - ay) * (lon - ax);
  const length = Math.hypot(bx - ax, by - ay);
  if (Math.abs(cross) > 1e-12 * Math.max(length, 1)) return false;
  return (
    lon >= Math.min(ax, bx) - 1e-12 &&
    lon <= Math.max(ax, bx) + 1e-12 &&
    lat >= Math.min(ay, by) - 1e-12 &&
    lat <= Math.max(ay, by) + 1e-12
  );
}

export function onRing(lon: number, lat: number, ring: Ring): boolean {
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    if (onSegment(lon, lat, ring[j]!, ring[i]!)) return true;
  return false;
}

/** Ray casting: a ray to the east crosses the ring an odd number of times from inside. */
export function insideRing(lon: number, lat: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi, xj, yj] = [lonOf(ring[i]!), latOf(ring[i]!), lonOf(ring[j]!), latOf(ring[j]!)];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Whether a polygon holds the point: inside its outer ring and in none of its
 * holes. Its boundary (the outer ring's and the holes') belongs to it.
 */
export function polygonContains(rings: PolygonRings, lon: number, lat: number): boolean {
  const [outer, ...holes] = rings;
  if (!outer) return false;
  if (rings.some((ring) => onRing(lon, lat, ring))) return true;
  return insideRing(lon, lat, outer) && !holes.some((hole) => insideRing(lon, lat, hole));
}

export const geometryContains = (geometry: GridGeometry, lon: number, lat: number): boolean =>
  polygonsOf(geometry).some((rings) => polygonContains(rings, lon, lat));

export function boundsOf(geometry: GridGeometry): Bounds {
  let [south, west, north, east] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const rings of polygonsOf(geometry))
    for (const p of rings[0] ?? []) {
      south = Math.min(south, latOf(p));
      north = Math.max(north, latOf(p));
      west = Math.min(west, lonOf(p));
      east = Math.max(east, lonOf(p));
    }
  return { south, west, north, east };
}

/** Signed area (shoelace; anticlockwise positive) and centroid of a ring. */
function ringMoments(ring: Ring): { area: number; cx: number; cy: number } {
  let [twiceArea, cx, cy] = [0, 0, 0];
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi, xj, yj] = [lonOf(ring[i]!), latOf(ring[i]!), lonOf(ring[j]!), latOf(ring[j]!)];
    const f = xj * yi - xi * yj;
    twiceArea += f;
    cx += (xj + xi) * f;
    cy += (yj + yi) * f;
  }
  const area = twiceArea / 2;
  return area === 0
    ? { area, cx: NaN, cy: NaN }
    : { area, cx: cx / (6 * area), cy: cy / (6 * area) };
}

/** The area in square degrees of the polygon less its holes. */
export function polygonArea(rings: PolygonRings): number {
  const [outer, ...holes] = rings;
  if (!outer) return 0;
  return (
    Math.abs(ringMoments(outer).area) - holes.reduce((s, h) => s + Math.abs(ringMoments(h).area), 0)
  );
}

/**
 * A point that stands for the geometry: the centroid of its largest polygon
 * (holes taken out) when the polygon holds it; otherwise (a concave shape or a
 * hole around the centroid) the middle of the widest inside stretch of the
 * parallel through the centroid.
 */
export function representativePoint(geometry: GridGeometry): { lon: number; lat: number } {
  const polygons = polygonsOf(geometry);
  const largest = [...polygons].sort((a, b) => polygonArea(b) - polygonArea(a))[0] ?? [];
  let [sum, x, y] = [0, 0, 0];
  largest.forEach((ring, index) => {
    const m = ringMoments(ring);
    if (!Number.isFinite(m.cx)) return;
    const weight = Math.abs(m.area) * (index === 0 ? 1 : -1);
    sum += weight;
    x += m.cx * weight;
    y += m.cy * weight;
  });
  const centroid = { lon: x / sum, lat: y / sum };
  if (sum > 0 && polygonContains(largest, centroid.lon, centroid.lat)) return centroid;
  const b = boundsOf({ type: 'Polygon', coordinates: largest });
  const lat = Number.isFinite(centroid.lat) ? centroid.lat : (b.south + b.north) / 2;
  const crossings: number[] = [];
  for (const ring of largest)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi, xj, yj] = [lonOf(ring[i]!), latOf(ring[i]!), lonOf(ring[j]!), latOf(ring[j]!)];
      if (yi > lat !== yj > lat) crossings.push(((xj - xi) * (lat - yi)) / (yj - yi) + xi);
    }
  crossings.sort((a, b) => a - b);
  let best = { lon: (b.west + b.east) / 2, lat, width: -1 };
  for (let i = 0; i + 1 < crossings.length; i += 2) {
    const width = crossings[i + 1]! - crossings[i]!;
    if (width > best.width) best = { lon: (crossings[i]! + crossings[i + 1]!) / 2, lat, width };
  }
  return { lon: best.lon, lat: best.lat };
}
