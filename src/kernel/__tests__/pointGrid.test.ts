import { describe, expect, it } from 'vitest';
import { haversineMeters } from '../geo.ts';
import { kthSmallest, PointGrid, type GridPoint } from '../pointGrid.ts';
import { random } from '../random.ts';

/** What the grid must equal: every point measured, nothing skipped. */
function plain(
  points: GridPoint[],
  lat: number,
  lng: number,
  radius: number,
  now: number,
  ok: (i: number) => boolean,
) {
  return points
    .map((p, i) => ({ i, d: haversineMeters(lat, lng, p.lat, p.lng), live: p.liveUntil }))
    .filter((p) => p.live > now && ok(p.i) && p.d <= radius)
    .sort((a, b) => a.d - b.d || a.i - b.i);
}

describe('the point grid', () => {
  it('counts and ranks exactly the live points within the radius, as measuring every point does', () => {
    const r = random(11);
    const now = 1_000_000;
    const points: GridPoint[] = [];
    // A dense town, scattered countryside, points on one spot, and a few far away.
    for (let i = 0; i < 4000; i++) {
      const town = i % 3 !== 0;
      points.push({
        lat: 27.86 + r.gauss() * (town ? 0.01 : 0.05),
        lng: 113.17 + r.gauss() * (town ? 0.01 : 0.05),
        liveUntil: i % 7 === 0 ? now - 1 : i % 11 === 0 ? Infinity : now + r.int(1000),
      });
    }
    for (let i = 0; i < 20; i++) points.push({ lat: 27.8652, lng: 113.1718, liveUntil: now + 5 });
    // Points on the cells' edges, and pairs a hair apart: the chords' order must not decide between them.
    for (let i = 0; i < 200; i++) {
      const lat = 27.8 + r.int(40) / 400;
      const lng = 113.1 + r.int(40) / 400;
      points.push({ lat, lng, liveUntil: now + 50 }, { lat: lat + 1e-12, lng, liveUntil: now + 50 });
    }
    points.push({ lat: 39.9, lng: 116.4, liveUntil: Infinity });
    const grid = new PointGrid(points);
    const byIndex = (a: number, b: number) => a - b;
    for (let q = 0; q < 600; q++) {
      // Some searches from a point of the grid itself, so that distances tie and the k-th falls among them.
      const from = q % 6 === 5 ? points[r.int(points.length)]! : null;
      const lat = from ? from.lat : 27.86 + (r.next() - 0.5) * 0.2;
      const lng = from ? from.lng : 113.17 + (r.next() - 0.5) * 0.2;
      const radius = q % 10 === 0 ? 100 + r.int(30_000) : 100 + r.int(4000);
      const k = 1 + r.int(q % 5 === 0 ? 500 : 30);
      const ok = q % 4 === 0 ? (i: number) => i % 3 === 1 : () => true;
      const accept = q % 4 === 0 ? ok : null;
      const at = now + (q % 3) * 400;
      const want = plain(points, lat, lng, radius, at, ok);
      const counted = grid.countWithin(lat, lng, radius, at, accept);
      expect(counted.count).toBe(want.length);
      const lives = want.map((w) => w.live);
      expect(counted.until).toBe(lives.length && Math.min(...lives) !== Infinity ? Math.min(...lives) : null);
      expect(grid.nearest(lat, lng, radius, k, at, accept, byIndex)).toEqual(
        want.slice(0, k).map(({ i, d }) => ({ i, d })),
      );
    }
    // A point on a circle's very edge is in it, as haversineMeters says.
    const edge = haversineMeters(27.8652, 113.1718, points[0]!.lat, points[0]!.lng);
    expect(grid.countWithin(27.8652, 113.1718, edge, 0, (i) => i === 0).count).toBe(1);
    expect(grid.countWithin(27.8652, 113.1718, edge * (1 - 1e-12), 0, (i) => i === 0).count).toBe(0);
  });

  it('finds the k-th smallest value as sorting does', () => {
    const r = random(5);
    for (let n = 1; n < 60; n++) {
      const values = Array.from({ length: n }, () => (r.int(3) === 0 ? r.int(4) : r.next()));
      const sorted = [...values].sort((a, b) => a - b);
      for (let k = 0; k < n; k++) expect(kthSmallest(Float64Array.from(values), k)).toBe(sorted[k]);
    }
  });

  it('knows the latest a point near a place stays live, and an empty grid finds nothing', () => {
    const grid = new PointGrid([
      { lat: 27.86, lng: 113.17, liveUntil: 10 },
      { lat: 27.865, lng: 113.17, liveUntil: 30 },
      { lat: 27.9, lng: 113.17, liveUntil: 99 },
    ]);
    expect(grid.latestWithin(27.86, 113.17, 1500)).toBe(30);
    expect(grid.latestWithin(27.5, 113.17, 1500)).toBe(-Infinity);
    const none = new PointGrid([]);
    expect(none.countWithin(27.86, 113.17, 3000, 0, null)).toEqual({ count: 0, until: null });
    expect(none.nearest(27.86, 113.17, 3000, 20, 0, null, () => 0)).toEqual([]);
  });
});
