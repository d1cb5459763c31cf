/**
 * The match score of a worker and a posting, out of 100, with its explanation: occupation (40), distance
 * (30), availability (15) and wage (15). The same function ranks jobs for a worker and workers for a
 * posting, so both sides see the same reasons.
 */
import { haversineMeters } from '../../kernel/geo.ts';
import { occupationCloseness, occupationOf } from './jobs.occupations.ts';
import { dailyFen, JOB_KINDS, type JobKind, type Wage } from './jobs.wages.ts';

export const SCORE_WEIGHTS = { occupation: 40, distance: 30, availability: 15, wage: 15 } as const;
export type ScoreFactor = keyof typeof SCORE_WEIGHTS;

/** One part of a score: the points given, the most it could give, and why in zh and en. */
export interface ScorePart {
  factor: ScoreFactor;
  points: number;
  max: number;
  reason: string;
}

/** A worker as matching sees him. */
export interface MatchWorker {
  occupations: readonly string[];
  /** 1 = Monday … 7 = Sunday. */
  days: readonly number[];
  kinds: readonly JobKind[];
  radiusM: number;
  minDailyFen: number;
  lat: number | null;
  lng: number | null;
}

/** A posting as matching sees it. */
export interface MatchPosting extends Wage {
  occupationCode: string;
  lat: number;
  lng: number;
  /** The local weekday (1–7) the work starts on. */
  startDay: number;
}

/** A score with its parts, and the distance it measured. */
export interface MatchScore {
  score: number;
  distanceM: number | null;
  parts: ScorePart[];
}

const DAY_NAMES = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

function occupationPart(w: MatchWorker, p: MatchPosting): ScorePart {
  const max = SCORE_WEIGHTS.occupation;
  const name = occupationOf(p.occupationCode)?.name ?? p.occupationCode;
  const best = w.occupations
    .map((o) => occupationCloseness(o, p.occupationCode))
    .sort((a, b) => RANK[a] - RANK[b])[0];
  switch (best) {
    case 'same':
      return { factor: 'occupation', points: max, max, reason: `工种对口：${name} / same occupation` };
    case 'group':
      return {
        factor: 'occupation',
        points: Math.round(max * 0.6),
        max,
        reason: `相近工种（同一小类）：${name} / a related occupation`,
      };
    case 'field':
      return {
        factor: 'occupation',
        points: Math.round(max * 0.3),
        max,
        reason: `同一行业（同一中类）：${name} / the same field`,
      };
    default:
      return { factor: 'occupation', points: 0, max, reason: `工种不对口：${name} / another occupation` };
  }
}
const RANK = { same: 0, group: 1, field: 2, none: 3 } as const;

function distancePart(w: MatchWorker, p: MatchPosting): { part: ScorePart; distanceM: number | null } {
  const max = SCORE_WEIGHTS.distance;
  if (w.lat === null || w.lng === null)
    return {
      part: { factor: 'distance', points: 0, max, reason: '未登记位置，无法计算距离 / no position given' },
      distanceM: null,
    };
  const d = Math.round(haversineMeters(w.lat, w.lng, p.lat, p.lng));
  const points = d >= w.radiusM ? 0 : Math.round(max * (1 - d / w.radiusM));
  const km = (d / 1000).toFixed(1);
  return {
    part: {
      factor: 'distance',
      points,
      max,
      reason:
        d > w.radiusM
          ? `距离 ${km} 公里，超出期望范围 / ${km} km, beyond the wanted radius`
          : `距离 ${km} 公里（期望 ${(w.radiusM / 1000).toFixed(1)} 公里内）/ ${km} km away`,
    },
    distanceM: d,
  };
}

function availabilityPart(w: MatchWorker, p: MatchPosting): ScorePart {
  const max = SCORE_WEIGHTS.availability;
  const kindOk = w.kinds.includes(p.kind);
  const dayOk = w.days.includes(p.startDay);
  const points = (kindOk ? Math.ceil(max / 2) : 0) + (dayOk ? Math.floor(max / 2) : 0);
  const bits = [
    kindOk ? `接受${JOB_KINDS[p.kind]}` : `不接受${JOB_KINDS[p.kind]}`,
    dayOk ? `${DAY_NAMES[p.startDay]}有空` : `${DAY_NAMES[p.startDay]}没空`,
  ];
  return {
    factor: 'availability',
    points,
    max,
    reason: `${bits.join('，')} / ${kindOk ? 'kind wanted' : 'kind not wanted'}, ${dayOk ? 'free' : 'busy'} that day`,
  };
}

function wagePart(w: MatchWorker, p: MatchPosting): ScorePart {
  const max = SCORE_WEIGHTS.wage;
  const daily = dailyFen(p);
  if (daily === null) return { factor: 'wage', points: 0, max, reason: '工资无法折算 / wage not comparable' };
  const yuan = Math.round(daily / 100);
  if (w.minDailyFen <= 0 || daily >= w.minDailyFen)
    return {
      factor: 'wage',
      points: max,
      max,
      reason: `折合日薪约 ${yuan} 元，达到期望 / meets the wanted wage`,
    };
  const points = Math.max(0, Math.round(max * (1 - (w.minDailyFen - daily) / w.minDailyFen) * 0.6));
  return {
    factor: 'wage',
    points,
    max,
    reason: `折合日薪约 ${yuan} 元，低于期望 ${Math.round(w.minDailyFen / 100)} 元 / below the wanted wage`,
  };
}

/** Scores a worker against a posting, with the reason of every part. */
export function scoreMatch(w: MatchWorker, p: MatchPosting): MatchScore {
  const { part: distance, distanceM } = distancePart(w, p);
  const parts = [occupationPart(w, p), distance, availabilityPart(w, p), wagePart(w, p)];
  return { score: parts.reduce((s, x) => s + x.points, 0), distanceM, parts };
}

/** Sorts scored candidates: higher score first, then nearer, then by id (a stable order). */
export function byScore<T extends { score: number; distanceM: number | null; id: string }>(
  a: T,
  b: T,
): number {
  return (
    b.score - a.score || (a.distanceM ?? Infinity) - (b.distanceM ?? Infinity) || a.id.localeCompare(b.id)
  );
}
