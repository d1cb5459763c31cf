/**
 * The entitlement ledger's kinds and rules (DESIGN §3 "event ledger"): what an account counts, and how
 * an entry moves its balance. Amounts are integers: fen for money, whole units for counts.
 */

/** Kinds of entitlement accounts, each with what its amounts count. */
export const ENTITLEMENT_KINDS = {
  /** 助餐补贴: meal subsidy in fen, drawn by canteen check-ins and 助餐 orders alike. */
  meal_subsidy: { unit: 'fen', label: '助餐补贴' },
  /** 居家养老服务补贴: home-care subsidy in fen, drawn by verified care orders. */
  care_subsidy: { unit: 'fen', label: '居家养老服务补贴' },
  /** 服务次数: a number of free services (e.g. baths a year). */
  service_count: { unit: 'count', label: '服务次数' },
  /** 捐赠物资: donated goods, counted in pieces. */
  donated_goods: { unit: 'count', label: '捐赠物资' },
} as const;
export type EntitlementKind = keyof typeof ENTITLEMENT_KINDS;
export const ENTITLEMENT_KIND_NAMES = Object.keys(ENTITLEMENT_KINDS) as EntitlementKind[];

/** Kinds of entries: a grant adds, a spend takes, a correction moves either way and names its entry. */
export const ENTRY_KINDS = ['grant', 'spend', 'correction'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** The balance after an entry, or null when it would go negative. */
export function balanceAfter(balance: number, delta: number): number | null {
  const next = balance + delta;
  return next < 0 ? null : next;
}

/** The signed change of an entry of a kind and a positive amount (a correction is signed already). */
export function deltaOf(kind: EntryKind, amount: number): number {
  return kind === 'spend' ? -amount : amount;
}
