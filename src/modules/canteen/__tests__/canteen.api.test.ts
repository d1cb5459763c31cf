import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakePayments } from '../../../adapters/payments/index.ts';
import type { RecordingSms } from '../../../adapters/sms/index.ts';
import { sha256Hex } from '../../../kernel/ids.ts';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { idNumberFor, usccFor } from '../../../test/services.factories.ts';

const PASSWORD = 'canteen-test-2024';
const DISHES = [
  ['红烧肉', '荤菜', ['软食'], []],
  ['清蒸鲈鱼', '荤菜', ['低盐'], ['鱼']],
  ['番茄炒蛋', '荤菜', ['软食'], ['蛋']],
  ['肉末豆腐', '荤菜', ['软食', '低盐'], ['大豆']],
  ['清炒小白菜', '素菜', ['低盐'], []],
  ['蒜蓉西兰花', '素菜', ['低盐'], []],
  ['凉拌木耳', '素菜', [], []],
  ['冬瓜排骨汤', '汤', ['低盐'], []],
  ['紫菜蛋花汤', '汤', ['低盐'], ['蛋']],
  ['米饭', '主食', [], []],
  ['南瓜小米粥', '主食', ['软食', '低糖'], []],
] as const;

/**
 * The public canteen on a real database: menus with diet tags and allergens, check-ins by card, ID
 * card, phone code and staff, each priced by category; the subsidy drawn from the same meal-subsidy
 * entitlement as 助餐 care orders (no sitting subsidised twice, either way round); the day's close
 * against the kitchen; 留样; copays through the fake channel with duplicate, lost and out-of-order
 * callbacks and a mismatched statement.
 */
