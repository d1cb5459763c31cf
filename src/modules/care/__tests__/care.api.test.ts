import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingSms } from '../../../adapters/sms/index.ts';
import { sha256Hex } from '../../../kernel/ids.ts';
import { multipart, startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { idNumberFor, usccFor } from '../../../test/services.factories.ts';

const PASSWORD = 'care-test-2024';
const HOME = { lat: 27.8601, lng: 113.1702 };
/** A point about 300 m north of HOME. */
const FAR = { lat: 27.8628, lng: 113.1702 };
const photo = (s: string) => sha256Hex(s);

/**
 * The home-care journey on a real database: an order placed by family as proxy, offered to a provider,
 * assigned, checked in and out with position and photos, confirmed by the SMS code, rated; a check-in
 * 300 m away flagged and left out of settlement; the settlement equal to the verified orders' subsidies
 * drawn from the ledger; a 差评 opens a problem; every staff read of the order is in the access log.
 */
describe('home elderly care orders', () => {
  let t: TestApp;
  let admin: Client;
  let sup: Client;
  let elder: Client;
  let family: Client;
  let caregiver: Client;
  let stranger: Client;
  let personId: string;
  let providerId: string;
  let workerId: string;
  const sms = () => t.ctx.sms as RecordingSms;

  const mkUser = async (username: string, displayName: string, roles: string[], phone?: string) => {
    const r = await admin.post('/api/users', {
      username,
      displayName,
      password: PASSWORD,
      roles,
      phone,
      scope: { kind: 'own', ref: null },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const c = t.client();
    expect((await c.login(username, PASSWORD)).status).toBe(200);
    return { id: r.body.id as string, client: c };
  };

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    admin = await t.as('demo-admin');
    sup = await t.as('demo-supervisor');
    const e = await mkUser('elder-zhang', '张大爷', ['resident'], '13907335555');
    const f = await mkUser('son-zhang', '张小明', ['resident'], '13907336666');
    const c = await mkUser('carer-wang', '王护理', ['enterprise'], '13907337777');
    const s = await mkUser('someone-else', '路人', ['resident']);
    elder = e.client;
    family = f.client;
    caregiver = c.client;
    stranger = s.client;
    const person = await sup.post('/api/registry/persons', {
      name: '张大爷',
      idNumber: idNumberFor('1949-03-01', 135),
      phone: '13907335555',
      villageCode: '430202001001',
      address: '玫瑰名城 3 栋 201',
      tags: ['高龄'],
      userId: e.id,
    });
    expect(person.status).toBe(201);
    personId = person.body.id;
    expect(
      (
        await sup.post(`/api/registry/persons/${personId}/contacts`, {
          kind: 'family',
          name: '张小明',
          relation: '儿子',
          userId: f.id,
        })
      ).status,
    ).toBe(201);
    const prov = await sup.post('/api/directory/providers', {
      name: '荷塘区康乐居家养老服务中心',
      uscc: usccFor(7),
      serviceArea: ['430202001'],
      services: ['助洁', '助餐', '助急'],
    });
    providerId = prov.body.id;
    const w = await sup.post(`/api/directory/providers/${providerId}/workers`, {
      name: '王护理',
      userId: c.id,
      qualifications: [{ name: '养老护理员' }],
    });
    workerId = w.body.id;
    expect(
      (
        await sup.post('/api/entitlements/grants', {
          personId,
          kind: 'care_subsidy',
          amount: 20000,
          reference: '2024年3月',
        })
      ).status,
    ).toBe(201);
  });
  afterAll(() => t.close());

  const order = (client: Client, over: Record<string, unknown> = {}) =>
    client.post('/api/care/orders', {
      kind: 'cleaning',
      personId,
      scheduledAt: '2024-03-04T02:00:00Z',
      ...HOME,
      ...over,
    });
  const act = (client: Client, id: string, action: string, body: unknown = {}) =>
    client.post(`/api/care/orders/${id}/actions/${action}`, body);
  const minutes = (n: number) => t.clock!.advanceHours(n / 60);

  /** Takes an order from placement to checked out; the check-in position is given. */
  async function visit(at: { lat: number; lng: number }, tag: string, durationMin = 100) {
    const o = await order(family);
    expect(o.status, JSON.stringify(o.body)).toBe(201);
    const id = o.body.id;
    expect((await act(caregiver, id, 'accept')).status).toBe(200);
    expect((await act(caregiver, id, 'assign', { workerId })).status).toBe(200);
    expect((await act(caregiver, id, 'depart')).status).toBe(200);
    expect((await act(caregiver, id, 'check_in', { ...at, photos: [photo(`${tag}-in`)] })).status).toBe(200);
    minutes(durationMin);
    const out = await act(caregiver, id, 'check_out', {
      ...at,
      photos: [photo(`${tag}-out`)],
      checklist: ['清扫地面'],
    });
    expect(out.status).toBe(200);
    return out.body;
  }

  it('runs the whole journey: proxy order, dispatch, check-in/out, SMS-code confirmation, rating', async () => {
    const o = await order(family);
    expect(o.status).toBe(201);
    expect(o.body).toMatchObject({
      status: 'requested',
      placedAs: 'family',
      providerId,
      kindName: '助洁',
      priceFen: 8000,
      subsidyFen: 5000,
      copayFen: 3000,
    });
    const id = o.body.id;
    // 403 without the relation, 409 in the wrong status (as in the core).
    expect((await act(stranger, id, 'accept')).status).toBe(404);
    expect((await act(elder, id, 'accept')).status).toBe(403);
    expect((await act(caregiver, id, 'check_in', HOME)).status).toBe(403);
    expect((await act(caregiver, id, 'accept')).status).toBe(200);
    expect((await act(caregiver, id, 'assign', { workerId: 'nobody' })).status).toBe(400);
    expect((await act(caregiver, id, 'assign', { workerId })).status).toBe(200);
    expect((await act(caregiver, id, 'check_out', HOME)).status).toBe(409);
    expect((await act(caregiver, id, 'depart')).status).toBe(200);
    const inside = await act(caregiver, id, 'check_in', { ...HOME, photos: [photo('j-in')] });
    expect(inside.body).toMatchObject({ status: 'on_site', checkinDistanceM: 0, flags: [] });
    minutes(110);
    const out = await act(caregiver, id, 'check_out', {
      ...HOME,
      photos: [photo('j-out')],
      checklist: ['清扫地面'],
    });
    expect(out.body).toMatchObject({ status: 'completed', flags: [] });
    const code = sms().last('13907335555', 'care_confirm', 'code')!;
    expect(code).toMatch(/^\d{6}$/);
    expect(
      (await act(caregiver, id, 'confirm', { code: code === '000000' ? '111111' : '000000' })).status,
    ).toBe(403);
    const confirmed = await act(caregiver, id, 'confirm', { code });
    expect(confirmed.body.status).toBe('confirmed');
    expect((await act(caregiver, id, 'rate', { level: 'satisfied' })).status).toBe(403);
    const rated = await act(elder, id, 'rate', { level: 'very_satisfied' });
    expect(rated.body).toMatchObject({ status: 'rated', ratingLevel: 'very_satisfied', problemId: null });
    expect(rated.body.actions.map((a: any) => a.action)).toEqual([
      'request',
      'accept',
      'assign',
      'depart',
      'check_in',
      'check_out',
      'confirm',
      'rate',
    ]);
    // Lists mask the elder's phone for the worker; the family sees it.
    const list = await caregiver.get('/api/care/orders');
    expect(list.body.items.find((x: any) => x.id === id).elderPhone).toBe('139****5555');
  });

  it('flags a check-in 300 m away, a short visit and a reused photo; settlement leaves them out until cleared', async () => {
    const far = await visit(FAR, 'far');
    expect(far.flags).toContain('far_checkin');
    expect(far.checkinDistanceM).toBeGreaterThan(250);
    const short = await visit(HOME, 'short', 20);
    expect(short.flags).toEqual(['short_visit']);
    const o = await order(family);
    await act(caregiver, o.body.id, 'accept');
    await act(caregiver, o.body.id, 'assign', { workerId });
    const reused = await act(caregiver, o.body.id, 'check_in', { ...HOME, photos: [photo('far-in')] });
    expect(reused.body.flags).toContain('photo_reused');
    // A visit still open overlaps the next one: this worker checks out first.
    minutes(100);
    expect((await act(caregiver, o.body.id, 'check_out', HOME)).body.flags).toContain('photo_reused');
    for (const x of [far, short]) expect((await act(family, x.id, 'confirm')).status).toBe(200);
    const good = await visit(HOME, 'good');
    expect(good.flags).toEqual([]);
    expect((await act(elder, good.id, 'confirm')).status).toBe(200);

    const s = await sup.post('/api/care/settlements', { month: '2024-03' });
    expect(s.status).toBe(200);
    expect(s.body.skipped.map((x: any) => x.orderId).sort()).toEqual([far.id, short.id].sort());
    // The first journey's order and `good`: two verified orders of 50 yuan subsidy each, from the ledger.
    expect(s.body.providers).toEqual([{ providerId, orders: 2, subsidyFen: 10000, paidFen: 10000 }]);
    const acc = await sup.get(`/api/entitlements/accounts?personId=${personId}`);
    expect(acc.body.items[0].balance).toBe(20000 - 10000);

    expect((await act(caregiver, far.id, 'clear_flags', { note: 'x' })).status).toBe(403);
    expect((await act(sup, far.id, 'clear_flags', { note: '核实：楼栋定位偏差' })).status).toBe(200);
    const again = await sup.post('/api/care/settlements', { month: '2024-03' });
    expect(again.body.providers).toEqual([{ providerId, orders: 3, subsidyFen: 15000, paidFen: 15000 }]);
    expect(again.body.skipped.map((x: any) => x.orderId)).toEqual([short.id]);
    const ledger = await sup.get(`/api/entitlements/accounts?personId=${personId}`);
    expect(ledger.body.items[0].balance).toBe(5000);
  });

  it('turns a 差评 into a problem for the civil-affairs unit, visible in /api/problems', async () => {
    const done = await visit(HOME, 'bad');
    await act(elder, done.id, 'confirm');
    const rated = await act(elder, done.id, 'rate', { level: 'very_dissatisfied', comment: '地没扫干净' });
    expect(rated.status).toBe(200);
    expect(rated.body.problemId).toEqual(expect.any(String));
    const problems = await sup.get('/api/problems?category=elderly_care');
    const p = problems.body.items.find((x: any) => x.id === rated.body.problemId);
    expect(p).toMatchObject({ status: 'assigned', leadUnit: { name: '区民政局' } });
    expect((await elder.get(`/api/problems/${rated.body.problemId}`)).status).toBe(200);
  });

  it('writes an access-log row for every staff read of an order (the elder’s record)', async () => {
    const list = await sup.get('/api/care/orders');
    expect(list.body.total).toBeGreaterThan(3);
    const id = list.body.items[0].id;
    const before = (await sup.get(`/api/registry/access-log?personId=${personId}`)).body.items.length;
    await sup.get(`/api/care/orders/${id}`);
    await caregiver.get(`/api/care/orders/${id}`);
    await elder.get(`/api/care/orders/${id}`);
    const after = (await sup.get(`/api/registry/access-log?personId=${personId}`)).body.items;
    expect(after.length).toBe(before + 2);
    expect(
      after
        .slice(0, 2)
        .map((a: any) => a.actorName)
        .sort(),
    ).toEqual(['周督查', '王护理'].sort());
  });

  it('refuses an order for someone who is not family, and a failed visit needs a known reason', async () => {
    expect((await order(stranger)).status).toBe(403);
    const o = await order(elder, { kind: 'emergency' });
    expect(o.body).toMatchObject({ urgent: true, placedAs: 'self' });
    await act(caregiver, o.body.id, 'accept');
    await act(caregiver, o.body.id, 'assign', { workerId });
    expect((await act(caregiver, o.body.id, 'fail', { reason: 'gone' })).status).toBe(400);
    const failed = await act(caregiver, o.body.id, 'fail', { reason: 'not_home' });
    expect(failed.body).toMatchObject({ status: 'failed', failureReason: 'not_home' });
    expect((await caregiver.get('/api/care/orders')).body.items[0].urgent).toBe(true);
  });

  it('takes the visit photos as uploaded files: shown on the order, hashed as stored, a reused one flagged', async () => {
    const sharp = (await import('sharp')).default;
    const png = (r: number) =>
      sharp({ create: { width: 64, height: 48, channels: 3, background: { r, g: 90, b: 40 } } })
        .png()
        .toBuffer();
    const upload = async (client: Client, data: Buffer) => {
      const m = multipart('file', 'visit.png', data, 'image/png');
      const r = await client.request('POST', '/api/attachments', m.body, m.headers);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    };
    const ready = async () => {
      const o = await order(family);
      await act(caregiver, o.body.id, 'accept');
      await act(caregiver, o.body.id, 'assign', { workerId });
      return o.body.id as string;
    };
    const first = await ready();
    const inPhoto = await png(10);
    const a = await upload(caregiver, inPhoto);
    // Someone else's upload is refused: a 400 naming it, nothing changes.
    const other = await upload(family, await png(20));
    const refused = await act(caregiver, first, 'check_in', { ...HOME, attachmentIds: [other] });
    expect(refused.status).toBe(400);
    const ci = await act(caregiver, first, 'check_in', { ...HOME, attachmentIds: [a] });
    expect(ci.status, JSON.stringify(ci.body)).toBe(200);
    expect(ci.body.flags).toEqual([]);
    minutes(100);
    const b = await upload(caregiver, await png(30));
    expect((await act(caregiver, first, 'check_out', { ...HOME, attachmentIds: [b] })).status).toBe(200);
    const seen = (await sup.get(`/api/care/orders/${first}`)).body;
    expect(seen.photoFiles.map((f: { id: string }) => f.id)).toEqual([a, b]);
    const file = await sup.get(seen.photoFiles[0].url);
    expect(file.status, String(file.raw)).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    // A stranger cannot read it, and a file taken for an order is attached to nothing else.
    expect((await stranger.get(seen.photoFiles[0].url)).status).toBe(404);
    const second = await ready();
    expect((await act(caregiver, second, 'check_in', { ...HOME, attachmentIds: [a] })).status).toBe(400);
    // The same photo uploaded again for another visit: the stored bytes hash alike, the order is flagged.
    const again = await upload(caregiver, inPhoto);
    const flagged = await act(caregiver, second, 'check_in', { ...HOME, attachmentIds: [again] });
    expect(flagged.status).toBe(200);
    expect(flagged.body.flags).toContain('photo_reused');
  });

  it('counts the big screen’s figures from the records: today’s orders by kind, subsidy spent, satisfaction', async () => {
    const now = t.ctx.clock.now().getTime();
    const dayStart = Math.floor((now + 8 * 3_600_000) / 86_400_000) * 86_400_000 - 8 * 3_600_000;
    const from = new Date(dayStart).toISOString();
    const to = new Date(dayStart + 86_400_000).toISOString();
    const direct = async () => {
      const orders = await t.ctx.db
        .selectFrom('care_orders')
        .select(['kind'])
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .execute();
      const spends = await t.ctx.db
        .selectFrom('entitlement_entries')
        .select(['amount'])
        .where('kind', '=', 'spend')
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .execute();
      return {
        cleaning: orders.filter((o) => o.kind === 'cleaning').length,
        orders: orders.length,
        // Spends are stored as negative changes of the balance.
        spent: spends.reduce((sum, e) => sum - Number(e.amount), 0),
      };
    };
    const before = (await sup.get('/api/care/today')).body;
    const d = await direct();
    expect(before.orders).toBe(d.orders);
    expect(before.ordersByKind.find((k: { kind: string }) => k.kind === 'cleaning').count).toBe(d.cleaning);
    expect(before.subsidySpentFen).toBe(d.spent);
    expect(before.subsidySpentFen).toBeGreaterThan(0);
    expect(before.satisfaction.rated).toBeGreaterThan(0);
    expect((await order(family)).status).toBe(201);
    const after = (await sup.get('/api/care/today')).body;
    expect(after.orders).toBe(before.orders + 1);
    expect(after.ordersByKind.find((k: { kind: string }) => k.kind === 'cleaning').count).toBe(
      d.cleaning + 1,
    );
    expect((await t.client().get('/api/care/today')).status).toBe(401);
  });
});
