export {
  RATING_LEVELS,
  RATING_LEVEL_LABELS,
  CORE_RATING_OF,
  STARS_OF,
  isBadRating,
  RatingInput,
  satisfactionOf,
  type RatingLevel,
  type CoreRating,
} from './ratings.rules.ts';
