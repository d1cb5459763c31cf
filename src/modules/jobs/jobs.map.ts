/**
 * The doorstep jobs map (家门口就业地图): open postings within a radius of a point, nearest first, each
 * with its distance, read from the indexed grid cells around the point and measured exactly (haversine);
 * the villages in reach with no open posting and no station within 1.5 km; the stations themselves.
 * Without a point, the list of postings (newest first) for the public, an employer or the reviewers.
 */
import { boundingBox, cellsOfBox, haversineMeters, type BoundingBox } from '../../kernel/geo.ts';
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, forbidden } from '../../platform/errors.ts';
import { getPlace } from '../directory/index.ts';
import { appendLog, lastLogSeq, SYSTEM_ACTOR } from '../flow/index.ts';
import { Answer } from '../../kernel/versionedCache.ts';
import { MODULE, stationsOf } from './jobs.employers.ts';
import { POSTING_STATUSES, type PostingRelation } from './jobs.lifecycle.ts';
import { isReviewer, postingRelations } from './jobs.policy.ts';
import { postingFromRow } from './jobs.postings.ts';
import { jobsRepository as repo } from './jobs.repository.ts';
import { PostingSearchAnswer, type Posting, type SearchPostingsQuery } from './jobs.schema.ts';

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

/** More cells than this and one box is read instead (a very wide radius: most of the district anyway). */
const MAX_CELLS = 1600;

/**
 * Where a search reads: every grid cell of the given boxes, or, when that would be too many cells, the one
 * box around them all. Each box holds its circle, so the rows read are a superset of the rows that count.
 */
export function searchArea(boxes: BoundingBox[]): { cells: number[] } | { box: BoundingBox } {
  const cells = new Set<number>();
  for (const b of boxes) {
    const part = cellsOfBox(b, MAX_CELLS);
    if (!part) return { box: enclosing(boxes) };
    for (const c of part) cells.add(c);
    if (cells.size > MAX_CELLS) return { box: enclosing(boxes) };
  }
  return { cells: [...cells] };
}

function enclosing(boxes: BoundingBox[]): BoundingBox {
  return {
    minLat: Math.min(...boxes.map((b) => b.minLat)),
    maxLat: Math.max(...boxes.map((b) => b.maxLat)),
    minLng: Math.min(...boxes.map((b) => b.minLng)),
    maxLng: Math.max(...boxes.map((b) => b.maxLng)),
  };
}

/** The spatial part of a search: every open posting within the radius, nearest first, and the uncovered villages. */
interface NearbyIndex {
  ranked: { id: string; d: number }[];
  uncovered: PostingSearch['uncoveredVillages'];
  /** When the first of the postings read lapses: the answer holds until then, unless the data change. */
  until: string | null;
}

/**
 * One read of the indexed cells around the point and around each village of the circle that no station
 * covers, then the great-circle distance decides everything exactly: which postings lie within the radius
 * (nearest first, ties by id) and which of those villages have no open posting within COVERAGE_M.
 */
async function computeNearby(
  ctx: AppContext,
  jid: string,
  q: { lat: number; lng: number; radius: number },
  now: string,
): Promise<NearbyIndex> {
  const ref = await ctx.reference.get(jid);
  const stations = (await listStations(ctx, jid)).filter((s) => s.lat !== null && s.lng !== null);
  const villages: { code: string; name: string; lat: number; lng: number; nearestM: number | null }[] = [];
  for (const v of ref.divisions.values()) {
    if (v.level !== 'village' || v.lat == null || v.lng == null) continue;
    const { lat, lng } = v;
    if (haversineMeters(q.lat, q.lng, lat, lng) > q.radius) continue;
    const nearest = Math.min(...stations.map((s) => haversineMeters(lat, lng, s.lat!, s.lng!)));
    if (nearest <= COVERAGE_M) continue;
    villages.push({
      code: v.code,
      name: v.name,
      lat,
      lng,
      nearestM: Number.isFinite(nearest) ? Math.round(nearest) : null,
    });
  }
  // A metre more than the radius: a box must hold its whole circle whatever the rounding.
  const villageBoxes = villages.map((v) => boundingBox(v.lat, v.lng, COVERAGE_M + 1));
  const boxes = [boundingBox(q.lat, q.lng, q.radius + 1), ...villageBoxes];
  const rows = await repo.openInArea(ctx.db, ctx.dialect, jid, searchArea(boxes), now);
  let until: string | null = null;
  for (const r of rows) {
    const lapse =
      r.reconfirm_due_at !== null && r.reconfirm_due_at < r.valid_through
        ? r.reconfirm_due_at
        : r.valid_through;
    if (until === null || lapse < until) until = lapse;
  }
  const ranked = rows
    .map((r) => ({ id: r.id, d: haversineMeters(q.lat, q.lng, r.lat, r.lng) }))
    .filter((c) => c.d <= q.radius)
    .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // The box first: most rows are far from a given village, and comparing is cheaper than measuring.
  const uncovered = villages.filter((v, i) => {
    const b = villageBoxes[i]!;
    return !rows.some(
      (r) =>
        r.lat >= b.minLat &&
        r.lat <= b.maxLat &&
        r.lng >= b.minLng &&
        r.lng <= b.maxLng &&
        haversineMeters(v.lat, v.lng, r.lat, r.lng) <= COVERAGE_M,
    );
  });
  return { ranked, uncovered, until };
}