describe('the public canteen', () => {
  let t: TestApp;
  let sup: Client;
  let counter: Client;
  let stranger: Client;
  let canteenId: string;
  let elderId: string;
  let assistedId: string;
  let providerId: string;
  let workerId: string;
  const dishIds: string[] = [];
  const sms = () => t.ctx.sms as RecordingSms;
  const pay = () => t.ctx.payments as FakePayments;
  const at = (iso: string) => t.clock!.set(iso);

  const mkUser = async (username: string, roles: string[]) => {
    const admin = await t.as('demo-admin');
    const r = await admin.post('/api/users', {
      username,
      displayName: username,
      password: PASSWORD,
      roles,
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
    const staff = await mkUser('canteen-staff', ['enterprise']);
    counter = staff.client;
    stranger = (await mkUser('canteen-stranger', ['enterprise'])).client;
    const prov = await sup.post('/api/directory/providers', {
      name: '桂花路健康公益食堂运营中心',
      uscc: usccFor(31),
      serviceArea: ['430202001'],
      services: ['助餐'],
    });
    providerId = prov.body.id;
    workerId = (
      await sup.post(`/api/directory/providers/${providerId}/workers`, { name: '食堂窗口', userId: staff.id })
    ).body.id;
    const place = await sup.post('/api/directory/places', {
      kind: 'canteen',
      name: '桂花路健康公益食堂',
      providerId,
      villageCode: '430202001001',
      address: '桂花路 18 号',
      lat: 27.8601,
      lng: 113.1702,
      hours: [{ rrule: 'FREQ=DAILY', opens: '11:00', closes: '13:00', label: '午餐' }],
    });
    expect(place.status, JSON.stringify(place.body)).toBe(201);
    canteenId = place.body.id;
    const elder = await sup.post('/api/registry/persons', {
      name: '张大爷',
      idNumber: idNumberFor('1949-03-01', 135),
      phone: '13907338801',
      villageCode: '430202001001',
      address: '玫瑰名城 3 栋 201',
    });
    elderId = elder.body.id;
    const assisted = await sup.post('/api/registry/persons', {
      name: '李奶奶',
      idNumber: idNumberFor('1958-06-01', 246),
      villageCode: '430202001001',
      tags: ['低保'],
    });
    assistedId = assisted.body.id;
    expect(
      (
        await sup.post('/api/entitlements/grants', {
          personId: elderId,
          kind: 'meal_subsidy',
          amount: 3000,
          reference: '2024年3月',
        })
      ).status,
    ).toBe(201);
    for (const [name, course, dietTags, allergens] of DISHES) {
      const d = await counter.post(`/api/canteens/${canteenId}/dishes`, {
        name,
        course,
        dietTags,
        allergens,
      });
      expect(d.status, JSON.stringify(d.body)).toBe(201);
      dishIds.push(d.body.id);
    }
    for (const meal of ['lunch', 'supper'])
      for (const date of ['2024-03-04', '2024-03-05'])
        expect(
          (await counter.request('PUT', `/api/canteens/${canteenId}/menu`, { date, meal, dishIds })).status,
        ).toBe(200);
  });
  afterAll(() => t.close());

  const checkIn = (body: Record<string, unknown>, client = counter) =>
    client.post(`/api/canteens/${canteenId}/checkins`, body);
  const accountBalance = async () =>
    (await sup.get(`/api/entitlements/accounts?personId=${elderId}`)).body.items.find(
      (a: any) => a.kind === 'meal_subsidy',
    ).balance as number;

  it('publishes the menu with 10+ dishes a sitting, diet tags, allergens and the price by category', async () => {
    at('2024-03-04T01:00:00Z');
    const anon = t.client();
    const list = await anon.get('/api/canteens');
    expect(list.body).toMatchObject({ total: 1, nextCursor: null });
    expect(list.body.items[0]).toMatchObject({ name: '桂花路健康公益食堂', kind: 'canteen' });
    const menu = await anon.get(`/api/canteens/${canteenId}/menu?date=2024-03-04`);
    expect(menu.status).toBe(200);
    expect(menu.body.meals.map((m: any) => m.meal)).toEqual(['lunch', 'supper']);
    expect(menu.body.meals[0].dishes.length).toBeGreaterThanOrEqual(10);
    expect(menu.body.meals[0].dishes.find((d: any) => d.name === '清蒸鲈鱼')).toMatchObject({
      dietTags: ['低盐'],
      allergens: ['鱼'],
    });
    const lunch = Object.fromEntries(menu.body.meals[0].prices.map((p: any) => [p.category, p]));
    expect(lunch.age_70_79).toMatchObject({ baseFen: 1500, subsidyFen: 500, copayFen: 1000 });
    expect(lunch.other).toMatchObject({ baseFen: 1500, subsidyFen: 0, copayFen: 1500 });
    expect((await anon.get(`/api/canteens/${canteenId}/menu?date=2024-3-4`)).status).toBe(400);
    const xml = await anon.get(`/api/canteens/${canteenId}/feed.xml?from=2024-03-04&days=3`);
    expect(xml.headers['content-type']).toContain('xml');
    const text = String(xml.raw);
    expect(text).toContain('<openmensa version="2.1" xmlns="http://openmensa.org/open-mensa-v2"');
    expect(text).toContain('<day date="2024-03-04">');
    expect(text).toContain('<day date="2024-03-06">\n      <closed/>');
    expect(text).toContain('<note>含鱼</note>');
    expect(text).toContain('<price role="other">15.00</price>');
    const json = await anon.get(`/api/canteens/${canteenId}/feed.json?from=2024-03-04&days=2`);
    expect(json.body.days[0].meals.length).toBe(2 * DISHES.length);
    expect(json.body.days[0].meals[0].prices.age_70_79).toBe(10);
  });

  it('checks diners in by staff, card, ID card and phone code, priced by category; one check-in a sitting', async () => {
    at('2024-03-04T03:00:00Z'); // 11:00 in Hetang: lunch
    expect((await checkIn({ method: 'staff', personId: elderId }, stranger)).status).toBe(403);
    expect((await checkIn({ method: 'card' })).status).toBe(400);
    const first = await checkIn({ method: 'staff', personId: elderId });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      meal: 'lunch',
      date: '2024-03-04',
      dinerCategory: 'age_70_79',
      status: 'served',
      baseFen: 1500,
      subsidyFen: 500,
      copayFen: 1000,
      dinerName: '张**',
    });
    expect(await accountBalance()).toBe(2500);
    expect((await checkIn({ method: 'id_card', idNumber: idNumberFor('1949-03-01', 135) })).status).toBe(409);
    // 低保 without an entitlement account: priced as assisted, the full price paid with a note why.
    const assisted = await checkIn({ method: 'id_card', idNumber: idNumberFor('1958-06-01', 246) });
    expect(assisted.body).toMatchObject({ dinerCategory: 'assisted', subsidyFen: 0, copayFen: 1500 });
    expect(assisted.body.subsidyNote).toContain('无助餐补贴资格');
    expect(
      (await sup.post(`/api/canteens/${canteenId}/cards`, { cardNo: 'HT-0001', personId: assistedId }))
        .status,
    ).toBe(201);
    expect((await checkIn({ method: 'card', cardNo: 'HT-0001' })).status).toBe(409);
    expect((await checkIn({ method: 'card', cardNo: 'HT-9999' })).status).toBe(404);
    // Phone code: the counter asks for a code, the diner reads it out; a wrong one is refused.
    at('2024-03-04T10:00:00Z'); // 18:00: supper
    expect((await counter.post(`/api/canteens/${canteenId}/codes`, { phone: '13907338801' })).status).toBe(
      200,
    );
    const code = sms().last('13907338801', 'otp', 'code')!;
    expect(
      (
        await checkIn({
          method: 'phone_code',
          phone: '13907338801',
          code: code === '000000' ? '111111' : '000000',
        })
      ).status,
    ).toBe(403);
    const supper = await checkIn({ method: 'phone_code', phone: '13907338801', code });
    expect(supper.body).toMatchObject({ meal: 'supper', subsidyFen: 500, baseFen: 1200, copayFen: 700 });
    expect(await accountBalance()).toBe(2000);
    const served = await t.client().get('/api/canteens/served?date=2024-03-04');
    expect(served.body).toMatchObject({ total: 3, latestDate: '2024-03-04' });
    expect(served.body.canteens[0]).toMatchObject({ lunch: 2, supper: 1 });
  });

  it('answers a malformed ID number at the counter with 400 saying why (zh and en), an unknown one with 404', async () => {
    at('2024-03-05T03:00:00Z');
    const good = idNumberFor('1949-03-01', 135);
    const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const zh = await counter.post(
      `/api/canteens/${canteenId}/checkins`,
      { method: 'id_card', idNumber: wrongCheck },
      { 'accept-language': 'zh-CN' },
    );
    expect(zh.status).toBe(400);
    expect(zh.body.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('校验位') });
    const en = await counter.post(
      `/api/canteens/${canteenId}/checkins`,
      { method: 'id_card', idNumber: '4302021949' },
      { 'accept-language': 'en' },
    );
    expect(en.status).toBe(400);
    expect(en.body.error.message).toContain('an ID number has 18 characters, this one has 10');
    expect(en.body.error.message).not.toMatch(/[\u4e00-\u9fff]/);
    // Well formed but nobody's: not found, and nothing was checked in.
    const unknown = await checkIn({ method: 'id_card', idNumber: idNumberFor('1950-01-01', 777) });
    expect(unknown.status).toBe(404);
  });

  it('draws 助餐 deliveries and canteen sittings on one entitlement: never the same sitting twice', async () => {
    const care = async (scheduledAt: string) => {
      const o = await sup.post('/api/care/orders', { kind: 'meals', personId: elderId, scheduledAt });
      expect(o.status, JSON.stringify(o.body)).toBe(201);
      const id = o.body.id;
      const act = (a: string, b: unknown = {}) => counter.post(`/api/care/orders/${id}/actions/${a}`, b);
      expect((await act('accept')).status).toBe(200);
      expect((await act('assign', { workerId })).status).toBe(200);
      expect(
        (await act('check_in', { lat: 27.86, lng: 113.17, photos: [sha256Hex(`in-${scheduledAt}`)] })).status,
      ).toBe(200);
      t.clock!.advanceHours(0.5);
      expect((await act('check_out', { photos: [sha256Hex(`out-${scheduledAt}`)] })).status).toBe(200);
      // Ordered by the supervisor for the elder: confirmed as the proxy.
      expect((await sup.post(`/api/care/orders/${id}/actions/confirm`, {})).status).toBe(200);
      return id;
    };
    // A delivery for the supper the elder already ate at the canteen: settlement skips it.
    at('2024-03-04T10:30:00Z');
    const supperOrder = await care('2024-03-04T10:00:00Z');
    // A delivery for tomorrow's lunch, settled before the elder walks to the canteen.
    at('2024-03-05T03:30:00Z');
    const lunchOrder = await care('2024-03-05T03:30:00Z');
    const s = await sup.post('/api/care/settlements', { month: '2024-03' });
    expect(s.status).toBe(200);
    expect(s.body.skipped.find((x: any) => x.orderId === supperOrder).reason).toContain('已享受过补贴');
    expect(s.body.providers).toEqual([{ providerId, orders: 1, subsidyFen: 500, paidFen: 500 }]);
    expect((await sup.get(`/api/care/orders/${lunchOrder}`)).body.status).toBe('settled');
    expect(await accountBalance()).toBe(1500);
    at('2024-03-05T04:00:00Z');
    const lunch = await checkIn({ method: 'staff', personId: elderId });
    expect(lunch.body).toMatchObject({ meal: 'lunch', subsidyFen: 0, copayFen: 1500 });
    expect(lunch.body.subsidyNote).toContain('已享受过补贴');
    expect(await accountBalance()).toBe(1500);
    const acc = (await sup.get(`/api/entitlements/accounts?personId=${elderId}`)).body.items[0];
    const entries = (await sup.get(`/api/entitlements/accounts/${acc.id}/entries`)).body.items;
    const occasions = entries.filter((e: any) => e.kind === 'spend').map((e: any) => e.occasion);
    expect(occasions.sort()).toEqual([
      'meal:2024-03-04:lunch',
      'meal:2024-03-04:supper',
      'meal:2024-03-05:lunch',
    ]);
  });

  it('voids a check-in (a correction gives the subsidy back), closes the day against the kitchen and flags a difference', async () => {
    at('2024-03-05T04:10:00Z');
    const list = await counter.get(`/api/canteens/${canteenId}/checkins?date=2024-03-05`);
    expect(list.body.total).toBe(1);
    const mistaken = await checkIn({ method: 'staff' });
    expect(mistaken.body).toMatchObject({ dinerCategory: 'other', copayFen: 1500 });
    expect(
      (await counter.post(`/api/canteens/${canteenId}/checkins/${mistaken.body.id}/actions/void`, {})).status,
    ).toBe(400);
    expect(
      (
        await stranger.post(`/api/canteens/${canteenId}/checkins/${mistaken.body.id}/actions/void`, {
          reason: '重复登记',
        })
      ).status,
    ).toBe(403);
    const voided = await counter.post(
      `/api/canteens/${canteenId}/checkins/${mistaken.body.id}/actions/void`,
      {
        reason: '重复登记',
      },
    );
    expect(voided.body.status).toBe('voided');
    expect(
      (
        await counter.post(`/api/canteens/${canteenId}/checkins/${mistaken.body.id}/actions/void`, {
          reason: '重复登记',
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await counter.post(
          `/api/canteens/${canteenId}/checkins/${mistaken.body.id}/actions/confirm_payment`,
          {},
        )
      ).status,
    ).toBe(403);
    // A subsidised check-in voided: the subsidy goes back to the account by a correction entry.
    expect(
      (
        await sup.post('/api/entitlements/grants', {
          personId: assistedId,
          kind: 'meal_subsidy',
          amount: 1200,
          reference: '2024年3月',
        })
      ).status,
    ).toBe(201);
    const subsidised = await checkIn({ method: 'card', cardNo: 'HT-0001' });
    expect(subsidised.body).toMatchObject({ dinerCategory: 'assisted', subsidyFen: 1200, copayFen: 300 });
    await counter.post(`/api/canteens/${canteenId}/checkins/${subsidised.body.id}/actions/void`, {
      reason: '刷错卡',
    });
    const acc = (await sup.get(`/api/entitlements/accounts?personId=${assistedId}`)).body.items[0];
    expect(acc.balance).toBe(1200);
    const kinds = (await sup.get(`/api/entitlements/accounts/${acc.id}/entries`)).body.items.map((e: any) => [
      e.kind,
      e.amount,
    ]);
    expect(kinds).toEqual([
      ['grant', 1200],
      ['spend', -1200],
      ['correction', 1200],
    ]);
    // 2024-03-04: two lunches and one supper at the counter; the kitchen served three lunches.
    const day = `/api/canteens/${canteenId}/days/2024-03-04`;
    expect((await counter.post(`${day}/actions/resolve`, { note: '核实' })).status).toBe(403);
    expect((await sup.post(`${day}/actions/resolve`, { note: '核实' })).status).toBe(409);
    expect((await counter.post(`${day}/actions/close`, { kitchenCounts: { lunch: -1 } })).status).toBe(400);
    const closed = await counter.post(`${day}/actions/close`, { kitchenCounts: { lunch: 3, supper: 1 } });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body).toMatchObject({
      status: 'mismatch',
      counts: { lunch: 2, supper: 1 },
      kitchenCounts: { lunch: 3, supper: 1 },
      problemId: expect.any(String),
    });
    expect(closed.body.actions.map((a: any) => a.action)).toEqual(['close', 'flag_mismatch']);
    const problem = await sup.get(`/api/problems/${closed.body.problemId}`);
    expect(problem.body).toMatchObject({ status: 'assigned', leadUnit: { name: '区民政局' } });
    expect(problem.body.description).toContain('窗口登记 2 份，后厨出餐 3 份');
    expect((await counter.post(`${day}/actions/close`, { kitchenCounts: { lunch: 2 } })).status).toBe(409);
    expect((await sup.post(`${day}/actions/resolve`, { note: '后厨多备一份试吃' })).body.status).toBe(
      'closed',
    );
    // A closed day takes no more check-ins; 2024-03-05 closes cleanly.
    const clean = await counter.post(`/api/canteens/${canteenId}/days/2024-03-05/actions/close`, {
      kitchenCounts: { lunch: 1 },
    });
    expect(clean.body, JSON.stringify(clean.body)).toMatchObject({ status: 'closed', problemId: null });
    expect((await checkIn({ method: 'staff', personId: assistedId })).status).toBe(409);
  });

  it('keeps 留样 samples of the configured grams for the configured hours', async () => {
    at('2024-03-05T04:20:00Z');
    const url = `/api/canteens/${canteenId}/samples`;
    expect((await counter.post(url, { meal: 'lunch', dishId: dishIds[0], grams: 100 })).status).toBe(400);
    expect((await counter.post(url, { meal: 'lunch', dishId: 'nope', grams: 150 })).status).toBe(400);
    const s = await counter.post(url, { meal: 'lunch', dishId: dishIds[0], grams: 150 });
    expect(s.status).toBe(201);
    expect(s.body).toMatchObject({
      grams: 150,
      dishName: DISHES[0][0],
      keptUntil: '2024-03-07T04:20:00.000Z',
    });
    expect((await counter.get(`${url}?date=2024-03-05`)).body.total).toBe(1);
    expect((await stranger.get(`${url}?date=2024-03-05`)).status).toBe(403);
  });

  it('takes copays through the channel: duplicate, out-of-order and lost callbacks; a mismatched statement', async () => {
    at('2024-03-06T03:00:00Z');
    const post = (cb: { channel: string; body: string; signature: string }) =>
      t.client().post(`/api/payments/callbacks/${cb.channel}`, cb.body, {
        'x-signature': cb.signature,
        'content-type': 'application/json',
      });
    pay().inject('duplicate');
    const dup = await checkIn({ method: 'staff', payWith: 'wechat' });
    expect(dup.body).toMatchObject({
      status: 'awaiting_payment',
      copayFen: 1500,
      paymentId: expect.any(String),
    });
    const [a, b] = pay().takeCallbacks();
    const first = await post(a!);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.outcome).toBe('applied');
    expect((await post(b!)).body.outcome).toBe('duplicate');
    expect((await post({ ...a!, signature: 'f'.repeat(64) })).status).toBe(401);
    const afterDup = (await counter.get(`/api/canteens/${canteenId}/checkins?date=2024-03-06`)).body.items;
    expect(afterDup.find((m: any) => m.id === dup.body.id).status).toBe('served');
    const payment = await sup.get(`/api/payments/${dup.body.paymentId}`);
    expect(payment.body).toMatchObject({ status: 'paid', receiptNo: expect.stringMatching(/^\d{18}$/) });
    expect(payment.body.callbacks.map((c: any) => c.outcome)).toEqual(['received']);

    pay().inject('out_of_order');
    const ooo = await checkIn({ method: 'staff', payWith: 'wechat' });
    const outcomes = [];
    for (const cb of pay().takeCallbacks()) outcomes.push((await post(cb)).body.outcome);
    expect(outcomes).toEqual(['applied', 'stale']);
    expect((await sup.get(`/api/payments/${ooo.body.paymentId}`)).body.status).toBe('paid');

    pay().inject('lost');
    const lost = await checkIn({ method: 'staff', payWith: 'wechat' });
    expect(pay().takeCallbacks()).toEqual([]);
    pay().inject('statement_amount');
    const wrong = await checkIn({ method: 'staff', payWith: 'wechat' });
    for (const cb of pay().takeCallbacks()) await post(cb);
    expect((await sup.get(`/api/payments/${lost.body.paymentId}`)).body.status).toBe('pending');

    expect(
      (await counter.post('/api/payments/reconciliations', { channel: 'wechat', date: '2024-03-06' })).status,
    ).toBe(403);
    const rec = await sup.post('/api/payments/reconciliations', { channel: 'wechat', date: '2024-03-06' });
    expect(rec.status, JSON.stringify(rec.body)).toBe(200);
    expect(rec.body).toMatchObject({
      statementLines: 4,
      recovered: 1,
      matched: 3,
      problemId: expect.any(String),
    });
    expect(rec.body.mismatches).toEqual([
      { paymentId: wrong.body.paymentId, reason: expect.stringContaining('金额不符') },
    ]);
    const lostNow = (
      await counter.get(`/api/canteens/${canteenId}/checkins?date=2024-03-06`)
    ).body.items.find((m: any) => m.id === lost.body.id);
    expect(lostNow.status).toBe('served');
    expect((await sup.get(`/api/problems/${rec.body.problemId}`)).body.title).toContain('对账不符 1 笔');
    expect(
      (await sup.post('/api/payments/reconciliations', { channel: 'wechat', date: '2024-03-06' })).status,
    ).toBe(409);
  });
});
