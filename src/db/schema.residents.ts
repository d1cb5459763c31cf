/**
 * Row types of the canteen, notice and payment tables (migrations 0022-0024), merged into `DB` through
 * `ServiceTables`. Same conventions as schema.ts: JSON columns are text, amounts integers in fen.
 */

export interface CanteenDishTable {
  jurisdiction_id: string;
  id: string;
  place_id: string;
  name: string;
  /** 荤菜 / 素菜 / 汤 / 主食 / 点心. */
  course: string;
  /** JSON array, e.g. ["低盐","软食"]. */
  diet_tags: string;
  /** JSON array of allergens. */
  allergens: string;
  active: number;
  created_at: string;
}

export interface CanteenMenuTable {
  jurisdiction_id: string;
  place_id: string;
  date: string;
  meal: string;
  /** JSON array of dish ids, in serving order. */
  dish_ids: string;
  updated_by: string | null;
  updated_at: string;
}

export interface CanteenCardTable {
  jurisdiction_id: string;
  card_no: string;
  person_id: string;
  issued_at: string;
  revoked_at: string | null;
}

export interface CanteenMealTable {
  jurisdiction_id: string;
  id: string;
  place_id: string;
  date: string;
  meal: string;
  person_id: string | null;
  diner_category: string;
  method: string;
  status: string;
  base_fen: number;
  subsidy_fen: number;
  copay_fen: number;
  subsidy_note: string | null;
  entitlement_entry_id: string | null;
  pay_with: string;
  payment_id: string | null;
  served_by: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface CanteenDayTable {
  jurisdiction_id: string;
  place_id: string;
  date: string;
  status: string;
  /** JSON {meal: count} counted at the close. */
  counts: string;
  /** JSON {meal: count} the kitchen reported. */
  kitchen_counts: string | null;
  problem_id: string | null;
  closed_by: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface CanteenSampleTable {
  jurisdiction_id: string;
  id: string;
  place_id: string;
  date: string;
  meal: string;
  dish_id: string;
  grams: number;
  kept_until: string;
  taken_by: string;
  created_at: string;
}

export interface PaymentTable {
  jurisdiction_id: string;
  id: string;
  module: string;
  ref_id: string;
  channel: string;
  amount_fen: number;
  status: string;
  /** The status's place in the order pending < paid < refunded; a callback never moves it back. */
  status_rank: number;
  provider_txn_id: string | null;
  paid_at: string | null;
  business_date: string;
  receipt_no: string | null;
  receipt_url: string | null;
  description: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface PaymentCallbackTable {
  jurisdiction_id: string;
  channel: string;
  event_id: string;
  payment_id: string;
  status: string;
  outcome: string;
  received_at: string;
}

export interface PaymentReconciliationTable {
  jurisdiction_id: string;
  channel: string;
  business_date: string;
  id: string;
  matched: number;
  recovered: number;
  /** JSON array of the differences found. */
  mismatches: string;
  problem_id: string | null;
  created_at: string;
}

/** The tables of this file, merged into `ServiceTables`. */
export interface ResidentServiceTables {
  canteen_dishes: CanteenDishTable;
  canteen_menus: CanteenMenuTable;
  canteen_cards: CanteenCardTable;
  canteen_meals: CanteenMealTable;
  canteen_days: CanteenDayTable;
  canteen_samples: CanteenSampleTable;
  payments: PaymentTable;
  payment_callbacks: PaymentCallbackTable;
  payment_reconciliations: PaymentReconciliationTable;
}
