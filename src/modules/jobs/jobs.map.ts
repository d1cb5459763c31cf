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
import { jobsRepository as repo } from './jobs.repository.ts';
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

/** Open postings (not lapsed) within `radius` of a point, nearest first, with the uncovered villages. */
async function nearby(
  ctx: AppContext,
  jid: string,
  p: Principal | null,
  q: SearchPostingsQuery & { lat: number; lng: number },
): Promise<PostingSearch> {
  const now = ctx.clock.now().toISOString();
  // One box wide enough for the radius and for the coverage ring of the villages at its edge.
  const candidates = await repo.openInBox(ctx.db, jid, boundingBox(q.lat, q.lng, q.radius + COVERAGE_M), now);
  const measured = candidates
    .map((c) => ({ id: c.id, lat: c.lat, lng: c.lng, d: haversineMeters(q.lat, q.lng, c.lat, c.lng) }))
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id));
  const within = measured.filter((c) => c.d <= q.radius);
  const offset = q.cursor ? Number(q.cursor) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw badRequest('cursor: 无效的分页位置 / invalid cursor');
  const page = within.slice(offset, offset + q.limit);
  const rows = new Map(
    (
      await repo.postingsByIds(
        ctx.db,
        jid,
        page.map((x) => x.id),
      )
    ).map((r) => [r.id, r]),
  );
  const employers = new Map(
    (await repo.employersByIds(ctx.db, jid, [...new Set([...rows.values()].map((r) => r.employer_id))])).map(
      (e) => [e.id, e],
    ),
  );
  const ref = await ctx.reference.get(jid);
  const stations = p ? await stationsOf(ctx, p) : [];
  const items: Posting[] = [];
  for (const c of page) {
    const r = rows.get(c.id);
    if (!r) continue;
    const employer = employers.get(r.employer_id);
    const rel = p
      ? postingRelations(p, employer?.owner_user_id ?? null, stations)
      : new Set<PostingRelation>();
    items.push(await postingFromRow(ctx, ctx.db, r, employer, ref, rel, { distanceM: Math.round(c.d) }));
  }
  // Villages in reach, each served when an open posting or a station lies within COVERAGE_M.
  const stationPoints = (await listStations(ctx, jid)).filter((s) => s.lat !== null && s.lng !== null);
  const uncovered: PostingSearch['uncoveredVillages'] = [];
  for (const v of ref.divisions.values()) {
    if (
      v.level !== 'village' ||
      v.lat === null ||
      v.lng === null ||
      v.lat === undefined ||
      v.lng === undefined
    )
      continue;
    if (haversineMeters(q.lat, q.lng, v.lat, v.lng) > q.radius) continue;
    let nearest = Infinity;
    for (const s of stationPoints) nearest = Math.min(nearest, haversineMeters(v.lat, v.lng, s.lat!, s.lng!));
    for (const c of measured) {
      if (nearest <= COVERAGE_M) break;
      nearest = Math.min(nearest, haversineMeters(v.lat, v.lng, c.lat, c.lng));
    }
    if (nearest > COVERAGE_M)
      uncovered.push({
        code: v.code,
        name: v.name,
        lat: v.lat,
        lng: v.lng,
        nearestM: Number.isFinite(nearest) ? Math.round(nearest) : null,
      });
  }
  return {
    items,
    total: within.length,
    nextCursor: offset + q.limit < within.length ? String(offset + q.limit) : null,
    uncoveredVillages: uncovered,
  };
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
