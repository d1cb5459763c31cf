/**
 * The monthly unit score (考核): a weighted sum of the unit's rates in the month. Rates where higher is
 * better count as they are; 退单率 and 重办率 count as one minus the rate. A component without data in
 * the month (nothing to rate) is left out and the other weights share its part, so a unit is neither
 * rewarded nor punished for what did not happen.
 */

/** The components of a score, each a rate in [0, 1] or null when the month has none. */
export interface ScoreComponents {
  /** 响应率: signed for within the response time. */
  responseRate: number | null;
  /** 按期办结率: closed by the deadline. */
  onTimeRate: number | null;
  /** 解决率: resolved of accepted. */
  resolutionRate: number | null;
  /** 满意率: satisfied of rated. */
  satisfactionRate: number | null;
  /** 退单率: returned (bounced) of dispatched; lower is better. */
  bounceRate: number | null;
  /** 重办率: reopened of closed; lower is better. */
  reopenRate: number | null;
}

/** Weights of the components (any positive numbers; they are normalised). */
export type ScoreWeights = Record<keyof ScoreComponents, number>;

/** The weights a jurisdiction starts with; its settings may replace them (`scoring.weights`). */
export const DEFAULT_WEIGHTS: ScoreWeights = {
  responseRate: 15,
  onTimeRate: 25,
  resolutionRate: 25,
  satisfactionRate: 25,
  bounceRate: 5,
  reopenRate: 5,
};

/** Components where a lower rate is better. */
const LOWER_IS_BETTER = new Set<keyof ScoreComponents>(['bounceRate', 'reopenRate']);

/** The score out of 100 (one decimal), or null when no component has data. */
export function unitScore(c: ScoreComponents, weights: ScoreWeights = DEFAULT_WEIGHTS): number | null {
  let sum = 0;
  let weight = 0;
  for (const key of Object.keys(weights) as (keyof ScoreComponents)[]) {
    const rate = c[key];
    const w = weights[key];
    if (rate === null || !(w > 0)) continue;
    sum += w * (LOWER_IS_BETTER.has(key) ? 1 - rate : rate);
    weight += w;
  }
  return weight > 0 ? Math.round((sum / weight) * 1000) / 10 : null;
}

/** Weights from a jurisdiction's settings (`scoring.weights`), the defaults for anything missing or invalid. */
export function weightsFrom(given: Record<string, unknown> | null): ScoreWeights {
  const out = { ...DEFAULT_WEIGHTS };
  for (const key of Object.keys(out) as (keyof ScoreWeights)[]) {
    const v = given?.[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[key] = v;
  }
  return out;
}
