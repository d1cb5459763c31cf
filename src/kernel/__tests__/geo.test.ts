import { describe, expect, it } from 'vitest';
import {
  areaAround,
  boundingBox,
  convexHull,
  gcj02ToWgs84,
  haversineMeters,
  insidePolygon,
  isInChina,
  wgs84ToGcj02,
} from '../geo.ts';

const HETANG = { lat: 27.859, lng: 113.166 };

describe('haversineMeters', () => {
  it('measures one degree of latitude and of longitude on the equator as about 111.195 km', () => {
    expect(haversineMeters(0, 0, 1, 0)).toBeCloseTo(111_195.08, 1);
    expect(haversineMeters(0, 0, 0, 1)).toBeCloseTo(111_195.08, 1);
  });

  it('is zero for the same point, symmetric, and right for Beijing–Shanghai', () => {
    expect(haversineMeters(HETANG.lat, HETANG.lng, HETANG.lat, HETANG.lng)).toBe(0);
    const a = haversineMeters(39.9042, 116.4074, 31.2304, 121.4737);
    expect(a).toBe(haversineMeters(31.2304, 121.4737, 39.9042, 116.4074));
    expect(a).toBeGreaterThan(1_060_000);
    expect(a).toBeLessThan(1_075_000);
  });

  it('handles antipodes and the antimeridian', () => {
    expect(haversineMeters(0, 0, 0, 180)).toBeCloseTo(Math.PI * 6_371_008.8, 0);
    expect(haversineMeters(0, 179.9, 0, -179.9)).toBeCloseTo(haversineMeters(0, 0, 0, 0.2), 3);
  });
});

describe('boundingBox', () => {
  it('contains every point within the radius', () => {
    const radius = 5_000;
    const box = boundingBox(HETANG.lat, HETANG.lng, radius);
    for (let bearing = 0; bearing < 360; bearing += 5) {
      // Walk out to the circle along each bearing (small-distance destination formula, slightly inside).
      const d = (radius * 0.999) / 6_371_008.8;
      const phi = (HETANG.lat * Math.PI) / 180;
      const theta = (bearing * Math.PI) / 180;
      const lat2 = Math.asin(Math.sin(phi) * Math.cos(d) + Math.cos(phi) * Math.sin(d) * Math.cos(theta));
      const lng2 =
        HETANG.lng +
        (Math.atan2(
          Math.sin(theta) * Math.sin(d) * Math.cos(phi),
          Math.cos(d) - Math.sin(phi) * Math.sin(lat2),
        ) *
          180) /
          Math.PI;
      const lat2Deg = (lat2 * 180) / Math.PI;
      expect(haversineMeters(HETANG.lat, HETANG.lng, lat2Deg, lng2)).toBeLessThan(radius);
      expect(lat2Deg).toBeGreaterThanOrEqual(box.minLat);
      expect(lat2Deg).toBeLessThanOrEqual(box.maxLat);
      expect(lng2).toBeGreaterThanOrEqual(box.minLng);
      expect(lng2).toBeLessThanOrEqual(box.maxLng);
    }
  });

  it('is tight: its edges are about the radius away', () => {
    const box = boundingBox(HETANG.lat, HETANG.lng, 1_000);
    expect(haversineMeters(HETANG.lat, HETANG.lng, box.maxLat, HETANG.lng)).toBeCloseTo(1_000, 3);
    expect(haversineMeters(HETANG.lat, HETANG.lng, HETANG.lat, box.maxLng)).toBeGreaterThan(999);
    expect(haversineMeters(HETANG.lat, HETANG.lng, HETANG.lat, box.maxLng)).toBeLessThan(1_001);
  });

  it('widens to all longitudes near a pole or across the antimeridian', () => {
    expect(boundingBox(89.99, 0, 5_000)).toMatchObject({ maxLat: 90, minLng: -180, maxLng: 180 });
    expect(boundingBox(0, 179.99, 5_000)).toMatchObject({ minLng: -180, maxLng: 180 });
    expect(() => boundingBox(0, 0, -1)).toThrow(RangeError);
  });
});

