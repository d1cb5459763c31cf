/**
 * An in-memory grid of points that each stay live until a given time: how many live points lie within a
 * radius of a place, the nearest k of them, and the latest time any of them stays live. Every decision is
 * the great-circle distance of kernel/geo.ts (haversineMeters): a cheaper test on unit vectors settles the
 * points clearly inside or outside, the formula itself the few within a hair of the radius, and cells are
 * skipped or taken whole only where a proven bound puts all of their points on one side.
 */
import { boundingBox, haversineMeters } from './geo.ts';

const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;
/** Cells per degree: about 280 m by 250 m here, a few dozen points a cell where a town is dense. */
const CELLS_PER_DEGREE = 400;
/** More cells than this over the points' extent and the grid gets coarser (points scattered very far apart). */
const MAX_CELLS = 1 << 20;
/** A millimetre: what a bound keeps in hand against rounding (the distances themselves err by nanometres). */
const SLACK_M = 1e-3;
/** Relative band around the radius's chord where the unit-vector test defers to haversineMeters. */
const CHORD_BAND = 1e-9;
/**
 * What two chords must differ by, relatively and at least, before their order is taken for the order of
 * the distances: far above the rounding of either (a chord errs by about 1e-15, a distance by less than a
 * micrometre), so that a chord's order never contradicts haversineMeters.
 */
const CHORD_MARGIN = 1e-9;
const CHORD_FLOOR = 1e-12;

/** A point of the grid: where it is and until when it counts (ms since the epoch; Infinity for ever). */
export interface GridPoint {
  lat: number;
  lng: number;
  liveUntil: number;
}

/** A point found near a place: its index in the list the grid was built from, and its distance in metres. */
export interface Near {
  i: number;
  d: number;
}

/** Which points count for one search (a filter over the list the grid was built from). */
export type Accept = ((i: number) => boolean) | null;

function chordSquared(meters: number): number {
  const c = chordOf(meters);
  return c * c;
}

/** Points bucketed by grid cell, each cell's points side by side in typed arrays. */
export class PointGrid {
  private readonly perDegree: number;
  private readonly i0: number;
  private readonly j0: number;
  private readonly rows: number;
  private readonly cols: number;
  /** Per cell: where its points start in the arrays below (cell c holds start[c] .. start[c + 1] - 1). */
  private readonly start: Int32Array;
  /** Per cell: the earliest liveUntil of its points (lets a whole cell count without reading them). */
  private readonly cellMinLive: Float64Array;
  /** Per point, in cell order: its index in the built list, unit vector, coordinates, liveUntil. */
  private readonly index: Int32Array;
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly z: Float64Array;
  private readonly lat: Float64Array;
  private readonly lng: Float64Array;
  private readonly live: Float64Array;

  constructor(points: readonly GridPoint[]) {
    let minLat = Infinity;
    let maxLat = -Infinity;
    let minLng = Infinity;
    let maxLng = -Infinity;
    for (const p of points) {
      minLat = Math.min(minLat, p.lat);
      maxLat = Math.max(maxLat, p.lat);
      minLng = Math.min(minLng, p.lng);
      maxLng = Math.max(maxLng, p.lng);
    }
    if (!points.length) minLat = maxLat = minLng = maxLng = 0;
    let perDegree = CELLS_PER_DEGREE;
    const span = () =>
      (Math.floor(maxLat * perDegree) - Math.floor(minLat * perDegree) + 1) *
      (Math.floor(maxLng * perDegree) - Math.floor(minLng * perDegree) + 1);
    while (span() > MAX_CELLS) perDegree /= 2;
    this.perDegree = perDegree;
    this.i0 = Math.floor(minLat * perDegree);
    this.j0 = Math.floor(minLng * perDegree);
    this.rows = Math.floor(maxLat * perDegree) - this.i0 + 1;
    this.cols = Math.floor(maxLng * perDegree) - this.j0 + 1;
    const cells = this.rows * this.cols;
    const cellOf = new Int32Array(points.length);
    const count = new Int32Array(cells + 1);
    points.forEach((p, k) => {
      const c = this.cell(Math.floor(p.lat * perDegree) - this.i0, Math.floor(p.lng * perDegree) - this.j0);
      cellOf[k] = c;
      count[c + 1]!++;
    });
    for (let c = 0; c < cells; c++) count[c + 1]! += count[c]!;
    this.start = count.slice();
    this.cellMinLive = new Float64Array(cells).fill(Infinity);
    const n = points.length;
    this.index = new Int32Array(n);
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.z = new Float64Array(n);
    this.lat = new Float64Array(n);
    this.lng = new Float64Array(n);
    this.live = new Float64Array(n);
    const next = count;
    points.forEach((p, k) => {
      const c = cellOf[k]!;
      const at = next[c]!++;
      const phi = p.lat * RAD;
      const lambda = p.lng * RAD;
      this.index[at] = k;
      this.x[at] = Math.cos(phi) * Math.cos(lambda);
      this.y[at] = Math.cos(phi) * Math.sin(lambda);
      this.z[at] = Math.sin(phi);
      this.lat[at] = p.lat;
      this.lng[at] = p.lng;
      this.live[at] = p.liveUntil;
      if (p.liveUntil < this.cellMinLive[c]!) this.cellMinLive[c] = p.liveUntil;
    });
  }

