/**
 * The doorstep jobs map (家门口就业地图): open postings within a radius of a point, nearest first, each
 * with its distance, found through a box on the indexed coordinates and measured exactly (haversine);
 * the villages in reach with no open posting and no station within 1.5 km; the stations themselves.
 * Without a point, the list of postings (newest first) for the public, an employer or the reviewers.
 */
import { boundingBox, haversineMeters } from '../../kernel/geo.ts';
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, forbidden } from '../../platform/errors.ts';
import { getPlace } from '../directory/index.ts';
import { stationsOf } from './jobs.employers.ts';
import { POSTING_STATUSES, type PostingRelation } from './jobs.lifecycle.ts';
import { isReviewer, postingRelations } from './jobs.policy.ts';
import { postingFromRow } from './jobs.postings.ts';
import { jobsRepository as repo, type PlanarFrame } from './jobs.repository.ts';
import type { Posting, SearchPostingsQuery } from './jobs.schema.ts';

/** A village counts as served when an open posting or a station lies within this distance. */
export const COVERAGE_M = 1500;

/** A station as the map and the list show it. */
export interface StationView {
  id: string;
  name: string;
  role: string;
  townshipCode: string;
  villageCode: string;
  villageName: string | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  phone: string | null;
  capacity: number | null;
  hours: Record<string, unknown>[];
  openNow: boolean;
  nextOpening: string | null;
}

/** The 零工服务中心 and the township stations, the centre first. */
export async function listStations(ctx: AppContext, jid: string): Promise<StationView[]> {
  const out: StationView[] = [];
  for (const s of await repo.stations(ctx.db, jid)) {
    const pl = await getPlace(ctx, jid, s.place_id);
    out.push({
      id: pl.id,
      name: pl.name,
      role: s.role,
      townshipCode: s.township_code,
      villageCode: pl.villageCode,
      villageName: pl.villageName,
      address: pl.address,
      lat: pl.lat,
      lng: pl.lng,
      phone: pl.phone,
      capacity: pl.capacity,
      hours: pl.hours as unknown as Record<string, unknown>[],
      openNow: pl.openNow,
      nextOpening: pl.nextOpening,
    });
  }
  return out;
}

/** A search answer: a page of postings plus the uncovered villages in reach. */
export interface PostingSearch {
  items: Posting[];
  total: number;
  nextCursor: string | null;
  uncoveredVillages: { code: string; name: string; lat: number; lng: number; nearestM: number | null }[];
}

/** Metres of one degree of latitude (on the mean sphere the haversine uses). */
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;

/** The flat frame around a point in which the database measures distances for the prefilter and the order. */
export function planarFrame(lat: number, lng: number): PlanarFrame {
  return { lat, lng, mLat: M_PER_DEG, mLng: M_PER_DEG * Math.cos((lat * Math.PI) / 180) };
}

/**
 * The most the frame's flat distance can differ from the great-circle one within `r` metres (up to 30 km at
 * the district's latitudes: mostly the change of a degree of longitude across the circle), with room to spare.
 */
export function planarSlack(r: number): number {
  return r * 0.005 + 1;
}

/**
 * Open postings (not lapsed) within `radius` of a point, nearest first, with the villages in reach that no
 * open posting or station covers. The database finds them in a box on the geo index and orders them by a
 * flat distance; the great-circle distance then decides exactly, for the thin ring where the two could
 * disagree and for the page, which is read with enough margin that no nearer posting can be missing.
 */
