/**
 * The doorstep jobs map (家门口就业地图): open postings within a radius of a point, nearest first, each
 * with its distance, read from the indexed grid cells around the point and measured exactly (haversine);
 * the villages in reach with no open posting and no station within 1.5 km; the stations themselves.
 * Without a point, the list of postings (newest first) for the public, an employer or the reviewers.
 */
import { haversineMeters } from '../../kernel/geo.ts';
import { PointGrid } from '../../kernel/pointGrid.ts';
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, forbidden } from '../../platform/errors.ts';
import { getPlace } from '../directory/index.ts';
import type { ReferenceData } from '../reference/index.ts';
import { appendLog, moduleVersionWithout, SYSTEM_ACTOR } from '../flow/index.ts';
import { Answer } from '../../kernel/versionedCache.ts';
import { MODULE, OFF_MAP, stationsOf } from './jobs.employers.ts';
import { POSTING_STATUSES, type PostingRelation } from './jobs.lifecycle.ts';
import { occupationOf } from './jobs.occupations.ts';
import { isReviewer, postingRelations } from './jobs.policy.ts';
import { postingFromRow } from './jobs.postings.ts';
import { jobsRepository as repo, type MapItemRow } from './jobs.repository.ts';
import type { MapPosting, Posting, SearchPostingsQuery } from './jobs.schema.ts';
import { JOB_KINDS, wageLabel, type JobKind, type WageUnit } from './jobs.wages.ts';

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
  items: (MapPosting | Posting)[];
  total: number;
  nextCursor: string | null;
  uncoveredVillages: { code: string; name: string; lat: number; lng: number; nearestM: number | null }[];
}

/** The open postings of a jurisdiction as the map searches them, at one version of the jobs log. */
interface MapGrid {
  /** The reference data it was built with (its villages' names are in the items). */
  ref: ReferenceData;
  grid: PointGrid;
  /** Per point (the grid's index): the posting's id, kind and occupation code. */
  ids: string[];
  kinds: string[];
  occupations: string[];
  /**
   * Per point, once a page has shown it: the posting's map item as JSON (see itemJson), and how many are
   * made. Kept with the grid, as they hold for the same version and reference data.
   */
  items: (Buffer | undefined)[];
  itemsMade: number;
  /**
   * The villages no station covers: the nearest station, and until when an open posting within COVERAGE_M
   * covers the village (-Infinity when none does).
   */
  villages: { village: PostingSearch['uncoveredVillages'][number]; coveredUntil: number }[];
}

/** When an open posting lapses (ms): at its due time for reconfirmation or at the end of its validity. */
function lapseOf(r: { valid_through: string; reconfirm_due_at: string | null }): number {
  const end =
    r.reconfirm_due_at !== null && r.reconfirm_due_at < r.valid_through
      ? r.reconfirm_due_at
      : r.valid_through;
  return Date.parse(end);
}

/**
 * Every open posting's point from one index read, and the coverage of each village that no station
 * covers. Lapsing is a matter of time, not of the log: each point keeps its lapse time and each search
 * counts only the points live at its own time.
 */
async function buildGrid(ctx: AppContext, jid: string, ref: ReferenceData): Promise<MapGrid> {
  const [rows, allStations] = await Promise.all([repo.openPoints(ctx.db, jid), listStations(ctx, jid)]);
  const grid = new PointGrid(rows.map((r) => ({ lat: r.lat, lng: r.lng, liveUntil: lapseOf(r) })));
  const stations = allStations.filter((s) => s.lat !== null && s.lng !== null);
  const villages: MapGrid['villages'] = [];
  for (const v of ref.divisions.values()) {
    if (v.level !== 'village' || v.lat == null || v.lng == null) continue;
    const { lat, lng } = v;
    const nearest = Math.min(...stations.map((s) => haversineMeters(lat, lng, s.lat!, s.lng!)));
    if (nearest <= COVERAGE_M) continue;
    villages.push({
      village: {
        code: v.code,
        name: v.name,
        lat,
        lng,
        nearestM: Number.isFinite(nearest) ? Math.round(nearest) : null,
      },
      coveredUntil: grid.latestWithin(lat, lng, COVERAGE_M),
    });
  }
  return {
    ref,
    grid,
    ids: rows.map((r) => r.id),
    kinds: rows.map((r) => r.kind),
    occupations: rows.map((r) => r.occupation_code),
    items: new Array<Buffer | undefined>(rows.length),
    itemsMade: 0,
    villages,
  };
}

