import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';

/**
 * From the first words of a call to its dispatch (派单), as the console's intake page does it: the place from
 * the address said, the suggested unit with its reasons, the similar open problems and the caller's earlier
 * calls, then the call taken and dispatched by the operator to the unit he confirmed.
 */
describe('a 12345 call from intake to dispatch', () => {
  let t: TestApp;
  let operator: Client, resident: Client, supervisor: Client;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'demo', clock: new Date('2025-01-06T01:00:00Z') });
    operator = await t.as('demo-operator');
    resident = await t.as('demo-resident');
    supervisor = await t.as('demo-supervisor');
  });
  afterAll(() => t.close());

  it('places, suggests, takes and dispatches the call; the centre dispatches only its own calls', async () => {
    const place = await operator.get(
      `/api/hotline/place?address=${encodeURIComponent('月塘街道文化路 3 号')}`,
    );
    expect(place.body.items[0]).toMatchObject({ townshipCode: '430202001', villageCode: '430202001001' });
    const text = '文化路垃圾桶满溢无人清运，气味很大';
    const s = await operator.get(
      `/api/problems/suggest?text=${encodeURIComponent(text)}&categoryCode=sanitation&villageCode=430202001001`,
    );
    expect(s.status).toBe(200);
    const top = s.body.units[0];
    expect(top.name).toBe('区城市管理和综合执法局');
    expect(top.reasons.join(' ')).toMatch(/垃圾|清运|满溢/);
    // The demo's earlier call from 李女士 about the same bins.
    const earlier = await operator.get('/api/hotline/calls?phone=13907331101');
    expect(earlier.body.items.length).toBeGreaterThan(0);

    const taken = await operator.post('/api/hotline/calls', {
      caller: { phone: '13907331101', name: '李女士' },
      callbackConsent: true,
      addressSaid: '月塘街道文化路 3 号',
      villageCode: place.body.items[0].villageCode,
      categoryCode: 'sanitation',
      title: '文化路垃圾桶又满溢',
      description: text,
    });
    expect(taken.status, JSON.stringify(taken.body)).toBe(201);
    expect(taken.body.problem.allowedActions).toContain('dispatch');
    const id = taken.body.problem.id;
    const d = await operator.post(`/api/problems/${id}/actions/dispatch`, { leadUnitId: top.unitId });
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    expect(d.body).toMatchObject({ status: 'assigned', leadUnit: { id: top.unitId } });
    expect(d.body.actions.at(-1).actor.name).toBe('王话务');
    // The supervisor still decides: he may give it to another unit.
    expect(d.body.allowedActions).not.toContain('reassign');
    const other = (await supervisor.get('/api/units?q=住房')).body.items[0].id;
    expect(
      (await supervisor.post(`/api/problems/${id}/actions/reassign`, { leadUnitId: other, reason: '属住建' }))
        .status,
    ).toBe(200);

    // A resident's own report is the office's to dispatch, not the centre's.
    const own = await resident.post('/api/problems', {
      categoryCode: 'sanitation',
      title: '小区垃圾站异味',
      description: '垃圾站异味严重',
      villageCode: '430202001002',
    });
    expect(own.status).toBe(201);
    expect(
      (await operator.post(`/api/problems/${own.body.id}/actions/dispatch`, { leadUnitId: other })).status,
    ).toBe(403);
  });
});
