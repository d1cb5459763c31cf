import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { cardOf, cardRulesFrom } from '../supervision.cards.ts';

describe('the card rules', () => {
  it('gives red over yellow, and takes only positive whole numbers from the settings', () => {
    const rules = cardRulesFrom({ cards: { yellowOverdue: 2, redPressedOverdue: 'x' } });
    expect(rules).toEqual({ yellowOverdue: 2, redPressedOverdue: 1 });
    expect(cardOf(1, 0, rules)).toBeNull();
    expect(cardOf(2, 0, rules)).toBe('yellow');
    expect(cardOf(2, 1, rules)).toBe('red');
    expect(cardRulesFrom(null)).toEqual({ yellowOverdue: 1, redPressedOverdue: 1 });
  });
});

/** Issue 22: yellow when overdue, red when overdue after a 督办, on the unit's home and the dashboard. */
describe('GET /api/units/cards', () => {
  let t: TestApp;
  let supervisor: Client, unit: Client, street: Client, resident: Client;
  let hrUnitId: string;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference', clock: new Date('2024-09-27T01:00:00Z') });
    supervisor = await t.as('demo-supervisor');
    unit = await t.as('demo-unit');
    street = await t.as('demo-street');
    resident = await t.as('demo-resident');
    hrUnitId = (await supervisor.get('/api/units?q=人力资源')).body.items[0].id;
  });
  afterAll(() => t.close());

  it('shows a yellow card once a problem runs late and a red one when it was pressed', async () => {
    const made = await supervisor.post('/api/problems', {
      categoryCode: 'jobs',
      title: '零工市场缺少遮阳棚',
      description: '夏天等活的工人没有地方避暑。',
      villageCode: '430202001001',
    });
    const id = made.body.id as string;
    await supervisor.post(`/api/problems/${id}/actions/dispatch`, { leadUnitId: hrUnitId });
    await unit.post(`/api/problems/${id}/actions/sign`, {});
    expect((await supervisor.get('/api/units/cards')).body.items).toEqual([]);

    t.clock!.advanceHours(24 * 40);
    const yellow = await supervisor.get('/api/units/cards');
    expect(yellow.status).toBe(200);
    expect(yellow.body.items).toHaveLength(1);
    expect(yellow.body.items[0]).toMatchObject({
      unitId: hrUnitId,
      card: 'yellow',
      overdue: 1,
      pressedOverdue: 0,
    });
    expect(yellow.body.items[0].problems[0]).toMatchObject({ id, pressed: false });
    expect(yellow.body).toMatchObject({ total: 1, nextCursor: null, rules: { yellowOverdue: 1 } });

    await supervisor.post(`/api/problems/${id}/actions/press`, { note: '请加快办理' });
    const red = await unit.get('/api/units/cards');
    expect(red.body.items[0]).toMatchObject({ card: 'red', pressedOverdue: 1 });
    // A handler of another unit sees only its own units' cards.
    expect((await street.get('/api/units/cards')).body.items).toEqual([]);
    expect((await resident.get('/api/units/cards')).status).toBe(403);

    // The rules are the jurisdiction's: two pressed overdue problems before a red card.
    await t.ctx.db
      .updateTable('jurisdictions')
      .set({ settings: JSON.stringify({ cards: { redPressedOverdue: 2 } }) })
      .where('id', '=', '430202')
      .execute();
    expect((await supervisor.get('/api/units/cards')).body.items[0].card).toBe('yellow');
  });
});
