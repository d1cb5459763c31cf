import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { idNumberFor, usccFor } from '../../../test/services.factories.ts';

const PASSWORD = 'care-me-test-2024';

/**
 * What the phone pages ask before ordering or working (`GET /api/care/me`) and a resident's own meals
 * (`GET /api/canteens/my-meals`): the elder sees themselves, family the elder they order for, a
 * caregiver their worker record, a stranger nothing; meals show for the diner and their family only.
 */
describe('the phone pages’ own views of home care and the canteen', () => {
  let t: TestApp;
  let sup: Client;
  let elder: Client;
  let family: Client;
  let caregiver: Client;
  let stranger: Client;
  let personId: string;
  let providerId: string;
  let workerId: string;
  let canteenId: string;

  const mkUser = async (username: string, displayName: string) => {
    const admin = await t.as('demo-admin');
    const r = await admin.post('/api/users', {
      username,
      displayName,
      password: PASSWORD,
      roles: ['resident'],
      scope: { kind: 'own', ref: null },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const c = t.client();
    expect((await c.login(username, PASSWORD)).status).toBe(200);
    return { id: r.body.id as string, client: c };
  };

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    sup = await t.as('demo-supervisor');
    const e = await mkUser('me-elder', '张大爷');
    const f = await mkUser('me-son', '张小明');
    const c = await mkUser('me-carer', '李护理员');
    elder = e.client;
    family = f.client;
    caregiver = c.client;
    stranger = (await mkUser('me-stranger', '路人')).client;
    const person = await sup.post('/api/registry/persons', {
      name: '张大爷',
      birthDate: '1950-05-01',
      idNumber: idNumberFor('1950-05-01', 135),
      villageCode: '430202001001',
      address: '玫瑰名城 3 栋 201',
      userId: e.id,
    });
    expect(person.status, JSON.stringify(person.body)).toBe(201);
    personId = person.body.id;
    await sup.post(`/api/registry/persons/${personId}/contacts`, {
      kind: 'family',
      name: '张小明',
      relation: '儿子',
      userId: f.id,
    });
    providerId = (
      await sup.post('/api/directory/providers', {
        name: '荷塘区康乐居家养老服务中心',
        uscc: usccFor(17),
        serviceArea: ['430202001'],
        services: ['助洁', '助餐'],
      })
    ).body.id;
    workerId = (
      await sup.post(`/api/directory/providers/${providerId}/workers`, { name: '李护理员', userId: c.id })
    ).body.id;
    const place = await sup.post('/api/directory/places', {
      kind: 'canteen',
      name: '桂花路健康公益食堂',
      providerId,
      villageCode: '430202001001',
      address: '桂花路 18 号',
    });
    expect(place.status, JSON.stringify(place.body)).toBe(201);
    canteenId = place.body.id;
    await sup.post('/api/entitlements/grants', {
      personId,
      kind: 'meal_subsidy',
      amount: 3000,
      reference: '2024年3月',
    });
  });
  afterAll(() => t.close());

  it('tells each user whom they may order for, with the address to prefill, and their worker record', async () => {
    const self = await elder.get('/api/care/me');
    expect(self.status).toBe(200);
    expect(self.body).toEqual({
      persons: [
        {
          id: personId,
          name: '张大爷',
          address: '玫瑰名城 3 栋 201',
          villageCode: '430202001001',
          self: true,
        },
      ],
      worker: null,
    });
    const son = await family.get('/api/care/me');
    expect(son.body.persons).toEqual([expect.objectContaining({ id: personId, self: false })]);
    expect((await caregiver.get('/api/care/me')).body).toEqual({
      persons: [],
      worker: { id: workerId, providerId, name: '李护理员' },
    });
    expect((await stranger.get('/api/care/me')).body).toEqual({ persons: [], worker: null });
    expect((await t.client().get('/api/care/me')).status).toBe(401);
  });

  it('lists a meal for the diner and their family, with the subsidy, and for no one else', async () => {
    t.clock!.set('2024-03-04T03:30:00Z');
    const meal = await sup.post(`/api/canteens/${canteenId}/checkins`, { method: 'staff', personId });
    expect(meal.status, JSON.stringify(meal.body)).toBe(201);
    const expected = {
      id: meal.body.id,
      canteenId,
      canteenName: '桂花路健康公益食堂',
      date: '2024-03-04',
      meal: 'lunch',
      mealLabel: '午餐',
      dinerName: '张大爷',
      dinerCategory: 'age_70_79',
      dinerCategoryLabel: '70-79周岁',
      status: 'served',
      statusLabel: '已就餐',
      baseFen: 1500,
      subsidyFen: 500,
      copayFen: 1000,
    };
    expect((await elder.get('/api/canteens/my-meals')).body).toEqual({ items: [expected] });
    expect((await family.get('/api/canteens/my-meals')).body).toEqual({ items: [expected] });
    expect((await stranger.get('/api/canteens/my-meals')).body).toEqual({ items: [] });
    expect((await t.client().get('/api/canteens/my-meals')).status).toBe(401);
    expect((await elder.get('/api/canteens/my-meals?limit=0')).status).toBe(400);
  });
});
