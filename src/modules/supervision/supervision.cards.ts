/**
 * Yellow and red cards (黄牌、红牌) for units: a warning that a unit lets problems run past their deadlines,
 * read from the records at the moment asked, by rules a jurisdiction sets in its settings (`cards`):
 * a yellow card when a unit leads at least `yellowOverdue` overdue problems, a red card when at least
 * `redPressedOverdue` of them are overdue although the supervision office pressed them (督办后仍逾期).
 */

/** The rules of the cards. */
export interface CardRules {
  yellowOverdue: number;
  redPressedOverdue: number;
}

/** The rules a jurisdiction starts with. */
export const DEFAULT_CARD_RULES: CardRules = { yellowOverdue: 1, redPressedOverdue: 1 };

/** Rules from a jurisdiction's settings, the defaults for anything missing or not a positive whole number. */
export function cardRulesFrom(settings: unknown): CardRules {
  const given = (settings as { cards?: Record<string, unknown> } | null)?.cards ?? {};
  const out = { ...DEFAULT_CARD_RULES };
  for (const key of Object.keys(out) as (keyof CardRules)[]) {
    const v = given[key];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1) out[key] = v;
  }
  return out;
}

/** The card a unit holds: red over yellow, or none. */
export function cardOf(overdue: number, pressedOverdue: number, rules: CardRules): 'red' | 'yellow' | null {
  if (pressedOverdue >= rules.redPressedOverdue) return 'red';
  if (overdue >= rules.yellowOverdue) return 'yellow';
  return null;
}
