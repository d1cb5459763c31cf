import { describe, expect, it } from 'vitest';
import { dayLifecycle, mealLifecycle, type CanteenRelation } from '../canteen.lifecycle.ts';
import {
  ageOn,
  countDifferences,
  dinerCategory,
  mealOccasion,
  priceFor,
  priceTable,
  PRICE_RULES,
  sittingOf,
} from '../canteen.rules.ts';

const ALL_RELATIONS: CanteenRelation[] = ['counter', 'supervisor', 'system'];

/** Every action × status × relation of a table against an expectation written out here: 403, 409 or the next state. */
function checkTable<A extends string, S extends string>(
  lc: {
    actions: readonly A[];
    decide(a: A, s: S, r: ReadonlySet<CanteenRelation>): { ok: boolean; status?: number; to?: S };
  },
  statuses: readonly S[],
  expected: Record<A, { from: S[]; to: S; who: CanteenRelation[] }>,
) {
  let checked = 0;
  for (const action of lc.actions)
    for (const status of statuses)
      for (const rel of ALL_RELATIONS) {
        const d = lc.decide(action, status, new Set([rel]));
        const e = expected[action];
        if (!e.who.includes(rel))
          expect(d, `${action} ${status} ${rel}`).toMatchObject({ ok: false, status: 403 });
        else if (!e.from.includes(status))
          expect(d, `${action} ${status} ${rel}`).toMatchObject({ ok: false, status: 409 });
        else expect(d, `${action} ${status} ${rel}`).toEqual({ ok: true, to: e.to });
        checked++;
      }
  return checked;
}

describe('canteen price rules', () => {
  it('puts diners in categories: 低保/特困 first, then the age band on the day', () => {
    expect(ageOn('1949-03-05', '2024-03-04')).toBe(74);
    expect(ageOn('1949-03-04', '2024-03-04')).toBe(75);
    expect(dinerCategory({ birthDate: '1949-03-01', tags: [] }, '2024-03-04')).toBe('age_70_79');
    expect(dinerCategory({ birthDate: '1944-03-04', tags: [] }, '2024-03-04')).toBe('age_80_plus');
    expect(dinerCategory({ birthDate: '1944-03-05', tags: [] }, '2024-03-04')).toBe('age_70_79');
    expect(dinerCategory({ birthDate: '1964-03-04', tags: [] }, '2024-03-04')).toBe('age_60_69');
    expect(dinerCategory({ birthDate: '1964-03-05', tags: [] }, '2024-03-04')).toBe('other');
    expect(dinerCategory({ birthDate: '1990-01-01', tags: ['特困'] }, '2024-03-04')).toBe('assisted');
    expect(dinerCategory({ birthDate: '1940-01-01', tags: ['低保'] }, '2024-03-04')).toBe('assisted');
    expect(dinerCategory({ birthDate: null, tags: [] }, '2024-03-04')).toBe('other');
    expect(dinerCategory(null, '2024-03-04')).toBe('other');
  });

  it('gives base price, subsidy and copay per category and sitting; the subsidy never exceeds the price', () => {
    expect(priceFor('age_60_69', 'lunch')).toEqual({ baseFen: 1500, subsidyFen: 300, copayFen: 1200 });
    expect(priceFor('age_70_79', 'lunch')).toEqual({ baseFen: 1500, subsidyFen: 500, copayFen: 1000 });
    expect(priceFor('age_80_plus', 'supper')).toEqual({ baseFen: 1200, subsidyFen: 800, copayFen: 400 });
    expect(priceFor('assisted', 'supper')).toEqual({ baseFen: 1200, subsidyFen: 1200, copayFen: 0 });
    expect(priceFor('other', 'lunch')).toEqual({ baseFen: 1500, subsidyFen: 0, copayFen: 1500 });
    const generous = {
      ...PRICE_RULES,
      subsidyFen: { ...PRICE_RULES.subsidyFen, assisted: 5000, other: -10 },
    };
    expect(priceFor('assisted', 'lunch', generous)).toEqual({ baseFen: 1500, subsidyFen: 1500, copayFen: 0 });
    expect(priceFor('other', 'lunch', generous)).toEqual({ baseFen: 1500, subsidyFen: 0, copayFen: 1500 });
    for (const line of priceTable('lunch')) expect(line.baseFen).toBe(line.subsidyFen + line.copayFen);
    expect(priceTable('lunch').map((l) => l.category)).toEqual([
      'assisted',
      'age_80_plus',
      'age_70_79',
      'age_60_69',
      'other',
    ]);
  });

  it('reads the sitting in China time and names the occasion 助餐 orders share', () => {
    expect(sittingOf(new Date('2024-03-04T03:00:00Z'))).toEqual({ date: '2024-03-04', meal: 'lunch' });
    expect(sittingOf(new Date('2024-03-04T07:00:00Z'))).toEqual({ date: '2024-03-04', meal: 'supper' });
    expect(sittingOf(new Date('2024-03-04T17:00:00Z'))).toEqual({ date: '2024-03-05', meal: 'lunch' });
    expect(mealOccasion('2024-03-04', 'supper')).toBe('meal:2024-03-04:supper');
  });

  it('finds the sittings where the counter and the kitchen differ', () => {
    expect(countDifferences({ lunch: 2, supper: 1 }, { lunch: 2, supper: 1 })).toEqual([]);
    expect(countDifferences({ lunch: 2 }, { lunch: 3, supper: 0 })).toEqual([
      { meal: 'lunch', counter: 2, kitchen: 3 },
    ]);
    expect(countDifferences({ supper: 4 }, {})).toEqual([{ meal: 'supper', counter: 4, kitchen: 0 }]);
  });
});

describe('canteen transition tables', () => {
  it('check-ins: every action, status and relation answers 403, 409 or the next state', () => {
    const n = checkTable(mealLifecycle, ['awaiting_payment', 'served', 'voided'], {
      confirm_payment: { from: ['awaiting_payment'], to: 'served', who: ['system'] },
      fail_payment: { from: ['awaiting_payment'], to: 'voided', who: ['system'] },
      void: { from: ['awaiting_payment', 'served'], to: 'voided', who: ['counter', 'supervisor'] },
    });
    expect(n).toBe(3 * 3 * 3);
  });

  it('service days: every action, status and relation answers 403, 409 or the next state', () => {
    const n = checkTable(dayLifecycle, ['open', 'closed', 'mismatch'], {
      close: { from: ['open'], to: 'closed', who: ['counter', 'supervisor'] },
      flag_mismatch: { from: ['closed'], to: 'mismatch', who: ['system'] },
      resolve: { from: ['mismatch'], to: 'closed', who: ['supervisor'] },
      reopen: { from: ['closed'], to: 'open', who: ['supervisor'] },
    });
    expect(n).toBe(4 * 3 * 3);
    expect(dayLifecycle.allowedActions('open', new Set(['counter']))).toEqual(['close']);
    expect(dayLifecycle.allowedActions('closed', new Set(['supervisor']))).toEqual(['reopen']);
  });
});
