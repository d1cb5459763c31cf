/**
 * 好差评: the five levels of the government-service rating (非常满意 … 非常不满意), mapped to the core's
 * three follow-up ratings so that service ratings count in the same KPIs as problem follow-ups. The two
 * lowest levels are a 差评, which every service module turns into a problem (see the bridges).
 */
import { z } from 'zod';

/** The five levels, best first. */
export const RATING_LEVELS = [
  'very_satisfied',
  'satisfied',
  'basically_satisfied',
  'dissatisfied',
  'very_dissatisfied',
] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];

/** Chinese labels of the five levels. */
export const RATING_LEVEL_LABELS: Record<RatingLevel, string> = {
  very_satisfied: '非常满意',
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
  very_dissatisfied: '非常不满意',
};

/** The core's three ratings (problems.lifecycle RATINGS). */
export type CoreRating = 'satisfied' | 'basically_satisfied' | 'dissatisfied';

/** Each level's core rating. */
export const CORE_RATING_OF: Record<RatingLevel, CoreRating> = {
  very_satisfied: 'satisfied',
  satisfied: 'satisfied',
  basically_satisfied: 'basically_satisfied',
  dissatisfied: 'dissatisfied',
  very_dissatisfied: 'dissatisfied',
};

/** Stars (5 … 1) of each level, for pages that show stars. */
export const STARS_OF: Record<RatingLevel, number> = {
  very_satisfied: 5,
  satisfied: 4,
  basically_satisfied: 3,
  dissatisfied: 2,
  very_dissatisfied: 1,
};

/** Whether a level is a 差评 (bad rating) that must become a problem. */
export function isBadRating(level: RatingLevel): boolean {
  return CORE_RATING_OF[level] === 'dissatisfied';
}

/** The body of a rating in every service module. */
export const RatingInput = z
  .object({ level: z.enum(RATING_LEVELS), comment: z.string().max(500).optional() })
  .strict();
export type RatingInput = z.infer<typeof RatingInput>;

/** Satisfaction as the core counts it: (satisfied + basically satisfied) / rated, or null with none. */
export function satisfactionOf(levels: readonly RatingLevel[]): {
  rated: number;
  satisfied: number;
  rate: number | null;
} {
  const satisfied = levels.filter((l) => CORE_RATING_OF[l] !== 'dissatisfied').length;
  return { rated: levels.length, satisfied, rate: levels.length ? satisfied / levels.length : null };
}
