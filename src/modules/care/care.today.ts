/**
 * The big screen's home-care figures (issue 23 `/screen/`): today's orders by service kind, meals served
 * at the canteens today, the subsidy the care and meal accounts spent today, and the month's satisfaction
 * with the visits rated. All counted from the records when asked; the screen refreshes every minute or so.
 */
import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { mealsServed } from '../canteen/index.ts';
import { spentBetween } from '../entitlements/index.ts';
import { satisfactionOf, type RatingLevel } from '../ratings/index.ts';
import { CARE_KINDS, CARE_KIND_CODES, type CareKindCode } from './care.kinds.ts';
import { careRepository as repo } from './care.repository.ts';

/** The accounts whose spending is the subsidy spent: home-care visits and canteen meals. */
const SUBSIDY_KINDS = [...new Set(Object.values(CARE_KINDS).map((k) => k.entitlement)), 'meal_subsidy'];

export const CareToday = z.object({
  date: z.string(),
  month: z.string(),
  orders: z.number(),
  ordersByKind: z.array(z.object({ kind: z.string(), name: z.string(), count: z.number() })),
  mealsServed: z.number(),
  subsidySpentFen: z.number(),
  satisfaction: z.object({ rated: z.number(), satisfied: z.number(), rate: z.number().nullable() }),
});
export type CareToday = z.infer<typeof CareToday>;

const DAY_MS = 86_400_000;
const LOCAL_OFFSET_MS = 8 * 3_600_000;

/** Today's figures in the jurisdiction's day (+08:00). */
export async function careToday(ctx: AppContext, jid: string): Promise<CareToday> {
  const local = ctx.clock.now().getTime() + LOCAL_OFFSET_MS;
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS - LOCAL_OFFSET_MS;
  const from = new Date(dayStart).toISOString();
  const to = new Date(dayStart + DAY_MS).toISOString();
  const date = new Date(dayStart + LOCAL_OFFSET_MS).toISOString().slice(0, 10);
  const month = date.slice(0, 7);
  const monthStart = new Date(Date.parse(`${month}-01T00:00:00+08:00`)).toISOString();
  const counts = new Map(
    (await repo.createdByKind(ctx.db, jid, from, to)).map((r) => [r.kind, Number(r.n)] as const),
  );
  const ordersByKind = CARE_KIND_CODES.map((kind) => ({
    kind,
    name: CARE_KINDS[kind as CareKindCode].name,
    count: counts.get(kind) ?? 0,
  }));
  const levels = await repo.ratingsCheckedOutSince(ctx.db, jid, monthStart, to);
  return {
    date,
    month,
    orders: ordersByKind.reduce((s, k) => s + k.count, 0),
    ordersByKind,
    mealsServed: (await mealsServed(ctx, jid, date)).total,
    subsidySpentFen: await spentBetween(ctx.db, jid, SUBSIDY_KINDS, from, to),
    satisfaction: satisfactionOf(levels.map((r) => r.rating_level as RatingLevel)),
  };
}
