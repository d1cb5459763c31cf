import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakePayments } from '../../../adapters/payments/index.ts';
import type { RecordingSms } from '../../../adapters/sms/index.ts';
import { sha256Hex } from '../../../kernel/ids.ts';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { idNumberFor, usccFor } from '../../../test/services.factories.ts';

const PASSWORD = 'care-settle-2024';
const HOME = { lat: 27.8601, lng: 113.1702 };
/** About 300 m north of HOME. */
const FAR = { lat: 27.8628, lng: 113.1702 };

/**
 * The monthly settlement paid out through the payment channel (the fake): the transfer to each provider
 * equals the subsidy of its verified orders, never of a flagged one; a refused transfer becomes a problem
 * for 区民政局 in /api/problems, and the next run pays what is still owed, once. Also the proxy journey
 * of a station's staff with the elder's SMS code.
 */
describe('care settlement paid through the payment channel', () => {
  let t: TestApp;
  let sup: Client;
  let station: Client;
  let carer: Client;
  let personId: string;
  let providerId: string;
  let workerId: string;
  let uscc: string;
  const pay = () => t.ctx.payments as FakePayments;
  const sms = () => t.ctx.sms as RecordingSms;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    sup = await t.as('demo-supervisor');
    // demo-street is a handler of 月塘街道: as station staff, he orders for residents of his township.
    station = await t.as('demo-street');
    const admin = await t.as('demo-admin');
    const u = await admin.post('/api/users', {
      username: 'carer-li',
      displayName: '李护理',
      password: PASSWORD,
      roles: ['enterprise'],
      scope: { kind: 'own', ref: null },
    });
    expect(u.status, JSON.stringify(u.body)).toBe(201);
    carer = t.client();
    expect((await carer.login('carer-li', PASSWORD)).status).toBe(200);
    const person = await sup.post('/api/registry/persons', {
      name: '刘奶奶',
      idNumber: idNumberFor('1946-05-12', 246),
      phone: '13907334401',
      villageCode: '430202001002',
      address: '东湖社区 5 栋 102',
      tags: ['高龄', '独居'],
    });
    expect(person.status, JSON.stringify(person.body)).toBe(201);
    personId = person.body.id;
    uscc = usccFor(47);
    const prov = await sup.post('/api/directory/providers', {
      name: '荷塘区颐康居家养老服务中心',
      uscc,
      serviceArea: ['430202001'],
      services: ['助洁', '助医', '助浴'],
    });
    expect(prov.status, JSON.stringify(prov.body)).toBe(201);
    providerId = prov.body.id;
    const w = await sup.post(`/api/directory/providers/${providerId}/workers`, {
      name: '李护理',
      userId: u.body.id,
      qualifications: [{ name: '养老护理员（四级）' }],
    });
    workerId = w.body.id;
    expect(
      (
        await sup.post('/api/entitlements/grants', {
          personId,
          kind: 'care_subsidy',
          amount: 50000,
          reference: '2024年3月居家养老服务补贴',
        })
      ).status,
    ).toBe(201);
  });
  afterAll(() => t.close());

  const act = (client: Client, id: string, action: string, body: unknown = {}) =>
    client.post(`/api/care/orders/${id}/actions/${action}`, body);

  /** An order placed by the station for the elder, visited from `at`, confirmed with the elder's SMS code. */
  async function verified(kind: string, at: { lat: number; lng: number } = HOME) {
    const o = await station.post('/api/care/orders', {
      kind,
      personId,
      scheduledAt: t.clock!.now().toISOString(),
      ...HOME,
    });
    expect(o.status, JSON.stringify(o.body)).toBe(201);
    const id = o.body.id as string;
    for (const [a, body] of [
      ['accept', {}],
      ['assign', { workerId }],
      ['depart', {}],
      ['check_in', { ...at, photos: [sha256Hex(`settle-${++seq}`)] }],
    ] as const)
      expect((await act(carer, id, a, body)).status, a).toBe(200);
    t.clock!.advanceHours(2);
    expect(
      (await act(carer, id, 'check_out', { ...at, photos: [sha256Hex(`settle-${++seq}`)] })).status,
    ).toBe(200);
    const code = sms().last('13907334401', 'care_confirm', 'code')!;
    const c = await act(carer, id, 'confirm', { code });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    t.clock!.advanceHours(1);
    return c.body as { id: string; subsidyFen: number; flags: string[]; placedAs: string };
  }

  it('station staff order as proxy; the worker confirms with the code the elder received by SMS', async () => {
    const o = await verified('cleaning');
    expect(o).toMatchObject({ placedAs: 'proxy', flags: [] });
    const detail = await station.get(`/api/care/orders/${o.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.actions.find((a: any) => a.action === 'confirm').data).toMatchObject({
      by: 'sms_code',
    });
    // The proxy rates on the elder's behalf.
    expect((await act(station, o.id, 'rate', { level: 'satisfied' })).body.status).toBe('rated');
  });

  it('pays each provider the subsidy of its verified orders through the channel, flagged ones left out', async () => {
    t.clock!.set('2024-03-11T01:00:00Z');
    await verified('medical');
    await verified('bathing');
    const far = await verified('cleaning', FAR);
    expect(far.flags).toContain('far_checkin');
    const s = await sup.post('/api/care/settlements', { month: '2024-03' });
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    expect(s.body.skipped.map((x: any) => x.orderId)).toEqual([far.id]);
    // The settlement is the sum of the verified orders, read back from the orders themselves.
    const settled = (await sup.get('/api/care/orders?status=settled&pageSize=200')).body.items.filter(
      (o: any) => o.providerId === providerId,
    );
    const sum = settled.reduce((n: number, o: any) => n + o.subsidyFen, 0);
    // The proxy's rated 助洁 of the first test, and this test's 助医 and 助浴.
    expect(settled).toHaveLength(3);
    expect(sum).toBe(5000 + 4000 + 5000);
    expect(s.body.providers).toEqual([{ providerId, orders: 3, subsidyFen: sum, paidFen: sum }]);
    expect(s.body.payouts).toEqual([
      expect.objectContaining({ providerId, amountFen: sum, status: 'paid', problemId: null }),
    ]);
    const transfer = pay().payouts.get(s.body.payouts[0].id)!;
    expect(transfer).toMatchObject({
      amountFen: sum,
      payeeUscc: uscc,
      payeeName: '荷塘区颐康居家养老服务中心',
    });
    expect(transfer.providerTxnId).toBe(s.body.payouts[0].providerTxnId);
    // A second run with nothing new pays nothing.
    const again = await sup.post('/api/care/settlements', { month: '2024-03' });
    expect(again.body.payouts).toHaveLength(1);
  });

  it('turns a refused transfer into a problem for 区民政局; the next run pays what is owed, once', async () => {
    const before = (await sup.get('/api/care/settlements?month=2024-03')).body.providers[0];
    const o = await verified('cleaning');
    pay().refuseNextPayout('收款账户已冻结');
    const s = await sup.post('/api/care/settlements', { month: '2024-03' });
    const failed = s.body.payouts.find((x: any) => x.status === 'failed');
    expect(failed).toMatchObject({ providerId, amountFen: o.subsidyFen, failureReason: '收款账户已冻结' });
    expect(s.body.providers[0]).toMatchObject({
      subsidyFen: before.subsidyFen + o.subsidyFen,
      paidFen: before.paidFen,
    });
    const problem = await sup.get(`/api/problems/${failed.problemId}`);
    expect(problem.status).toBe(200);
    expect(problem.body).toMatchObject({
      categoryCode: 'elderly_care',
      status: 'assigned',
      leadUnit: { name: '区民政局' },
    });
    expect(problem.body.title).toContain('结算支付失败');
    const list = await sup.get('/api/problems?category=elderly_care&pageSize=50');
    expect(list.body.items.map((p: any) => p.id)).toContain(failed.problemId);

    const retry = await sup.post('/api/care/settlements', { month: '2024-03' });
    const paid = retry.body.payouts.filter((x: any) => x.status === 'paid');
    expect(paid.map((x: any) => x.amountFen)).toEqual([before.paidFen, o.subsidyFen]);
    expect(retry.body.providers[0].paidFen).toBe(retry.body.providers[0].subsidyFen);
    expect((await sup.post('/api/care/settlements', { month: '2024-03' })).body.payouts).toHaveLength(3);
  });

  it('lets only supervisors settle', async () => {
    expect((await station.post('/api/care/settlements', { month: '2024-03' })).status).toBe(403);
    expect((await carer.get('/api/care/settlements?month=2024-03')).status).toBe(403);
  });
});