async function nearby(
  ctx: AppContext,
  jid: string,
  p: Principal | null,
  q: SearchPostingsQuery & { lat: number; lng: number },
): Promise<PostingSearch> {
  const now = ctx.clock.now().toISOString();
  const offset = q.cursor ? Number(q.cursor) : 0;
  if (!Number.isInteger(offset) || offset < 0 || offset > 100_000)
    throw badRequest('cursor: 无效的分页位置 / invalid cursor');
  const exact = (c: { lat: number; lng: number }) => haversineMeters(q.lat, q.lng, c.lat, c.lng);
  const f = planarFrame(q.lat, q.lng);
  const slack = planarSlack(q.radius);
  const outer = (q.radius + slack) ** 2;
  const inner = Math.max(0, q.radius - slack) ** 2;
  const box = boundingBox(q.lat, q.lng, q.radius + slack);
  const [innerCount, ring] = await Promise.all([
    repo.countNear(ctx.db, jid, box, now, f, inner),
    repo.openNear(ctx.db, jid, box, now, f, { minD2: inner, maxD2: outer }),
  ]);
  const total = innerCount + ring.filter((c) => exact(c) <= q.radius).length;
  const want = offset + q.limit;
  const extra = 200;
  let rows = await repo.openNear(ctx.db, jid, box, now, f, { maxD2: outer, limit: want + extra });
  if (rows.length === want + extra) {
    // A posting among the first `want` by great-circle distance lies within 2 × slack (flat) of the
    // `want`-th by flat distance: read up to there when the margin read was not enough.
    const edge = (Math.sqrt(Number(rows[want - 1]!.d2)) + 2 * slack) ** 2;
    if (Number(rows.at(-1)!.d2) <= edge)
      rows = await repo.openNear(ctx.db, jid, box, now, f, { maxD2: Math.min(edge, outer) });
  }
  const measured = rows
    .map((c) => ({ id: c.id, d: exact(c) }))
    .filter((c) => c.d <= q.radius)
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id));
  const page = measured.slice(offset, offset + q.limit);
  const byId = new Map(
    (
      await repo.postingsByIds(
        ctx.db,
        jid,
        page.map((x) => x.id),
      )
    ).map((r) => [r.id, r]),
  );
  const employers = new Map(
    (await repo.employersByIds(ctx.db, jid, [...new Set([...byId.values()].map((r) => r.employer_id))])).map(
      (e) => [e.id, e],
    ),
  );
  const ref = await ctx.reference.get(jid);
  const stations = p ? await stationsOf(ctx, p) : [];
  const items: Posting[] = [];
  for (const c of page) {
    const r = byId.get(c.id);
    if (!r) continue;
    const employer = employers.get(r.employer_id);
    const rel = p
      ? postingRelations(p, employer?.owner_user_id ?? null, stations)
      : new Set<PostingRelation>();
    items.push(await postingFromRow(ctx, ctx.db, r, employer, ref, rel, { distanceM: Math.round(c.d) }));
  }
  return {
    items,
    total,
    nextCursor: offset + q.limit < total ? String(offset + q.limit) : null,
    uncoveredVillages: await uncoveredVillages(ctx, jid, q, now),
  };
}

/** The villages within the radius with no open posting and no station within COVERAGE_M. */
async function uncoveredVillages(
  ctx: AppContext,
  jid: string,
  q: { lat: number; lng: number; radius: number },
  now: string,
): Promise<PostingSearch['uncoveredVillages']> {
  const ref = await ctx.reference.get(jid);
  const stations = (await listStations(ctx, jid)).filter((s) => s.lat !== null && s.lng !== null);
  const slack = planarSlack(COVERAGE_M);
  const out: PostingSearch['uncoveredVillages'] = [];
  for (const v of ref.divisions.values()) {
    if (v.level !== 'village' || v.lat == null || v.lng == null) continue;
    const { lat, lng } = v;
    if (haversineMeters(q.lat, q.lng, lat, lng) > q.radius) continue;
    const nearestStation = Math.min(...stations.map((s) => haversineMeters(lat, lng, s.lat!, s.lng!)));
    if (nearestStation <= COVERAGE_M) continue;
    const f = planarFrame(lat, lng);
    const box = boundingBox(lat, lng, COVERAGE_M + slack);
    const sure = await repo.openNear(ctx.db, jid, box, now, f, {
      maxD2: (COVERAGE_M - slack) ** 2,
      limit: 1,
      anyOrder: true,
    });
    if (sure.length > 0) continue;
    const ring = await repo.openNear(ctx.db, jid, box, now, f, {
      minD2: (COVERAGE_M - slack) ** 2,
      maxD2: (COVERAGE_M + slack) ** 2,
    });
    if (ring.some((c) => haversineMeters(lat, lng, c.lat, c.lng) <= COVERAGE_M)) continue;
    out.push({
      code: v.code,
      name: v.name,
      lat,
      lng,
      nearestM: Number.isFinite(nearestStation) ? Math.round(nearestStation) : null,
    });
  }
  return out;
}

