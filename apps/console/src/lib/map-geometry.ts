// The board's map: the street offices' grids (GeoJSON, RFC 7946: [lon, lat]
// rings, the outer ring then the holes) drawn as SVG paths in an equirectangular
// projection fitted to the grids' bounds. Grids are a few hundred metres across,
// so a plane with longitude scaled by cos(latitude) is true enough. No tiles, no
// library: plain numbers, unit-tested (test/console/map-geometry.unit.spec.ts).

export type Position = readonly number[];
export type Ring = readonly Position[];
export type PolygonRings = readonly Ring[];
export type GridGeometry =
  | { readonly type: 'Polygon'; readonly coordinates: PolygonRings }
  | { readonly type: 'MultiPolygon'; readonly coordinates: readonly PolygonRings[] };

export interface Bounds {
  readonly west: number;
  readonly south: number;
  readonly east: number;
  readonly north: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

const lonOf = (p: Position) => p[0] ?? NaN;
const latOf = (p: Position) => p[1] ?? NaN;

export const polygonsOf = (geometry: GridGeometry): readonly PolygonRings[] =>
  geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;

/** The bounds of the outer rings of all the geometries; undefined for none. */
export function boundsOf(geometries: readonly GridGeometry[]): Bounds | undefined {
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const geometry of geometries)
    for (const rings of polygonsOf(geometry))
      for (const p of rings[0] ?? []) {
        west = Math.min(west, lonOf(p));
        east = Math.max(east, lonOf(p));
        south = Math.min(south, latOf(p));
        north = Math.max(north, latOf(p));
      }
  return Number.isFinite(west) && Number.isFinite(south) ? { west, south, east, north } : undefined;
}

export interface Projection {
  /** [lon, lat] → SVG coordinates (y down). */
  readonly project: (lon: number, lat: number) => Point;
  readonly width: number;
  readonly height: number;
}

/**
 * An equirectangular projection fitted to the bounds: x = lon·cos(mid-latitude),
 * y = −lat, scaled alike on both axes so that shapes keep their proportions,
 * the bounds centred in width × height with `padding` on every side.
 */
export function fitProjection(
  bounds: Bounds,
  width: number,
  height: number,
  padding = 0,
): Projection {
  const k = Math.cos((((bounds.south + bounds.north) / 2) * Math.PI) / 180);
  const spanX = Math.max((bounds.east - bounds.west) * k, 1e-9);
  const spanY = Math.max(bounds.north - bounds.south, 1e-9);
  const scale = Math.min((width - 2 * padding) / spanX, (height - 2 * padding) / spanY);
  const left = (width - spanX * scale) / 2;
  const top = (height - spanY * scale) / 2;
  return {
    width,
    height,
    project: (lon, lat) => ({
      x: left + (lon - bounds.west) * k * scale,
      y: top + (bounds.north - lat) * scale,
    }),
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** An SVG path of the geometry: one closed subpath per ring (draw with fill-rule evenodd). */
export function pathOf(geometry: GridGeometry, projection: Projection): string {
  const parts: string[] = [];
  for (const rings of polygonsOf(geometry))
    for (const ring of rings) {
      const points = ring.slice(0, -1).map((p) => projection.project(lonOf(p), latOf(p)));
      if (points.length < 3) continue;
      parts.push(`M${points.map((p) => `${round(p.x)},${round(p.y)}`).join('L')}Z`);
    }
  return parts.join('');
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

/** Inside the outer ring and in none of the holes. */
export function polygonContains(rings: PolygonRings, lon: number, lat: number): boolean {
  const [outer, ...holes] = rings;
  return !!outer && insideRing(lon, lat, outer) && !holes.some((h) => insideRing(lon, lat, h));
}

function ringMoments(ring: Ring): { area: number; x: number; y: number } {
  let [twice, cx, cy] = [0, 0, 0];
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi, xj, yj] = [lonOf(ring[i]!), latOf(ring[i]!), lonOf(ring[j]!), latOf(ring[j]!)];
    const f = xj * yi - xi * yj;
    twice += f;
    cx += (xj + xi) * f;
    cy += (yj + yi) * f;
  }
  return twice === 0
    ? { area: 0, x: NaN, y: NaN }
    : { area: Math.abs(twice / 2), x: cx / (3 * twice), y: cy / (3 * twice) };
}

/**
 * Where a grid's label and markers go: the centroid of its largest polygon
 * (holes taken out) when that lies inside it, otherwise the middle of the
 * widest inside stretch of the parallel through the centroid. [lon, lat].
 */
export function anchorOf(geometry: GridGeometry): { lon: number; lat: number } {
  const polygons = polygonsOf(geometry);
  const area = (rings: PolygonRings) =>
    rings.reduce((s, r, i) => s + ringMoments(r).area * (i === 0 ? 1 : -1), 0);
  const largest = [...polygons].sort((a, b) => area(b) - area(a))[0] ?? [];
  let [sum, x, y] = [0, 0, 0];
  largest.forEach((ring, i) => {
    const m = ringMoments(ring);
    if (m.area === 0) return;
    const w = m.area * (i === 0 ? 1 : -1);
    [sum, x, y] = [sum + w, x + m.x * w, y + m.y * w];
  });
  const centroid = { lon: x / sum, lat: y / sum };
  if (sum > 0 && polygonContains(largest, centroid.lon, centroid.lat)) return centroid;
  const b = boundsOf([{ type: 'Polygon', coordinates: largest }]);
  if (!b) return { lon: NaN, lat: NaN };
  const lat = Number.isFinite(centroid.lat) ? centroid.lat : (b.south + b.north) / 2;
  const crossings: number[] = [];
  for (const ring of largest)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi, xj, yj] = [lonOf(ring[i]!), latOf(ring[i]!), lonOf(ring[j]!), latOf(ring[j]!)];
      if (yi > lat !== yj > lat) crossings.push(((xj - xi) * (lat - yi)) / (yj - yi) + xi);
    }
  crossings.sort((a, c) => a - c);
  let best = { lon: (b.west + b.east) / 2, width: -1 };
  for (let i = 0; i + 1 < crossings.length; i += 2) {
    const width = crossings[i + 1]! - crossings[i]!;
    if (width > best.width) best = { lon: (crossings[i]! + crossings[i + 1]!) / 2, width };
  }
  return { lon: best.lon, lat };
}

const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

/**
 * Offsets for `count` markers around a point (a sunflower spiral): the first at
 * the centre, each further one farther out, any two at least `spacing` apart,
 * so several cases of one grid do not hide each other.
 */
export function spread(count: number, spacing: number): Point[] {
  if (count === 1) return [{ x: 0, y: 0 }];
  return Array.from({ length: count }, (_, i) => {
    const r = spacing * Math.sqrt(i);
    const angle = i * GOLDEN_ANGLE;
    return { x: round(r * Math.cos(angle)), y: round(r * Math.sin(angle)) };
  });
}

/** The radius the spread of `count` markers takes (for placing the label above). */
export const spreadRadius = (count: number, spacing: number): number =>
  count <= 1 ? 0 : spacing * Math.sqrt(count - 1);