/**
 * The version the map's kept grid, items and answers hold for: the jobs log's entries less those that
 * change nothing the map shows (workers' records and applications, counted apart as OFF_MAP), so that
 * a worker applying does not make every reader's map be read again.
 */
export function jobsVersion(ctx: AppContext, jid: string): Promise<number> {
  return moduleVersionWithout(ctx, jid, MODULE, OFF_MAP);
}

/**
 * The grid of a jurisdiction, kept per version of the jobs log and load of the reference data: every write
 * of a posting, an employer or a station appends to the log, so a kept grid is exactly what reading it
 * again would give; the requests that arrive while it is read share the one read.
 */
async function mapGrid(ctx: AppContext, jid: string, version: number): Promise<MapGrid> {
  const ref = await ctx.reference.get(jid);
  return ctx.cache
    .values<MapGrid>('jobs.grid', 16)
    .getOrCompute(`${jid}|${ref.serial}`, version, () => buildGrid(ctx, jid, ref));
}

/** A page of the search around a point: the postings' ids and distances, the count, the villages. */
interface NearbyPage {
  /** The page's postings: their grid index, id and distance. */
  page: { i: number; id: string; d: number }[];
  total: number;
  uncovered: PostingSearch['uncoveredVillages'];
  /** When the first of the postings or village coverages the answer rests on lapses (ISO), or null. */
  until: string | null;
}

/**
 * The open postings within the radius that pass the filters, nearest first (ties by id), one page of
 * them, how many there are, and the uncovered villages in the circle (by any open posting, whatever
 * the filters: the map shows where nobody offers work).
 */
function searchGrid(
  g: MapGrid,
  q: SearchPostingsQuery & { lat: number; lng: number },
  offset: number,
  now: number,
): NearbyPage {
  const accept =
    q.kind || q.occupation
      ? (i: number) =>
          (!q.kind || g.kinds[i] === q.kind) && (!q.occupation || g.occupations[i] === q.occupation)
      : null;
  const { count, until: postingsUntil } = g.grid.countWithin(q.lat, q.lng, q.radius, now, accept);
  const near = g.grid.nearest(q.lat, q.lng, q.radius, offset + q.limit, now, accept, (a, b) =>
    g.ids[a]! < g.ids[b]! ? -1 : g.ids[a]! > g.ids[b]! ? 1 : 0,
  );
  let until = postingsUntil ?? Infinity;
  const uncovered: PostingSearch['uncoveredVillages'] = [];
  for (const { village, coveredUntil } of g.villages) {
    // Only a village still uncovered, or covered until sooner than the answer holds anyway, needs measuring.
    if (coveredUntil > now && coveredUntil >= until) continue;
    if (haversineMeters(q.lat, q.lng, village.lat, village.lng) > q.radius) continue;
    if (coveredUntil > now) until = coveredUntil;
    else uncovered.push(village);
  }
  return {
    page: near.slice(offset).map((n) => ({ i: n.i, id: g.ids[n.i]!, d: n.d })),
    total: count,
    uncovered,
    until: until === Infinity ? null : new Date(until).toISOString(),
  };
}

/**
 * At most this many map items are kept per version (a few hundred bytes each): every open posting of a
 * large district.
 */
const MAX_KEPT_ITEMS = 50_000;

/** A map item as UTF-8 JSON up to its distance (`{"id":…,"distanceM":`): the distance and `}` complete it. */
function itemJson(r: MapItemRow, ref: ReferenceData): Buffer {
  const wageFen = Number(r.wage_fen);
  const item: Omit<MapPosting, 'distanceM'> = {
    id: r.id,
    title: r.title,
    kind: r.kind,
    kindLabel: JOB_KINDS[r.kind as JobKind],
    occupationCode: r.occupation_code,
    occupationName: occupationOf(r.occupation_code)?.name ?? r.occupation_code,
    wageFen,
    wageUnit: r.wage_unit,
    wageLabel: wageLabel(wageFen, r.wage_unit as WageUnit),
    employerName: r.employer_name ?? '',
    villageCode: r.village_code,
    villageName: ref.divisions.get(r.village_code)?.name ?? null,
    lat: r.lat,
    lng: r.lng,
    validThrough: r.valid_through,
  };
  return Buffer.from(`${JSON.stringify(item).slice(0, -1)},"distanceM":`, 'utf8');
}

