import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARE_STATUSES } from '../../modules/care/index.ts';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';
import { CARE_DEMO_USERS } from '../care.ts';

const TOWNSHIPS = ['430202001', '430202002', '430202003', '430202004', '430202005', '430202006', '430202100'];

/** The China-time month before the one of an instant, YYYY-MM. */
function previousMonth(at: Date): string {
  const local = new Date(at.getTime() + 8 * 3_600_000);
  const d = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

/**
 * The care and canteen demo, read through the API as its users would: the six services, providers over
 * the seven townships, 张大爷 with his consents, a month of orders in every state with flagged ones, the
 * previous month's settlement equal to its settled orders and paid, a month of canteen meals.
 */
describe('care and canteen demo', () => {
  let t: TestApp;
  let sup: Client;
  beforeAll(async () => {
    t = await startTestApp({ seed: 'demo', clock: 'system' });
    sup = await t.as('demo-supervisor');
  });
  afterAll(() => t.close());

  it('signs in its three users; six services; providers with workers cover the seven townships', async () => {
    for (const u of CARE_DEMO_USERS) expect((await t.client().login(u)).status, u).toBe(200);
    const kinds = (await t.client().get('/api/care/kinds')).body.items.map((k: any) => k.name);
    expect(kinds).toEqual(['助洁', '助餐', '助医', '助浴', '助行', '助急']);
    const providers = (await t.client().get('/api/directory/providers')).body.items;
    const care = providers.filter((p: any) => p.services.includes('助洁'));
    expect(care.length).toBeGreaterThanOrEqual(3);
    for (const code of TOWNSHIPS)
      expect(
        care.some((p: any) => p.serviceArea.some((a: string) => code.startsWith(a) || a.startsWith(code))),
        code,
      ).toBe(true);
    const workers = (await sup.get(`/api/directory/providers/${care[0].id}/workers`)).body.items;
    expect(workers.length).toBeGreaterThan(1);
    expect(workers[0].qualifications.length).toBeGreaterThan(0);
    const places = (await t.client().get('/api/directory/places')).body.items;
    const canteen = places.find((p: any) => p.name === '桂花路健康公益食堂');
    expect(canteen).toMatchObject({ kind: 'canteen', villageCode: expect.stringMatching(/^430202004/) });
    expect(canteen.hours.map((h: any) => h.rrule)).toContain('FREQ=DAILY');
    expect(places.filter((p: any) => p.name.endsWith('居家养老服务站'))).toHaveLength(7);
  });

  it('has 张大爷, 75, of 玫瑰名城 in 桂花街道 with his consents; reading him is in the access log', async () => {
    const elder = await t.as('demo-elder');
    const own = (await elder.get('/api/care/orders?pageSize=200')).body.items;
    expect(own.length).toBeGreaterThan(3);
    const personId = own[0].personId;
    const before = (await sup.get(`/api/registry/access-log?personId=${personId}`)).body.items.length;
    const p = (await sup.get(`/api/registry/persons/${personId}`)).body;
    expect(p).toMatchObject({ name: '张大爷', age: 75, villageCode: expect.stringMatching(/^430202004/) });
    expect(p.address).toContain('玫瑰名城');
    expect(p.tags).toContain('高龄');
    expect(p.consents.filter((c: any) => c.active).length).toBeGreaterThanOrEqual(2);
    expect(p.contacts.map((c: any) => c.relation)).toEqual(expect.arrayContaining(['儿子', '女儿']));
    const after = (await sup.get(`/api/registry/access-log?personId=${personId}`)).body.items.length;
    expect(after).toBe(before + 1);
  });

  it('has orders in every state, flagged ones, and today’s visit for demo-caregiver', async () => {
    for (const status of CARE_STATUSES) {
      const r = await sup.get(`/api/care/orders?status=${status}&pageSize=1`);
      expect(r.body.total, status).toBeGreaterThan(0);
    }
    expect((await sup.get('/api/care/orders?flagged=1&pageSize=1')).body.total).toBeGreaterThan(0);
    const all = (await sup.get('/api/care/orders?pageSize=1')).body.total;
    expect(all).toBeGreaterThanOrEqual(120);
    const carer = await t.as('demo-caregiver');
    const mine = (await carer.get('/api/care/orders?status=assigned&pageSize=50')).body.items;
    expect(mine.some((o: any) => o.elderName === '张大爷' && o.kindName === '助洁')).toBe(true);
    // Lists show another person's phone masked.
    for (const o of (await carer.get('/api/care/orders?pageSize=50')).body.items)
      if (o.elderPhone) expect(o.elderPhone).toMatch(/^\d{3}\*{4}\d{4}$/);
    const station = await t.as('demo-station');
    const placed = (await station.get('/api/care/orders?pageSize=50')).body;
    expect(placed.total).toBeGreaterThan(0);
    expect(placed.items.some((o: any) => o.placedAs === 'proxy')).toBe(true);
  });

  it('settled the previous month from records: the payouts equal the settled orders’ subsidies', async () => {
    const month = previousMonth(new Date());
    const s = (await sup.get(`/api/care/settlements?month=${month}`)).body;
    expect(s.providers.length).toBeGreaterThan(0);
    let settled: any[] = [];
    for (let page = 1; ; page++) {
      const r = (await sup.get(`/api/care/orders?status=settled&pageSize=200&page=${page}`)).body;
      settled = settled.concat(r.items);
      if (r.items.length < 200) break;
    }
    const ofMonth = settled.filter((o) => o.settlementMonth === month);
    expect(ofMonth.length).toBeGreaterThan(0);
    const total = s.providers.reduce((n: number, p: any) => n + p.subsidyFen, 0);
    expect(total).toBe(ofMonth.reduce((n, o) => n + o.subsidyFen, 0));
    for (const p of s.providers) expect(p.paidFen).toBe(p.subsidyFen);
    const failed = s.payouts.filter((x: any) => x.status === 'failed');
    expect(failed).toHaveLength(1);
    expect((await sup.get(`/api/problems/${failed[0].problemId}`)).status).toBe(200);
  });

  it('served a month of canteen meals, with today’s menu of 10+ dishes a sitting', async () => {
    const anon = t.client();
    const list = (await anon.get('/api/canteens')).body.items;
    const canteen = list.find((c: any) => c.name === '桂花路健康公益食堂');
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const menu = (await anon.get(`/api/canteens/${canteen.id}/menu?date=${today}`)).body;
    for (const m of menu.meals) expect(m.dishes.length, m.meal).toBeGreaterThanOrEqual(10);
    let served = 0;
    for (let d = 1; d <= 30; d++) {
      const date = new Date(Date.now() + 8 * 3_600_000 - d * 86_400_000).toISOString().slice(0, 10);
      served += (await anon.get(`/api/canteens/served?date=${date}`)).body.total;
    }
    expect(served).toBeGreaterThan(300);
  });
});
