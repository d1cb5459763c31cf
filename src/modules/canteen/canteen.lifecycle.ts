/**
 * The canteen's two transition tables on the shared helper: a diner's check-in (a meal served, waiting
 * for its copay, or voided) and the canteen's service day (open, closed against the kitchen's count, a
 * mismatch until a supervisor resolves it). Relations: the counter (staff of the canteen's provider),
 * a supervisor, and the system (payment callbacks, the close's own check).
 */
import { lifecycle } from '../flow/index.ts';

export type CanteenRelation = 'counter' | 'supervisor' | 'system';

export const MEAL_STATUSES = ['awaiting_payment', 'served', 'voided'] as const;
export type MealStatus = (typeof MEAL_STATUSES)[number];
export const MEAL_STATUS_LABELS: Record<MealStatus, string> = {
  awaiting_payment: '待支付',
  served: '已就餐',
  voided: '已作废',
};

export const MEAL_ACTIONS = ['confirm_payment', 'fail_payment', 'void'] as const;
export type MealAction = (typeof MEAL_ACTIONS)[number];

/** A check-in's table; checking in (`check_in`) has no "from" and is not here. */
export const mealLifecycle = lifecycle<MealAction, MealStatus, CanteenRelation>(
  MEAL_ACTIONS,
  {
    confirm_payment: { from: ['awaiting_payment'], to: 'served', who: ['system'], label: '支付成功' },
    fail_payment: { from: ['awaiting_payment'], to: 'voided', who: ['system'], label: '支付失败' },
    void: {
      from: ['awaiting_payment', 'served'],
      to: 'voided',
      who: ['counter', 'supervisor'],
      label: '作废',
    },
  },
  MEAL_STATUS_LABELS,
);

export const DAY_STATUSES = ['open', 'closed', 'mismatch'] as const;
export type DayStatus = (typeof DAY_STATUSES)[number];
export const DAY_STATUS_LABELS: Record<DayStatus, string> = {
  open: '营业中',
  closed: '已日结',
  mismatch: '日结不符',
};

export const DAY_ACTIONS = ['close', 'flag_mismatch', 'resolve', 'reopen'] as const;
export type DayAction = (typeof DAY_ACTIONS)[number];

/** A service day's table; the day opens with its first check-in. */
export const dayLifecycle = lifecycle<DayAction, DayStatus, CanteenRelation>(
  DAY_ACTIONS,
  {
    close: { from: ['open'], to: 'closed', who: ['counter', 'supervisor'], label: '日结' },
    flag_mismatch: { from: ['closed'], to: 'mismatch', who: ['system'], label: '数量不符' },
    resolve: { from: ['mismatch'], to: 'closed', who: ['supervisor'], label: '核实处理' },
    reopen: { from: ['closed'], to: 'open', who: ['supervisor'], label: '重新营业' },
  },
  DAY_STATUS_LABELS,
);