/** The postings a reader asks for: near a point (open only), or a list by status for employers and reviewers. */
export async function searchPostings(
  ctx: AppContext,
  jid: string,
  p: Principal | null,
  q: SearchPostingsQuery,
): Promise<PostingSearch> {
  if ((q.lat === undefined) !== (q.lng === undefined))
    throw badRequest('lat 与 lng 需同时给出 / lat and lng go together', [
      { path: 'lat', message: 'with lng' },
    ]);
  if (q.lat !== undefined && q.lng !== undefined && !q.status && q.mine !== '1')
    return nearby(ctx, jid, p, { ...q, lat: q.lat, lng: q.lng });
  const stations = p ? await stationsOf(ctx, p) : [];
  const reviewer = p ? isReviewer(p, stations) : false;
  const statuses = q.status ? q.status.split(',') : ['open'];
  const bad = statuses.filter((s) => !(POSTING_STATUSES as readonly string[]).includes(s));
  if (bad.length)
    throw badRequest(`未知的状态 ${bad.join(', ')} / unknown status`, [
      { path: 'status', message: 'unknown' },
    ]);
  let employerIds: string[] | undefined;
  if (q.mine === '1') {
    if (!p?.userId) throw forbidden('请先登录 / sign in first');
    employerIds = (await repo.employersOfOwner(ctx.db, jid, p.userId)).map((e) => e.id);
  } else if (!reviewer && statuses.some((s) => s === 'draft' || s === 'pending_review')) {
    throw forbidden('草稿与待审核岗位仅审核人员可见 / drafts are for reviewers');
  }
  const [rows, count] = await repo.postings(
    ctx.db,
    jid,
    { statuses, employerIds, kind: q.kind, occupation: q.occupation },
    q.limit,
    q.cursor ?? null,
  );
  const page = rows.slice(0, q.limit);
  const employers = new Map(
    (await repo.employersByIds(ctx.db, jid, [...new Set(page.map((r) => r.employer_id))])).map((e) => [
      e.id,
      e,
    ]),
  );
  const ref = await ctx.reference.get(jid);
  const items: Posting[] = [];
  for (const r of page) {
    const employer = employers.get(r.employer_id);
    const rel = p
      ? postingRelations(p, employer?.owner_user_id ?? null, stations)
      : new Set<PostingRelation>();
    items.push(await postingFromRow(ctx, ctx.db, r, employer, ref, rel));
  }
  return {
    items,
    total: Number(count.n),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
    uncoveredVillages: [],
  };
}

/** Makes a directory place a jobs station (the centre or a township's), with the users who staff it. */
export async function addStation(
  ctx: AppContext,
  jid: string,
  placeId: string,
  role: 'centre' | 'township',
  townshipCode: string,
  staffUserIds: string[],
): Promise<void> {
  await getPlace(ctx, jid, placeId);
  const now = ctx.clock.now().toISOString();
  await ctx.database.write(async (trx) => {
    await repo.insertStation(trx, {
      jurisdiction_id: jid,
      place_id: placeId,
      role,
      township_code: townshipCode,
      created_at: now,
    });
    for (const userId of staffUserIds)
      await repo.insertStaff(trx, {
        jurisdiction_id: jid,
        place_id: placeId,
        user_id: userId,
        created_at: now,
      });
  });
}
