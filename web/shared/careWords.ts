/**
 * Words of home care that the console, the phone pages and the big screen all show, kept once: each
 * app's messages take them from here (the statuses' own words differ by reader and stay with each app).
 */
export const CARE_KIND_WORDS_ZH = {
  cleaning: '助洁',
  meals: '助餐',
  medical: '助医',
  bathing: '助浴',
  walking: '助行',
  emergency: '助急',
};

export const CARE_KIND_WORDS_EN: typeof CARE_KIND_WORDS_ZH = {
  cleaning: 'Cleaning',
  meals: 'Meals',
  medical: 'Health',
  bathing: 'Bathing',
  walking: 'Walking',
  emergency: 'Emergency',
};

export const RATING_WORDS_ZH = {
  very_satisfied: '非常满意',
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
  very_dissatisfied: '非常不满意',
};

export const RATING_WORDS_EN: typeof RATING_WORDS_ZH = {
  very_satisfied: 'Very satisfied',
  satisfied: 'Satisfied',
  basically_satisfied: 'Fair',
  dissatisfied: 'Dissatisfied',
  very_dissatisfied: 'Very dissatisfied',
};