  private cell(i: number, j: number): number {
    return i * this.cols + j;
  }

  /** The cell rows and columns of the points' extent that a circle's bounding box touches, or null. */
  private span(lat: number, lng: number, radius: number) {
    const b = boundingBox(lat, lng, radius + 1);
    const r0 = Math.max(0, Math.floor(b.minLat * this.perDegree) - this.i0);
    const r1 = Math.min(this.rows - 1, Math.floor(b.maxLat * this.perDegree) - this.i0);
    const c0 = Math.max(0, Math.floor(b.minLng * this.perDegree) - this.j0);
    const c1 = Math.min(this.cols - 1, Math.floor(b.maxLng * this.perDegree) - this.j0);
    return r0 > r1 || c0 > c1 ? null : { r0, r1, c0, c1 };
  }

  /**
   * Per column of a span, the longitude term of the haversine from a place to the column's cells' centres,
   * computed as haversineMeters computes it (see centreDistance).
   */
  private lngTerms(lng: number, c0: number, c1: number): Float64Array {
    const h = 0.5 / this.perDegree;
    const terms = new Float64Array(c1 - c0 + 1);
    for (let c = 0; c < terms.length; c++) {
      const cLng = (c0 + c + this.j0) / this.perDegree + h;
      terms[c] = Math.sin(((cLng - lng) * RAD) / 2) ** 2;
    }
    return terms;
  }

  /**
   * How far a row's cells' points can be from their cell's centre: along a meridian and then a parallel to
   * a corner (never shorter than the great circle), and a millimetre.
   */
  private halfDiagonal(cLat: number): number {
    const h = 0.5 / this.perDegree;
    const nearEquator = cLat - h < 0 && cLat + h > 0 ? 0 : Math.min(Math.abs(cLat - h), Math.abs(cLat + h));
    return EARTH_RADIUS_M * h * RAD * (1 + Math.cos(nearEquator * RAD)) + SLACK_M;
  }

  /** Whether point `at` lies within the radius: unit vectors decide, haversineMeters where they cannot. */
  private inside(
    at: number,
    px: number,
    py: number,
    pz: number,
    r2: number,
    lat: number,
    lng: number,
    radius: number,
  ) {
    const dx = this.x[at]! - px;
    const dy = this.y[at]! - py;
    const dz = this.z[at]! - pz;
    const c2 = dx * dx + dy * dy + dz * dz;
    if (c2 < r2 * (1 - CHORD_BAND)) return true;
    if (c2 > r2 * (1 + CHORD_BAND)) return false;
    return haversineMeters(lat, lng, this.lat[at]!, this.lng[at]!) <= radius;
  }

