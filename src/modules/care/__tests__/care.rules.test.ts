import { describe, expect, it } from 'vitest';
import { checkinFlags, durationFlags, overlapFlags, photoFlags } from '../care.evidence.ts';
import { CARE_KINDS } from '../care.kinds.ts';
import { CARE_ACTIONS, CARE_STATUSES, careLifecycle, type CareRelation } from '../care.lifecycle.ts';
import { occasionOf } from '../care.settlement.ts';

const RELATIONS: CareRelation[] = ['elder', 'proxy', 'provider', 'worker', 'supervisor', 'system'];

/** Every action of the table, written out: [from states, to, relations]. */
const EXPECTED: Record<string, [string[], string | null, CareRelation[]]> = {
  accept: [['requested'], 'accepted', ['provider']],
  reject: [['requested'], 'rejected', ['provider']],
  time_out: [['requested'], 'rejected', ['system']],
  forward: [['rejected'], 'requested', ['system']],
  assign: [['accepted', 'assigned'], 'assigned', ['provider']],
  depart: [['assigned'], 'en_route', ['worker']],
  check_in: [['assigned', 'en_route'], 'on_site', ['worker']],
  check_out: [['on_site'], 'completed', ['worker']],
  confirm: [['completed'], 'confirmed', ['elder', 'proxy', 'worker']],
  rate: [['confirmed'], 'rated', ['elder', 'proxy']],
  dispute: [['completed', 'confirmed', 'rated'], 'disputed', ['elder', 'proxy']],
  resolve: [['disputed'], 'confirmed', ['supervisor']],
  fail: [['assigned', 'en_route', 'on_site'], 'failed', ['worker']],
  cancel: [['requested', 'accepted', 'assigned'], 'cancelled', ['elder', 'proxy', 'supervisor']],
  clear_flags: [['completed', 'confirmed', 'rated'], null, ['supervisor']],
  settle: [['confirmed', 'rated'], 'settled', ['system']],
};

describe('the care order table: every action × status × relation', () => {
  it('lists every action', () => expect([...CARE_ACTIONS].sort()).toEqual(Object.keys(EXPECTED).sort()));

  for (const action of CARE_ACTIONS) {
    it(`${action}: 403 without the relation, 409 from another status, else its state`, () => {
      const [from, to, who] = EXPECTED[action]!;
      for (const status of CARE_STATUSES)
        for (const rel of RELATIONS) {
          const d = careLifecycle.decide(action, status, new Set([rel]));
          if (!who.includes(rel)) expect(d).toMatchObject({ ok: false, status: 403 });
          else if (!from.includes(status)) expect(d).toMatchObject({ ok: false, status: 409 });
          else expect(d).toEqual({ ok: true, to: to ?? status });
        }
    });
  }
});

describe('evidence rules', () => {
  const home = { lat: 27.8601, lng: 113.1702 };
  it('flags a check-in beyond 200 m, not one within', () => {
    expect(checkinFlags(home, { lat: 27.8615, lng: 113.1702 })).toEqual({ distanceM: 156, flags: [] });
    expect(checkinFlags(home, { lat: 27.8628, lng: 113.1702 })).toEqual({
      distanceM: 300,
      flags: ['far_checkin'],
    });
    expect(checkinFlags(home, {}).flags).toEqual(['no_position']);
    expect(checkinFlags({ lat: null, lng: null }, home)).toEqual({ distanceM: null, flags: [] });
  });
  it('flags a visit shorter than half the standard', () => {
    expect(durationFlags('2024-03-04T02:00:00Z', '2024-03-04T02:59:00Z', 120)).toEqual(['short_visit']);
    expect(durationFlags('2024-03-04T02:00:00Z', '2024-03-04T03:00:00Z', 120)).toEqual([]);
  });
  it('flags one worker on overlapping visits, including one still open', () => {
    const s = '2024-03-04T02:00:00Z';
    const e = '2024-03-04T03:00:00Z';
    expect(
      overlapFlags(s, e, [{ checkinAt: '2024-03-04T01:00:00Z', checkoutAt: '2024-03-04T02:00:00Z' }]),
    ).toEqual([]);
    expect(
      overlapFlags(s, e, [{ checkinAt: '2024-03-04T02:30:00Z', checkoutAt: '2024-03-04T04:00:00Z' }]),
    ).toEqual(['overlapping_orders']);
    expect(overlapFlags(s, e, [{ checkinAt: '2024-03-04T01:00:00Z', checkoutAt: null }])).toEqual([
      'overlapping_orders',
    ]);
  });
  it('flags a photo used before', () => {
    expect(photoFlags([])).toEqual([]);
    expect(photoFlags(['ab'])).toEqual(['photo_reused']);
  });
});

describe('service kinds and subsidy occasions', () => {
  it('has the six services, each with a subsidy not above its price', () => {
    expect(Object.values(CARE_KINDS).map((k) => k.name)).toEqual([
      '助洁',
      '助餐',
      '助医',
      '助浴',
      '助行',
      '助急',
    ]);
    for (const k of Object.values(CARE_KINDS)) expect(k.subsidyFen).toBeLessThanOrEqual(k.priceFen);
  });
  it('pays a 助餐 order for the same meal occasion as the canteen, other kinds per order', () => {
    expect(occasionOf({ id: 'o1', kind: 'meals', scheduled_at: '2024-03-04T03:30:00Z' })).toBe(
      'meal:2024-03-04:lunch',
    );
    expect(occasionOf({ id: 'o1', kind: 'meals', scheduled_at: '2024-03-04T09:30:00Z' })).toBe(
      'meal:2024-03-04:supper',
    );
    expect(occasionOf({ id: 'o1', kind: 'cleaning', scheduled_at: '2024-03-04T03:30:00Z' })).toBe('care:o1');
  });
});
