import { describe, expect, it } from 'vitest';
import {
  CORE_RATING_OF,
  isBadRating,
  RATING_LEVELS,
  RatingInput,
  satisfactionOf,
  STARS_OF,
} from '../index.ts';

describe('好差评: five levels on the core three', () => {
  it('maps each level to the core rating', () => {
    expect(RATING_LEVELS.map((l) => CORE_RATING_OF[l])).toEqual([
      'satisfied',
      'satisfied',
      'basically_satisfied',
      'dissatisfied',
      'dissatisfied',
    ]);
    expect(RATING_LEVELS.map((l) => STARS_OF[l])).toEqual([5, 4, 3, 2, 1]);
  });

  it('calls the two lowest levels a 差评', () => {
    expect(RATING_LEVELS.filter(isBadRating)).toEqual(['dissatisfied', 'very_dissatisfied']);
  });

  it('counts satisfaction as the core does (satisfied and basically satisfied over rated)', () => {
    expect(
      satisfactionOf(['very_satisfied', 'basically_satisfied', 'very_dissatisfied', 'satisfied']),
    ).toEqual({
      rated: 4,
      satisfied: 3,
      rate: 0.75,
    });
    expect(satisfactionOf([]).rate).toBeNull();
  });

  it('accepts only the five levels', () => {
    expect(RatingInput.safeParse({ level: 'satisfied' }).success).toBe(true);
    expect(RatingInput.safeParse({ level: 'good' }).success).toBe(false);
    expect(RatingInput.safeParse({ level: 'satisfied', stars: 5 }).success).toBe(false);
  });
});
