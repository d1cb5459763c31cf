/**
 * The public canteen's rules, as configuration and pure functions: the sittings, who a diner is for
 * pricing (60–69, 70–79, 80+, 低保/特困, other residents), what a meal costs them (base price, subsidy,
 * copay), and how much of each dish is kept as a 留样 sample for how long.
 */

/** The sittings of a day; a check-in before 15:00 China time is lunch. */
export const MEALS = { lunch: '午餐', supper: '晚餐' } as const;
export type Meal = keyof typeof MEALS;
export const MEAL_CODES = Object.keys(MEALS) as Meal[];

/** Diner categories in the order they are checked: 低保/特困 first, then age bands. */
export const DINER_CATEGORIES = {
  assisted: '低保/特困老人',
  age_80_plus: '80周岁以上',
  age_70_79: '70-79周岁',
  age_60_69: '60-69周岁',
  other: '其他居民',
} as const;
export type DinerCategory = keyof typeof DINER_CATEGORIES;
export const DINER_CATEGORY_CODES = Object.keys(DINER_CATEGORIES) as DinerCategory[];

/** A price rule: base price per sitting and the subsidy per category, in fen. */
export interface PriceRules {
  baseFen: Record<Meal, number>;
  subsidyFen: Record<DinerCategory, number>;
}

/** The district's rules for its public canteens (configuration; a canteen may later carry its own). */
export const PRICE_RULES: PriceRules = {
  baseFen: { lunch: 1500, supper: 1200 },
  subsidyFen: { assisted: 1200, age_80_plus: 800, age_70_79: 500, age_60_69: 300, other: 0 },
};

/** 留样: grams kept of each dish and hours kept, per the food-safety rules for group dining. */
export const SAMPLE_RULES = { minGrams: 125, keepHours: 48 } as const;

/** Whole years between a birth date and a day (both YYYY-MM-DD). */
export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The category of a diner on a day: 低保 or 特困 first, then the age band; unknown or under 60 is `other`. */
export function dinerCategory(
  diner: { birthDate: string | null; tags: readonly string[] } | null,
  day: string,
): DinerCategory {
  if (!diner) return 'other';
  if (diner.tags.includes('低保') || diner.tags.includes('特困')) return 'assisted';
  if (!diner.birthDate) return 'other';
  const age = ageOn(diner.birthDate, day);
  if (age >= 80) return 'age_80_plus';
  if (age >= 70) return 'age_70_79';
  if (age >= 60) return 'age_60_69';
  return 'other';
}

/** What a sitting costs a diner of a category: the subsidy never exceeds the base price. */
export function priceFor(
  category: DinerCategory,
  meal: Meal,
  rules: PriceRules = PRICE_RULES,
): { baseFen: number; subsidyFen: number; copayFen: number } {
  const baseFen = rules.baseFen[meal];
  const subsidyFen = Math.min(baseFen, Math.max(0, rules.subsidyFen[category]));
  return { baseFen, subsidyFen, copayFen: baseFen - subsidyFen };
}

/** The price table of a sitting for every category (for the menu page and the counter). */
export function priceTable(meal: Meal, rules: PriceRules = PRICE_RULES) {
  return DINER_CATEGORY_CODES.map((c) => ({
    category: c,
    label: DINER_CATEGORIES[c],
    ...priceFor(c, meal, rules),
  }));
}

/** The China-time day (YYYY-MM-DD) and sitting of an instant. */
export function sittingOf(at: Date): { date: string; meal: Meal } {
  const local = new Date(at.getTime() + 8 * 3_600_000);
  return { date: local.toISOString().slice(0, 10), meal: local.getUTCHours() < 15 ? 'lunch' : 'supper' };
}

/** The entitlement occasion a sitting's subsidy pays for, shared with 助餐 care orders. */
export function mealOccasion(date: string, meal: Meal): string {
  return `meal:${date}:${meal}`;
}

/** Whether the kitchen's count of each sitting equals the counter's; the differences when not. */
export function countDifferences(
  counter: Readonly<Record<string, number>>,
  kitchen: Readonly<Record<string, number>>,
): { meal: string; counter: number; kitchen: number }[] {
  const meals = [...new Set([...Object.keys(counter), ...Object.keys(kitchen)])].sort();
  return meals
    .map((meal) => ({ meal, counter: counter[meal] ?? 0, kitchen: kitchen[meal] ?? 0 }))
    .filter((d) => d.counter !== d.kitchen);
}