  /**
   * The live points (liveUntil after `now`) within `radius` metres that `accept` takes: how many, and the
   * earliest time one of them stops being live (null when none is).
   */
  countWithin(
    lat: number,
    lng: number,
    radius: number,
    now: number,
    accept: Accept,
  ): { count: number; until: number | null } {
    const s = this.span(lat, lng, radius);
    let count = 0;
    let until = Infinity;
    if (!s) return { count, until: null };
    const phi = lat * RAD;
    const lambda = lng * RAD;
    const px = Math.cos(phi) * Math.cos(lambda);
    const py = Math.cos(phi) * Math.sin(lambda);
    const pz = Math.sin(phi);
    const r2 = chordSquared(radius);
    const partly = (c: number) => {
      for (let at = this.start[c]!; at < this.start[c + 1]!; at++) {
        const live = this.live[at]!;
        if (live <= now) continue;
        if (accept && !accept(this.index[at]!)) continue;
        if (!this.inside(at, px, py, pz, r2, lat, lng, radius)) continue;
        count++;
        if (live < until) until = live;
      }
    };
    // Along a row the distance to the cells' centres falls and then rises (it grows with the longitude
    // difference, and both bounds are that distance less or more the same amount): so the cells outside
    // the circle lie at the row's two ends, those wholly inside in one run between, and only the few in
    // between are read point by point, each end walked inward until the run begins.
    const lngTerm = this.lngTerms(lng, s.c0, s.c1);
    const cosLat = Math.cos(lat * RAD);
    for (let i = s.r0; i <= s.r1; i++) {
      // The haversine's terms for this row, as haversineMeters computes them for the cells' centres.
      const cLat = (i + this.i0) / this.perDegree + 0.5 / this.perDegree;
      const latTerm = Math.sin(((cLat - lat) * RAD) / 2) ** 2;
      const cosProduct = cosLat * Math.cos(cLat * RAD);
      const half = this.halfDiagonal(cLat);
      let left = s.c0;
      let right = s.c1;
      while (left <= right && centreDistance(latTerm, cosProduct, lngTerm[left - s.c0]!) - half > radius)
        left++;
      while (right >= left && centreDistance(latTerm, cosProduct, lngTerm[right - s.c0]!) - half > radius)
        right--;
      while (left <= right && centreDistance(latTerm, cosProduct, lngTerm[left - s.c0]!) + half > radius)
        partly(this.cell(i, left++));
      while (right >= left && centreDistance(latTerm, cosProduct, lngTerm[right - s.c0]!) + half > radius)
        partly(this.cell(i, right--));
      if (left > right) continue;
      const first = this.cell(i, left);
      const last = this.cell(i, right);
      if (!accept) count += this.start[last + 1]! - this.start[first]!;
      for (let c = first; c <= last; c++) {
        // A cell whose points are all live counts whole (an empty one's earliest is Infinity).
        if (!accept && this.cellMinLive[c]! > now) {
          if (this.cellMinLive[c]! < until) until = this.cellMinLive[c]!;
          continue;
        }
        for (let at = this.start[c]!; at < this.start[c + 1]!; at++) {
          const live = this.live[at]!;
          const counts = live > now && (!accept || accept(this.index[at]!));
          if (!accept && !counts) count--;
          if (accept && counts) count++;
          if (counts && live < until) until = live;
        }
      }
    }
    return { count, until: until === Infinity ? null : until };
  }

  /** The latest liveUntil among all points (live or not) within `radius`, or -Infinity when there is none. */
  latestWithin(lat: number, lng: number, radius: number): number {
    const s = this.span(lat, lng, radius);
    let latest = -Infinity;
    if (!s) return latest;
    for (let i = s.r0; i <= s.r1; i++)
      for (let j = s.c0; j <= s.c1; j++) {
        const c = this.cell(i, j);
        for (let at = this.start[c]!; at < this.start[c + 1]!; at++)
          if (this.live[at]! > latest && haversineMeters(lat, lng, this.lat[at]!, this.lng[at]!) <= radius)
            latest = this.live[at]!;
      }
    return latest;
  }