/** The jobs log's last entry, read once for the requests of one turn of the event loop. */
function jobsVersion(ctx: AppContext, jid: string): Promise<number> {
  return ctx.cache.thisTurn(`jobs.version|${jid}`, () => lastLogSeq(ctx.db, jid, MODULE));
}

/**
 * The spatial part for a point and radius, kept per version of the jobs log and load of the reference
 * data, and only until the first posting it read lapses: every write of a posting, an employer or a
 * station appends to the log, so a kept one is exactly what computing it again would give.
 */
async function nearbyIndex(
  ctx: AppContext,
  jid: string,
  q: { lat: number; lng: number; radius: number },
  version: number,
  now: string,
): Promise<NearbyIndex> {
  const ref = await ctx.reference.get(jid);
  const key = JSON.stringify([jid, q.lat, q.lng, q.radius, ref.serial]);
  const cache = ctx.cache.values<NearbyIndex>('jobs.nearby', 200);
  const kept = await cache.getOrCompute(key, version, () => computeNearby(ctx, jid, q, now));
  if (kept.until === null || now < kept.until) return kept;
  const fresh = await computeNearby(ctx, jid, q, now);
  cache.set(key, version, fresh);
  return fresh;
}

/** Open postings (not lapsed) within `radius` of a point, nearest first, with the uncovered villages in reach. */
async function nearby(
  ctx: AppContext,
  jid: string,
  p: Principal | null,
  q: SearchPostingsQuery & { lat: number; lng: number },
  version: number,
): Promise<{ search: PostingSearch; until: string | null }> {
  const now = ctx.clock.now().toISOString();
  const offset = nearbyOffset(q.cursor);
  const idx = await nearbyIndex(ctx, jid, q, version, now);
  const page = idx.ranked.slice(offset, offset + q.limit);
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
  const total = idx.ranked.length;
  return {
    search: {
      items,
      total,
      nextCursor: offset + q.limit < total ? String(offset + q.limit) : null,
      uncoveredVillages: idx.uncovered,
    },
    until: idx.until,
  };
}

function nearbyOffset(cursor: string | undefined): number {
  const offset = cursor ? Number(cursor) : 0;
  if (!Number.isInteger(offset) || offset < 0 || offset > 100_000)
    throw badRequest('cursor: 无效的分页位置 / invalid cursor');
  return offset;
}

/**
 * The doorstep map's answer for a reader who is not signed in (the public map, the bench), as bytes kept
 * like the spatial part: the same for every such reader, so one serialisation serves them all.
 */
export async function publicNearbyAnswer(
  ctx: AppContext,
  jid: string,
  q: SearchPostingsQuery & { lat: number; lng: number },
): Promise<Answer> {
  const now = ctx.clock.now().toISOString();
  const [version, ref] = await Promise.all([jobsVersion(ctx, jid), ctx.reference.get(jid)]);
  const key = JSON.stringify([jid, q, ref.serial]);
  const cache = ctx.cache.values<{ answer: Answer; until: string | null }>('jobs.nearbyAnswers', 200);
  const compute = async () => {
    const { search, until } = await nearby(ctx, jid, null, q, version);
    return { answer: new Answer(JSON.stringify(PostingSearchAnswer.parse(search))), until };
  };
  const kept = await cache.getOrCompute(key, version, compute);
  if (kept.until === null || now < kept.until) return kept.answer;
  const fresh = await compute();
  cache.set(key, version, fresh);
  return fresh.answer;
}

/** Whether a search asks for the doorstep map (a point, open postings only) rather than a list by status. */
export function isNearbySearch(
  q: SearchPostingsQuery,
): q is SearchPostingsQuery & { lat: number; lng: number } {
  return q.lat !== undefined && q.lng !== undefined && !q.status && q.mine !== '1';
}

function validateSearch(q: SearchPostingsQuery): void {
  if ((q.lat === undefined) !== (q.lng === undefined))
    throw badRequest('lat 与 lng 需同时给出 / lat and lng go together', [
      { path: 'lat', message: 'with lng' },
    ]);
}

/** The postings a reader asks for: near a point (open only), or a list by status for employers and reviewers. */
export async function searchPostings(
  ctx: AppContext,
  jid: string,
  p: Principal | null,
  q: SearchPostingsQuery,
): Promise<PostingSearch> {
  validateSearch(q);
  if (isNearbySearch(q)) return (await nearby(ctx, jid, p, q, await jobsVersion(ctx, jid))).search;
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
    // The map's kept answers hold per version of the jobs log: a new station must move it.
    await appendLog(ctx.clock, trx, jid, {
      module: MODULE,
      refId: placeId,
      action: 'add_station',
      from: null,
      to: role,
      actor: SYSTEM_ACTOR,
      data: { townshipCode, staff: staffUserIds.length },
    });
  });
}
