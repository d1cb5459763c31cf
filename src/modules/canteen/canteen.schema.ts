import { z } from 'zod';
import { PAYMENT_CHANNELS } from '../../adapters/payments/index.ts';
import { Place } from '../directory/index.ts';
import { DINER_CATEGORY_CODES, MEAL_CODES } from './canteen.rules.ts';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
export const DIET_TAGS = ['低盐', '低糖', '低脂', '软食', '清真', '素食'] as const;
export const COURSES = ['荤菜', '素菜', '汤', '主食', '点心'] as const;

export const Dish = z.object({
  id: z.string(),
  name: z.string(),
  course: z.string(),
  dietTags: z.array(z.string()),
  allergens: z.array(z.string()),
});
export type Dish = z.infer<typeof Dish>;

export const DishInput = z
  .object({
    name: z.string().trim().min(1).max(30),
    course: z.enum(COURSES),
    dietTags: z.array(z.enum(DIET_TAGS)).max(DIET_TAGS.length).default([]),
    allergens: z.array(z.string().trim().min(1).max(20)).max(10).default([]),
  })
  .strict();
export type DishInput = z.infer<typeof DishInput>;

export const MenuInput = z
  .object({ date, meal: z.enum(MEAL_CODES), dishIds: z.array(z.string().min(1).max(64)).min(1).max(40) })
  .strict();
export type MenuInput = z.infer<typeof MenuInput>;

const PriceLine = z.object({
  category: z.string(),
  label: z.string(),
  baseFen: z.number(),
  subsidyFen: z.number(),
  copayFen: z.number(),
});

export const DayMenu = z.object({
  canteenId: z.string(),
  canteenName: z.string(),
  date: z.string(),
  meals: z.array(
    z.object({ meal: z.string(), label: z.string(), dishes: z.array(Dish), prices: z.array(PriceLine) }),
  ),
});
export type DayMenu = z.infer<typeof DayMenu>;

export const Canteen = Place.extend({
  prices: z.array(z.object({ meal: z.string(), label: z.string(), lines: z.array(PriceLine) })),
  sampleRules: z.object({ minGrams: z.number(), keepHours: z.number() }),
});
export type Canteen = z.infer<typeof Canteen>;

export const ListCanteensQuery = z.object({
  lat: z.coerce.number().min(-90).max(90).optional(),
  lng: z.coerce.number().min(-180).max(180).optional(),
  radius: z.coerce.number().int().min(100).max(50_000).default(5000),
});

export const MenuQuery = z.object({ date });
export const FeedQuery = z.object({
  from: date.optional(),
  days: z.coerce.number().int().min(1).max(31).default(7),
});

/** POST /api/canteens/:id/checkins: who the diner is (one of four ways) and how the copay is paid. */
export const CheckinInput = z
  .object({
    method: z.enum(['card', 'id_card', 'phone_code', 'staff']),
    cardNo: z.string().trim().min(4).max(32).optional(),
    idNumber: z.string().max(30).optional(),
    phone: z
      .string()
      .regex(/^1[3-9]\d{9}$/)
      .optional(),
    code: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
    personId: z.string().max(64).optional(),
    payWith: z.enum(['cash', ...PAYMENT_CHANNELS]).default('cash'),
    authCode: z.string().max(40).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const need: Record<string, (keyof typeof v)[]> = {
      card: ['cardNo'],
      id_card: ['idNumber'],
      phone_code: ['phone', 'code'],
      staff: [],
    };
    for (const k of need[v.method]!)
      if (v[k] === undefined)
        ctx.addIssue({ code: 'custom', path: [k], message: `required for ${v.method}` });
  });
export type CheckinInput = z.infer<typeof CheckinInput>;

export const CanteenMeal = z.object({
  id: z.string(),
  canteenId: z.string(),
  date: z.string(),
  meal: z.string(),
  personId: z.string().nullable(),
  dinerName: z.string().nullable(),
  dinerCategory: z.string(),
  dinerCategoryLabel: z.string(),
  method: z.string(),
  status: z.string(),
  statusLabel: z.string(),
  baseFen: z.number(),
  subsidyFen: z.number(),
  copayFen: z.number(),
  subsidyNote: z.string().nullable(),
  payWith: z.string(),
  paymentId: z.string().nullable(),
  createdAt: z.string(),
  allowedActions: z.array(z.string()),
});
export type CanteenMeal = z.infer<typeof CanteenMeal>;

export const MealActionBodies = {
  void: z.object({ reason: z.string().trim().min(2).max(200) }).strict(),
  confirm_payment: z.object({}).strict(),
  fail_payment: z.object({}).strict(),
} as const;

export const DayActionBodies = {
  close: z
    .object({ kitchenCounts: z.partialRecord(z.enum(MEAL_CODES), z.number().int().min(0).max(100_000)) })
    .strict(),
  flag_mismatch: z.object({}).strict(),
  resolve: z.object({ note: z.string().trim().min(2).max(500) }).strict(),
  reopen: z.object({ reason: z.string().trim().min(2).max(200) }).strict(),
} as const;

export const CanteenDay = z.object({
  canteenId: z.string(),
  date: z.string(),
  status: z.string(),
  statusLabel: z.string(),
  counts: z.record(z.string(), z.number()),
  kitchenCounts: z.record(z.string(), z.number()).nullable(),
  subsidyFen: z.number(),
  copayFen: z.number(),
  problemId: z.string().nullable(),
  closedAt: z.string().nullable(),
  allowedActions: z.array(z.string()),
  actions: z.array(
    z.object({
      action: z.string(),
      fromStatus: z.string().nullable(),
      toStatus: z.string().nullable(),
      actorName: z.string(),
      at: z.string(),
      data: z.record(z.string(), z.unknown()),
    }),
  ),
});
export type CanteenDay = z.infer<typeof CanteenDay>;

export const SampleInput = z
  .object({
    date: date.optional(),
    meal: z.enum(MEAL_CODES),
    dishId: z.string().min(1).max(64),
    grams: z.number().int().min(1).max(5000),
  })
  .strict();
export type SampleInput = z.infer<typeof SampleInput>;

export const Sample = z.object({
  id: z.string(),
  date: z.string(),
  meal: z.string(),
  dishId: z.string(),
  dishName: z.string(),
  grams: z.number(),
  keptUntil: z.string(),
  takenBy: z.string(),
  createdAt: z.string(),
});

export const CardInput = z
  .object({ cardNo: z.string().trim().min(4).max(32), personId: z.string().min(1).max(64) })
  .strict();

export const ServedToday = z.object({
  date: z.string(),
  total: z.number(),
  canteens: z.array(
    z.object({ id: z.string(), name: z.string(), lunch: z.number(), supper: z.number(), total: z.number() }),
  ),
  /** The last day with meals served (the day itself when it has some), for pages on a quiet day. */
  latestDate: z.string().nullable(),
  latestTotal: z.number(),
});

export { DINER_CATEGORY_CODES };
