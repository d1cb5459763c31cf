/**
 * Which unit should lead, and which open problems are the same one (智能派单, 相似问题; issue 22). The
 * suggestion is learned from the jurisdiction's own closed problems each time it is asked (no model is
 * kept between requests): words of the title and description, the category and the township. Similar
 * problems weigh text, distance and age together, so the same words in another category or 14 km away
 * are still offered while an unrelated neighbour is not. One function serves call intake, dispatch,
 * merging and Open311 triage; the supervisor still decides.
 */
import { haversineMeters } from '../../kernel/geo.ts';
import type { Principal } from '../../kernel/roles.ts';
import { rankUnits, shingles, textSimilarity, trainRouter, type Feature } from '../../kernel/textModel.ts';
import type { AppContext } from '../../platform/context.ts';
import type { ReferenceData } from '../reference/index.ts';
import { canSee, visibilityOf } from './problems.policy.ts';
import { matchingRepository } from './problems.matching.repository.ts';

/** How many closed problems the suggestion learns from (the latest). */
export const TRAINING_WINDOW = 5000;
/** How far similar problems are looked for around a point. */
const SIMILAR_RADIUS_M = 15_000;
/** How many open problems around a point are compared. */
const SIMILAR_CANDIDATES = 2000;

/** What a suggestion is asked about: a report being taken or triaged. */
export interface SuggestQuery {
  text: string;
  lat?: number;
  lng?: number;
  categoryCode?: string;
  villageCode?: string;
  /** The problem itself, when it exists already (dispatch, merge). */
  excludeId?: string;
}

/** A unit suggested to lead, with the words and facts that spoke for it. */
export interface UnitSuggestion {
  unitId: string;
  name: string;
  score: number;
  reasons: string[];
}

/** An open problem that may be the same one. */
export interface SimilarProblem {
  id: string;
  number: string;
  title: string;
  status: string;
  categoryCode: string;
  distanceM: number | null;
  score: number;
}

/** The township of a report: from its village code, else the nearest division with a position (≤ 5 km). */
export function townshipOfQuery(ref: ReferenceData, q: SuggestQuery): string | null {
  if (q.villageCode) return ref.townshipOf(q.villageCode);
  if (q.lat === undefined || q.lng === undefined) return null;
  let best: { code: string; d: number } | null = null;
  for (const d of ref.divisions.values()) {
    if (d.lat === null || d.lng === null || d.level === 'county') continue;
    const m = haversineMeters(q.lat, q.lng, d.lat, d.lng);
    if (m <= 5000 && (!best || m < best.d)) best = { code: d.code, d: m };
  }
  return best ? ref.townshipOf(best.code) : null;
}

/** A reason in words: 「垃圾」, 类别：环境卫生, 属地：月塘街道. */
function reasonText(ref: ReferenceData, f: Feature): string {
  if (f.kind === 'category') return `类别：${ref.categories.get(f.value)?.name ?? f.value}`;
  if (f.kind === 'township') return `属地：${ref.divisionName(f.value) ?? f.value}`;
  return `「${f.value}」`;
}

/** The units suggested to lead a report, best first (at most `limit`), learned from the closed problems. */
export async function suggestUnits(
  ctx: AppContext,
  jurisdictionId: string,
  q: SuggestQuery,
  limit = 3,
): Promise<UnitSuggestion[]> {
  const ref = await ctx.reference.get(jurisdictionId);
  const rows = await matchingRepository.closedWithUnit(ctx.db, jurisdictionId, TRAINING_WINDOW);
  const model = trainRouter(
    rows
      .filter((r) => r.id !== q.excludeId && ref.units.get(r.lead_unit_id!)?.active)
      .map((r) => ({
        unitId: r.lead_unit_id!,
        text: `${r.title}\n${r.description}`,
        categoryCode: r.category_code,
        townshipCode: r.township_code,
      })),
  );
  return rankUnits(
    model,
    { text: q.text, categoryCode: q.categoryCode ?? null, townshipCode: townshipOfQuery(ref, q) },
    limit,
  ).map((u) => ({
    unitId: u.unitId,
    name: ref.units.get(u.unitId)?.name ?? u.unitId,
    score: Math.round(u.score * 1000) / 1000,
    reasons: u.reasons.map((f) => reasonText(ref, f)),
  }));
}

/**
 * How alike an open problem is to a report: text similarity first; closeness and the same category add to
 * it; age takes a little off. Offered when the text is clearly the same (≥ 0.45, any place and category),
 * or fairly alike close by (≥ 0.25 within 1 km), or the same category next door with some words in common.
 */
export function similarity(
  text: number,
  distanceM: number | null,
  sameCategory: boolean,
  ageDays: number,
): { score: number; offered: boolean } {
  const near = distanceM === null ? 0 : Math.exp(-distanceM / 2000);
  const score = (0.7 * text + 0.2 * near + (sameCategory ? 0.1 : 0)) / (1 + Math.max(0, ageDays) / 730);
  const d = distanceM ?? Infinity;
  const offered = text >= 0.45 || (text >= 0.25 && d <= 1000) || (sameCategory && d <= 300 && text >= 0.15);
  return { score: Math.round(score * 1000) / 1000, offered };
}

/** Open problems that may be the same as the report, best first (at most `limit`), as the caller may see. */
export async function similarOpen(
  ctx: AppContext,
  p: Principal,
  q: SuggestQuery,
  limit = 5,
): Promise<SimilarProblem[]> {
  const at = q.lat !== undefined && q.lng !== undefined ? { lat: q.lat, lng: q.lng } : null;
  const rows = await matchingRepository.openNear(
    ctx.db,
    p.jurisdictionId,
    at,
    SIMILAR_RADIUS_M,
    SIMILAR_CANDIDATES,
  );
  const mine = shingles(q.text);
  const now = ctx.clock.now().getTime();
  const v = visibilityOf(p);
  const out: SimilarProblem[] = [];
  for (const r of rows) {
    if (r.id === q.excludeId) continue;
    const facts = {
      townshipCode: r.township_code,
      channel: r.channel,
      leadUnitId: r.lead_unit_id,
      supportingUnitIds: [],
      delegateUnitId: r.delegate_unit_id,
      reporterUserId: r.reporter_user_id,
      topicLeadId: null,
    };
    if (!canSee(v, facts)) continue;
    const distanceM =
      at && r.lat !== null && r.lng !== null
        ? Math.round(haversineMeters(at.lat, at.lng, r.lat, r.lng))
        : null;
    const text = textSimilarity(mine, shingles(`${r.title}\n${r.description}`));
    const ageDays = (now - Date.parse(r.created_at)) / 86_400_000;
    const s = similarity(text, distanceM, r.category_code === q.categoryCode, ageDays);
    if (!s.offered) continue;
    out.push({
      id: r.id,
      number: r.number,
      title: r.title,
      status: r.status,
      categoryCode: r.category_code,
      distanceM,
      score: s.score,
    });
  }
  return out.sort((a, b) => b.score - a.score || a.number.localeCompare(b.number)).slice(0, limit);
}
