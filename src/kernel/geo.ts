/**
 * Geodesy for maps and "near me" queries. Coordinates are stored in WGS84 (≈ CGCS2000 at this
 * precision); Chinese commercial map tiles use GCJ-02, so convert only at display time.
 */

/** Mean Earth radius (IUGG), metres. */
const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** Latitude/longitude in degrees. */
export interface LatLng {
  lat: number;
  lng: number;
}

/** Axis-aligned box in degrees. */
export interface BoundingBox {
  minLat: number;
  maxLat: number;
  minLng: number;
  maxLng: number;
}

/** Great-circle distance in metres between two WGS84 points (haversine, spherical Earth). */
export function haversineMeters(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLng = (lng2 - lng1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * A box containing every point within `radiusMeters` of (lat, lng), for a cheap index pre-filter
 * before an exact haversine check. Near a pole, or across the ±180° meridian, the longitude range
 * widens to the whole circle so the box is never too small.
 */
export function boundingBox(lat: number, lng: number, radiusMeters: number): BoundingBox {
  if (!(radiusMeters >= 0)) throw new RangeError(`radiusMeters must be >= 0, got ${radiusMeters}`);
  const delta = radiusMeters / EARTH_RADIUS_M; // angular radius, radians
  const phi = lat * RAD;
  let minPhi = phi - delta;
  let maxPhi = phi + delta;
  let minLng: number;
  let maxLng: number;
  if (minPhi > -Math.PI / 2 && maxPhi < Math.PI / 2) {
    // Exact widest longitude of a spherical cap (Matuschek): asin(sin δ / cos φ), not δ / cos φ.
    const ratio = Math.sin(delta) / Math.cos(phi);
    const dLng = ratio >= 1 ? Math.PI : Math.asin(ratio);
    minLng = lng - dLng / RAD;
    maxLng = lng + dLng / RAD;
    if (dLng >= Math.PI || minLng < -180 || maxLng > 180) {
      minLng = -180;
      maxLng = 180;
    }
  } else {
    minPhi = Math.max(minPhi, -Math.PI / 2);
    maxPhi = Math.min(maxPhi, Math.PI / 2);
    minLng = -180;
    maxLng = 180;
  }
  return { minLat: minPhi / RAD, maxLat: maxPhi / RAD, minLng, maxLng };
}

/**
 * Whether a point lies in the rectangle the public GCJ-02 formulas treat as China
 * (72.004–137.8347 E, 0.8293–55.8271 N). Coarse: it also covers parts of neighbouring countries.
 */
export function isInChina(lat: number, lng: number): boolean {
  return lng >= 72.004 && lng <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
}

// Krasovsky 1940 ellipsoid, as used by the GCJ-02 formulas.
const GCJ_A = 6_378_245.0;
const GCJ_EE = 0.006_693_421_622_965_943;

function gcjLatOffset(x: number, y: number): number {
  let ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return ret;
}

function gcjLngOffset(x: number, y: number): number {
  let ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return ret;
}

/** Converts WGS84 to GCJ-02 (火星坐标, for Chinese map tiles); points outside China are returned unchanged. */
export function wgs84ToGcj02(lat: number, lng: number): LatLng {
  if (!isInChina(lat, lng)) return { lat, lng };
  const radLat = lat * RAD;
  let magic = Math.sin(radLat);
  magic = 1 - GCJ_EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  const dLat =
    (gcjLatOffset(lng - 105.0, lat - 35.0) * 180.0) /
    (((GCJ_A * (1 - GCJ_EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLng =
    (gcjLngOffset(lng - 105.0, lat - 35.0) * 180.0) / ((GCJ_A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return { lat: lat + dLat, lng: lng + dLng };
}

/**
 * Converts GCJ-02 back to WGS84 by fixed-point iteration on the forward formula (sub-millimetre,
 * where the usual one-step inverse is off by metres); points outside China are returned unchanged.
 */
export function gcj02ToWgs84(lat: number, lng: number): LatLng {
  if (!isInChina(lat, lng)) return { lat, lng };
  let wLat = lat;
  let wLng = lng;
  for (let i = 0; i < 30; i++) {
    const g = wgs84ToGcj02(wLat, wLng);
    const eLat = lat - g.lat;
    const eLng = lng - g.lng;
    wLat += eLat;
    wLng += eLng;
    if (Math.abs(eLat) < 1e-11 && Math.abs(eLng) < 1e-11) break;
  }
  return { lat: wLat, lng: wLng };
}

/** Grid cells of 1/200 degree (≈ 555 m north–south) for "near" queries: cell = lat cell × 100000 + lng cell. */
export const CELLS_PER_DEGREE = 200;

/** The cell of a point, truncating toward zero as the databases' integer casts do. */
export function geoCell(lat: number, lng: number): number {
  return Math.trunc(lat * CELLS_PER_DEGREE) * 100_000 + Math.trunc(lng * CELLS_PER_DEGREE);
}

/** Every cell a box touches, or null when there are more than `max` (then a plain range scan is better). */
export function cellsOfBox(box: BoundingBox, max = 400): number[] | null {
  const lat0 = Math.trunc(box.minLat * CELLS_PER_DEGREE);
  const lat1 = Math.trunc(box.maxLat * CELLS_PER_DEGREE);
  const lng0 = Math.trunc(box.minLng * CELLS_PER_DEGREE);
  const lng1 = Math.trunc(box.maxLng * CELLS_PER_DEGREE);
  if ((lat1 - lat0 + 1) * (lng1 - lng0 + 1) > max) return null;
  const out: number[] = [];
  for (let a = lat0; a <= lat1; a++) for (let b = lng0; b <= lng1; b++) out.push(a * 100_000 + b);
  return out;
}

/** The convex hull of points (Andrew's monotone chain), counter-clockwise, without repeating the first point. */
export function convexHull(points: LatLng[]): LatLng[] {
  const ps = [...points].sort((a, b) => a.lng - b.lng || a.lat - b.lat);
  if (ps.length < 3) return ps;
  const cross = (o: LatLng, a: LatLng, b: LatLng) =>
    (a.lng - o.lng) * (b.lat - o.lat) - (a.lat - o.lat) * (b.lng - o.lng);
  const lower: LatLng[] = [];
  for (const p of ps) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0)
      lower.pop();
    lower.push(p);
  }
  const upper: LatLng[] = [];
  for (const p of ps.reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0)
      upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/**
 * A rounded area around a group of places (a township around its villages): the hull of a small circle of
 * `padMeters` drawn around every place, so one or two places still give an area and no place sits on the edge.
 */
export function areaAround(points: LatLng[], padMeters: number, steps = 12): LatLng[] {
  const ring: LatLng[] = [];
  for (const p of points) {
    const dLat = padMeters / (EARTH_RADIUS_M * RAD);
    const dLng = dLat / Math.max(0.01, Math.cos(p.lat * RAD));
    for (let i = 0; i < steps; i++) {
      const a = (2 * Math.PI * i) / steps;
      ring.push({ lat: p.lat + dLat * Math.sin(a), lng: p.lng + dLng * Math.cos(a) });
    }
  }
  return convexHull(ring);
}

/** Whether a point lies inside a polygon (ray casting; the polygon need not be convex). */
export function insidePolygon(p: LatLng, polygon: LatLng[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i]!;
    const b = polygon[j]!;
    if (
      a.lat > p.lat !== b.lat > p.lat &&
      p.lng < ((b.lng - a.lng) * (p.lat - a.lat)) / (b.lat - a.lat) + a.lng
    )
      inside = !inside;
  }
  return inside;
}