/**
 * The map items of a page's postings, as JSON, by grid index. Those made at this version of the jobs log
 * and load of the reference data are kept with the grid (the same postings are near many readers); the
 * others are read by primary key with their employers in one prepared statement. Every write of a posting
 * or an employer moves the version, so a kept item is the posting as it is.
 */
async function mapItems(
  ctx: AppContext,
  jid: string,
  g: MapGrid,
  page: NearbyPage['page'],
): Promise<(i: number) => Buffer | undefined> {
  const missing = page.filter((p) => g.items[p.i] === undefined);
  if (!missing.length) return (i) => g.items[i];
  const read = await repo.mapPage(
    ctx.db,
    jid,
    missing.map((p) => p.id),
    ctx.cache.own('jobs.mapPageSql', () => new Map<number, string>()),
  );
  const made = new Map(read.map((r) => [r.id, itemJson(r, g.ref)]));
  const keep = g.itemsMade + made.size <= MAX_KEPT_ITEMS;
  const fresh = new Map<number, Buffer>();
  for (const p of missing) {
    const item = made.get(p.id);
    if (!item) continue;
    fresh.set(p.i, item);
    if (keep && g.items[p.i] === undefined) {
      g.items[p.i] = item;
      g.itemsMade++;
    }
  }
  return (i) => g.items[i] ?? fresh.get(i);
}

/**
 * Open postings (not lapsed) within `radius` of a point, nearest first, with the uncovered villages in
 * reach, as JSON, and when the first of the postings or village coverages it rests on lapses.
 */
async function nearby(
  ctx: AppContext,
  jid: string,
  q: SearchPostingsQuery & { lat: number; lng: number },
  version: number,
): Promise<{ json: Buffer; until: string | null }> {
  const now = ctx.clock.now();
  const offset = nearbyOffset(q.cursor);
  const g = await mapGrid(ctx, jid, version);
  const found = searchGrid(g, q, offset, now.getTime());
  const itemOf = await mapItems(ctx, jid, g, found.page);
  const nextCursor = offset + q.limit < found.total ? String(offset + q.limit) : null;
  // The kept items' bytes are copied as they are; only the distances and the rest are written anew.
  const tail =
    `],"total":${found.total},"nextCursor":${JSON.stringify(nextCursor)},` +
    `"uncoveredVillages":${JSON.stringify(found.uncovered)}}`;
  const page = found.page.flatMap((c) => {
    const item = itemOf(c.i);
    return item ? [{ item, d: `${Math.round(c.d)}}` }] : [];
  });
  const head = '{"items":[';
  let size = head.length + Buffer.byteLength(tail) + page.length;
  for (const p of page) size += p.item.length + p.d.length;
  const json = Buffer.allocUnsafe(size);
  let at = json.write(head, 0, 'latin1');
  page.forEach((p, n) => {
    if (n > 0) json[at++] = 0x2c; // ','
    json.set(p.item, at);
    at += p.item.length;
    at += json.write(p.d, at, 'latin1');
  });
  at += json.write(tail, at, 'utf8');
  return {
    json: json.subarray(0, at),
    until: found.until,
  };
}

function nearbyOffset(cursor: string | undefined): number {
  const offset = cursor ? Number(cursor) : 0;
  if (!Number.isInteger(offset) || offset < 0 || offset > 100_000)
    throw badRequest('cursor: 无效的分页位置 / invalid cursor');
  return offset;
}

/**
 * The doorstep map's answer, as bytes kept like the spatial part: the same for every reader (its items
 * carry nothing of the reader's own), so one serialisation serves them all.
 */
export async function nearbyAnswer(
  ctx: AppContext,
  jid: string,
  q: SearchPostingsQuery & { lat: number; lng: number },
): Promise<Answer> {
  const now = ctx.clock.now().toISOString();
  const [version, ref] = await Promise.all([jobsVersion(ctx, jid), ctx.reference.get(jid)]);
  const key = JSON.stringify([jid, q, ref.serial]);
  const cache = ctx.cache.values<{ answer: Answer; until: string | null }>('jobs.nearbyAnswers', 200);
  const compute = async () => {
    const { json, until } = await nearby(ctx, jid, q, version);
    // Compressed fast, since most points are asked for once.
    return { answer: new Answer(json, { gzipLevel: 1 }), until };
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
  if (isNearbySearch(q))
    return JSON.parse((await nearbyAnswer(ctx, jid, q)).body.toString('utf8')) as PostingSearch;
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