describe('GCJ-02', () => {
  it('matches the reference value of the public formula', () => {
    const g = wgs84ToGcj02(39.915, 116.404);
    expect(g.lat).toBeCloseTo(39.91640428150164, 10);
    expect(g.lng).toBeCloseTo(116.41024449916938, 10);
  });

  it('shifts Hetang by a few hundred metres', () => {
    const g = wgs84ToGcj02(HETANG.lat, HETANG.lng);
    const shift = haversineMeters(HETANG.lat, HETANG.lng, g.lat, g.lng);
    expect(shift).toBeGreaterThan(100);
    expect(shift).toBeLessThan(1_000);
  });

  it('round-trips to well under a centimetre across China', () => {
    for (let lat = 18; lat <= 53; lat += 2.5) {
      for (let lng = 74; lng <= 134; lng += 3) {
        const g = wgs84ToGcj02(lat, lng);
        const w = gcj02ToWgs84(g.lat, g.lng);
        expect(haversineMeters(lat, lng, w.lat, w.lng)).toBeLessThan(0.001);
      }
    }
  });

  it('leaves points outside China unchanged', () => {
    expect(wgs84ToGcj02(48.8566, 2.3522)).toEqual({ lat: 48.8566, lng: 2.3522 });
    expect(gcj02ToWgs84(-33.8688, 151.2093)).toEqual({ lat: -33.8688, lng: 151.2093 });
  });
});

describe('isInChina', () => {
  it('uses the coarse rectangle of the public formulas', () => {
    expect(isInChina(HETANG.lat, HETANG.lng)).toBe(true);
    expect(isInChina(39.9042, 116.4074)).toBe(true);
    expect(isInChina(48.8566, 2.3522)).toBe(false);
    expect(isInChina(-33.8688, 151.2093)).toBe(false);
    expect(isInChina(60, 100)).toBe(false);
  });
});

describe('convexHull, areaAround and insidePolygon', () => {
  const square = [
    { lat: 0, lng: 0 },
    { lat: 0, lng: 1 },
    { lat: 1, lng: 1 },
    { lat: 1, lng: 0 },
  ];

  it('keeps the corners of a square and drops a point inside it', () => {
    const hull = convexHull([...square, { lat: 0.5, lng: 0.5 }, { lat: 0.2, lng: 0.7 }]);
    expect(hull).toHaveLength(4);
    expect(new Set(hull.map((p) => `${p.lat},${p.lng}`))).toEqual(
      new Set(square.map((p) => `${p.lat},${p.lng}`)),
    );
  });

  it('draws an area around a single place that contains it, about the padding wide', () => {
    const area = areaAround([HETANG], 500);
    expect(area.length).toBeGreaterThanOrEqual(8);
    expect(insidePolygon(HETANG, area)).toBe(true);
    const north = area.reduce((a, b) => (b.lat > a.lat ? b : a));
    expect(haversineMeters(HETANG.lat, HETANG.lng, north.lat, north.lng)).toBeCloseTo(500, -1);
    expect(insidePolygon({ lat: HETANG.lat + 0.01, lng: HETANG.lng }, area)).toBe(false);
  });

  it('tells inside from outside of a concave polygon', () => {
    const l = [
      { lat: 0, lng: 0 },
      { lat: 0, lng: 2 },
      { lat: 1, lng: 2 },
      { lat: 1, lng: 1 },
      { lat: 2, lng: 1 },
      { lat: 2, lng: 0 },
    ];
    expect(insidePolygon({ lat: 0.5, lng: 1.5 }, l)).toBe(true);
    expect(insidePolygon({ lat: 1.5, lng: 0.5 }, l)).toBe(true);
    expect(insidePolygon({ lat: 1.5, lng: 1.5 }, l)).toBe(false);
  });
});