  /**
   * The `k` nearest live points within `radius` that `accept` takes, nearest first, ties by `tie`. Rings of
   * cells are read outward from the place's cell until the k-th distance found is shorter than any point
   * outside the rings can be (the bound of the rings' edges: a parallel is at least the latitude difference
   * away, a meridian at least asin(cos φ · sin Δλ)), or the rings hold the whole circle. The rings' points
   * are compared by chord, which orders them as the great-circle distance does; only the few whose chord
   * is within a rounding margin of the k-th are measured with haversineMeters, which alone decides.
   */
  nearest(
    lat: number,
    lng: number,
    radius: number,
    k: number,
    now: number,
    accept: Accept,
    tie: (a: number, b: number) => number,
  ): Near[] {
    const found: number[] = [];
    const chords: number[] = [];
    const ci = Math.floor(lat * this.perDegree) - this.i0;
    const cj = Math.floor(lng * this.perDegree) - this.j0;
    const cosPhi = Math.cos(lat * RAD);
    const phi = lat * RAD;
    const lambda = lng * RAD;
    const px = Math.cos(phi) * Math.cos(lambda);
    const py = Math.cos(phi) * Math.sin(lambda);
    const pz = Math.sin(phi);
    // Points surely outside the radius are left out; those within a hair of it are kept for the formula.
    const maybeInside = chordSquared(radius) * (1 + CHORD_BAND);
    const take = (i: number, j: number) => {
      if (i < 0 || j < 0 || i >= this.rows || j >= this.cols) return;
      const c = this.cell(i, j);
      for (let at = this.start[c]!; at < this.start[c + 1]!; at++) {
        if (this.live[at]! <= now) continue;
        if (accept && !accept(this.index[at]!)) continue;
        const dx = this.x[at]! - px;
        const dy = this.y[at]! - py;
        const dz = this.z[at]! - pz;
        const c2 = dx * dx + dy * dy + dz * dz;
        if (c2 > maybeInside) continue;
        found.push(at);
        chords.push(Math.sqrt(c2));
      }
    };
    for (let ring = 0; ; ring++) {
      if (ring === 0) take(ci, cj);
      else {
        for (let j = cj - ring; j <= cj + ring; j++) {
          take(ci - ring, j);
          take(ci + ring, j);
        }
        for (let i = ci - ring + 1; i <= ci + ring - 1; i++) {
          take(i, cj - ring);
          take(i, cj + ring);
        }
      }
      // Everything outside the rings is at least this far away.
      const south = ((ci - ring + this.i0) / this.perDegree) * RAD;
      const north = ((ci + ring + 1 + this.i0) / this.perDegree) * RAD;
      const west = ((cj - ring + this.j0) / this.perDegree) * RAD;
      const east = ((cj + ring + 1 + this.j0) / this.perDegree) * RAD;
      const toMeridian = (dLng: number) =>
        dLng >= Math.PI / 2 ? Math.PI / 2 : Math.asin(Math.min(1, cosPhi * Math.sin(dLng)));
      const beyond =
        EARTH_RADIUS_M *
          Math.min(
            lat * RAD - south,
            north - lat * RAD,
            toMeridian(lng * RAD - west),
            toMeridian(east - lng * RAD),
          ) -
        SLACK_M;
      const allRead =
        ci - ring <= 0 && cj - ring <= 0 && ci + ring >= this.rows - 1 && cj + ring >= this.cols - 1;
      if (allRead || beyond > radius) break;
      if (found.length >= k) {
        // Once k of those found are surely nearer than anything outside, the k nearest are among them.
        const sure = chordOf(beyond) * (1 - CHORD_MARGIN) - CHORD_FLOOR;
        let nearer = 0;
        for (const c of chords) if (c < sure) nearer++;
        if (nearer >= k) break;
      }
    }
    return this.measured(found, chords, k, lat, lng, radius, tie);
  }

  /**
   * The k nearest of the points found (positions and chords), measured: every point whose chord is within
   * the margin of the k-th smallest (a point beyond it has k points nearer by any rounding, or lies outside
   * the radius as they do), then haversineMeters decides the radius and the order.
   */
  private measured(
    found: number[],
    chords: number[],
    k: number,
    lat: number,
    lng: number,
    radius: number,
    tie: (a: number, b: number) => number,
  ): Near[] {
    const limit =
      found.length <= k
        ? Infinity
        : kthSmallest(Float64Array.from(chords), k - 1) * (1 + CHORD_MARGIN) + CHORD_FLOOR;
    const near: Near[] = [];
    found.forEach((at, n) => {
      if (chords[n]! > limit) return;
      const d = haversineMeters(lat, lng, this.lat[at]!, this.lng[at]!);
      if (d <= radius) near.push({ i: this.index[at]!, d });
    });
    near.sort((a, b) => a.d - b.d || tie(a.i, b.i));
    return near.slice(0, k);
  }
}

/**
 * haversineMeters from its terms: the latitude term, the cosines' product and the longitude term, each as
 * it computes them, so that the result is its own to the last bit.
 */
function centreDistance(latTerm: number, cosProduct: number, lngTerm: number): number {
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(latTerm + cosProduct * lngTerm)));
}

/** The chord of the unit sphere between two points `meters` apart on the Earth. */
function chordOf(meters: number): number {
  return 2 * Math.sin(meters / (2 * EARTH_RADIUS_M));
}

/** The k-th smallest of the values (0-based), found by selection; reorders them. */
export function kthSmallest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const v = values[i]!;
        values[i++] = values[j]!;
        values[j--] = v;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}
