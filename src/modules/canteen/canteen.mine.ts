/**
 * 我的就餐: a resident's own check-ins and those of the family members they act for, so that the phone
 * pages can show what each meal cost and how much of it the subsidy paid.
 */
import { z } from 'zod';
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { getPlace } from '../directory/index.ts';
import { personFacts, personsActedForBy } from '../registry/index.ts';
import { MEAL_STATUS_LABELS, type MealStatus } from './canteen.lifecycle.ts';
import { canteenRepository as repo } from './canteen.repository.ts';
import { DINER_CATEGORIES, MEALS, type DinerCategory, type Meal } from './canteen.rules.ts';

export const MyMeal = z.object({
  id: z.string(),
  canteenId: z.string(),
  canteenName: z.string(),
  date: z.string(),
  meal: z.string(),
  mealLabel: z.string(),
  dinerName: z.string(),
  dinerCategory: z.string(),
  dinerCategoryLabel: z.string(),
  status: z.string(),
  statusLabel: z.string(),
  baseFen: z.number(),
  subsidyFen: z.number(),
  copayFen: z.number(),
});
export type MyMeal = z.infer<typeof MyMeal>;

/** The latest meals of the signed-in resident and of the persons they act for (names unmasked: their own). */
export async function myMeals(ctx: AppContext, p: Principal, limit: number): Promise<MyMeal[]> {
  const jid = p.jurisdictionId;
  if (!p.userId) return [];
  const personIds = await personsActedForBy(ctx.db, jid, p.userId);
  const rows = await repo.mealsOfPersons(ctx.db, jid, personIds, limit);
  const names = new Map<string, string>();
  const places = new Map<string, string>();
  const out: MyMeal[] = [];
  for (const r of rows) {
    if (!names.has(r.person_id!))
      names.set(r.person_id!, (await personFacts(ctx.db, jid, r.person_id!))?.name ?? '');
    if (!places.has(r.place_id))
      places.set(r.place_id, (await getPlace(ctx, jid, r.place_id).catch(() => null))?.name ?? '');
    out.push({
      id: r.id,
      canteenId: r.place_id,
      canteenName: places.get(r.place_id)!,
      date: r.date,
      meal: r.meal,
      mealLabel: MEALS[r.meal as Meal] ?? r.meal,
      dinerName: names.get(r.person_id!)!,
      dinerCategory: r.diner_category,
      dinerCategoryLabel: DINER_CATEGORIES[r.diner_category as DinerCategory] ?? r.diner_category,
      status: r.status,
      statusLabel: MEAL_STATUS_LABELS[r.status as MealStatus] ?? r.status,
      baseFen: Number(r.base_fen),
      subsidyFen: Number(r.subsidy_fen),
      copayFen: Number(r.copay_fen),
    });
  }
  return out;
}
