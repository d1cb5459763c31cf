import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingSms } from '../../../adapters/sms/index.ts';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';

/** Issue 22: the 12345 centre takes a call, tells the caller, and calls back after closure. */
describe('the hotline centre', () => {
  let t: TestApp;
  let operator: Client, supervisor: Client, unit: Client, resident: Client, leader: Client;
  let hrUnitId: string;
  const sms = () => t.ctx.sms as RecordingSms;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference', clock: new Date('2024-09-27T01:00:00Z') });
    operator = await t.as('demo-operator');
    supervisor = await t.as('demo-supervisor');
    unit = await t.as('demo-unit');
    resident = await t.as('demo-resident');
    leader = await t.as('demo-leader');
    hrUnitId = (await supervisor.get('/api/units?q=人力资源')).body.items[0].id;
  });
  afterAll(() => t.close());

  const call = (phone: string, extra: Record<string, unknown> = {}) =>
    operator.post('/api/hotline/calls', {
      caller: { phone, name: '李女士' },
      callbackConsent: true,
      addressSaid: '月塘街道文化路 12 号',
      villageCode: '430202001001',
      categoryCode: 'jobs',
      title: '零工市场缺少遮阳棚',
      description: '夏天等活的工人没有地方避暑，希望搭建遮阳棚。',
      ...extra,
    });

  it('finds the township and the village from the words of the address', async () => {
    const r = await operator.get(`/api/hotline/place?address=${encodeURIComponent('月塘街道文化路')}`);
    expect(r.status).toBe(200);
    expect(r.body.items[0]).toMatchObject({
      townshipCode: '430202001',
      townshipName: '月塘街道',
      villageCode: '430202001001',
      villageName: '文化路社区居委会',
    });
    expect(r.body.items[0].matched).toEqual(['月塘街道', '文化路']);
    // A township said alone is a reading without a village.
    const town = await operator.get(`/api/hotline/place?address=${encodeURIComponent('宋家桥街道那边')}`);
    expect(town.body.items[0]).toMatchObject({ townshipCode: '430202003', villageCode: null });
    expect((await operator.get('/api/hotline/place?address=')).status).toBe(400);
    expect((await resident.get('/api/hotline/place?address=x')).status).toBe(403);
  });

  it('takes a call into a hotline problem, masks the number for others and texts the caller', async () => {
    const r = await call('13907332201', { cityOrderNumber: 'ZZ12345-20240927-001', urgency: 'urgent' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.problem).toMatchObject({ channel: 'hotline', status: 'submitted', urgency: 'urgent' });
    expect(r.body.problem.reporter).toEqual({ name: '李女士', phone: '13907332201' });
    expect(r.body.call).toMatchObject({
      callerPhone: '13907332201',
      callbackConsent: true,
      cityOrderNumber: 'ZZ12345-20240927-001',
      addressSaid: '月塘街道文化路 12 号',
      problemNumber: r.body.problem.number,
    });
    const seen = await leader.get(`/api/problems/${r.body.problem.id}`);
    expect(seen.body.reporter.phone).toBe('139****2201');
    expect(sms().last('13907332201', 'problem_accepted', 'number')).toBe(r.body.problem.number);

    // The same work order of the city platform is taken once.
    const again = await call('13907332201', { cityOrderNumber: 'ZZ12345-20240927-001' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');

    // The caller's earlier calls, newest first.
    const history = await operator.get('/api/hotline/calls?phone=13907332201');
    expect(history.status).toBe(200);
    expect(history.body.items.map((c: { problemId: string }) => c.problemId)).toEqual([r.body.problem.id]);
    expect(history.body).toMatchObject({ total: 1, nextCursor: null });
  });

  it('keeps no number on the problem of a caller who did not agree to be called back', async () => {
    const before = sms().sent.length;
    const r = await call('13907332202', { callbackConsent: false });
    expect(r.status).toBe(201);
    expect(r.body.problem.reporter).toEqual({ name: '李女士', phone: null });
    expect(r.body.call.callerPhone).toBe('13907332202');
    expect(sms().sent.length).toBe(before);
  });

  it('refuses bad calls with 400 and the hotline label to anyone but the centre with 403', async () => {
    const bad = await call('12345', {});
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation');
    const future = await call('13907332203', { calledAt: '2030-01-01T00:00:00Z' });
    expect(future.status).toBe(400);
    const unknown = await call('13907332203', { villageCode: '430202999999' });
    expect(unknown.status).toBe(400);
    expect((await resident.post('/api/hotline/calls', {})).status).toBe(403);
    const report = {
      categoryCode: 'jobs',
      title: '零工市场缺少遮阳棚',
      description: '夏天等活的工人没有地方避暑。',
      villageCode: '430202001001',
      channel: 'hotline',
    };
    const byResident = await resident.post('/api/problems', report);
    expect(byResident.status).toBe(403);
    expect(byResident.body.error.details[0].path).toBe('channel');
    expect((await unit.post('/api/problems', report)).status).toBe(403);
    expect((await operator.post('/api/problems', report)).status).toBe(201);
  });

  it('texts the reporter at dispatch, closure and reopening, and calls back after closure', async () => {
    const phone = '13907332204';
    const { problem } = (await call(phone)).body;
    const id = problem.id as string;
    expect(
      (await supervisor.post(`/api/problems/${id}/actions/dispatch`, { leadUnitId: hrUnitId })).status,
    ).toBe(200);
    expect(sms().last(phone, 'problem_dispatched', 'unit')).toBe('区人力资源和社会保障局');
    expect(sms().last(phone, 'problem_dispatched', 'due')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    await unit.post(`/api/problems/${id}/actions/sign`, {});
    await unit.post(`/api/problems/${id}/actions/request_closure`, { summary: '已搭建遮阳棚' });
    expect((await supervisor.post(`/api/problems/${id}/actions/verify`, {})).body.status).toBe('closed');
    expect(
      sms()
        .to(phone)
        .map((m) => m.template),
    ).toEqual(['problem_accepted', 'problem_dispatched', 'problem_closed']);

    // In the follow-up queue until a call reaches the reporter.
    const queue = async () =>
      (await operator.get('/api/hotline/follow-ups?pageSize=200')).body.items.find(
        (i: { problemId: string }) => i.problemId === id,
      );
    expect(await queue()).toMatchObject({ number: problem.number, reporterPhone: phone, attempts: 0 });
    const missed = await operator.post(`/api/hotline/follow-ups/${id}/calls`, { outcome: 'no_answer' });
    expect(missed.status).toBe(201);
    expect(await queue()).toMatchObject({ attempts: 1, lastOutcome: 'no_answer' });
    const noRating = await operator.post(`/api/hotline/follow-ups/${id}/calls`, { outcome: 'reached' });
    expect(noRating.status).toBe(400);
    expect(
      (await resident.post(`/api/hotline/follow-ups/${id}/calls`, { outcome: 'no_answer' })).status,
    ).toBe(403);

    const before = (await supervisor.get(`/api/stats/summary?channel=hotline`)).body.totals;
    const reached = await operator.post(`/api/hotline/follow-ups/${id}/calls`, {
      outcome: 'reached',
      rating: 'satisfied',
      note: '遮阳棚已经搭好',
    });
    expect(reached.status, JSON.stringify(reached.body)).toBe(201);
    expect(reached.body.call).toMatchObject({
      outcome: 'reached',
      rating: 'satisfied',
      operatorName: '王话务',
    });
    expect(reached.body.problem.rating).toBe('satisfied');
    // The rating counts in 满意率 like the reporter's own.
    const after = (await supervisor.get(`/api/stats/summary?channel=hotline`)).body.totals;
    expect(after.rated).toBe(before.rated + 1);
    const satisfied = (k: { rated: number; satisfactionRate: number | null }) =>
      Math.round((k.satisfactionRate ?? 0) * k.rated);
    expect(satisfied(after)).toBe(satisfied(before) + 1);
    expect(await queue()).toBeUndefined();
    const notWaiting = await operator.post(`/api/hotline/follow-ups/${id}/calls`, { outcome: 'no_answer' });
    expect(notWaiting.status).toBe(409);
    expect((await operator.post('/api/hotline/follow-ups/nope/calls', { outcome: 'no_answer' })).status).toBe(
      404,
    );
  });

  it('reopens on 不满意 at the follow-up call and texts the reporter', async () => {
    const phone = '13907332205';
    const id = (await call(phone)).body.problem.id as string;
    await supervisor.post(`/api/problems/${id}/actions/dispatch`, { leadUnitId: hrUnitId });
    await unit.post(`/api/problems/${id}/actions/sign`, {});
    await unit.post(`/api/problems/${id}/actions/request_closure`, { summary: '已搭建遮阳棚' });
    await supervisor.post(`/api/problems/${id}/actions/verify`, {});
    const r = await operator.post(`/api/hotline/follow-ups/${id}/calls`, {
      outcome: 'reached',
      rating: 'dissatisfied',
      note: '遮阳棚太小',
    });
    expect(r.status).toBe(201);
    expect(r.body.problem.status).toBe('in_progress');
    expect(
      sms()
        .to(phone)
        .map((m) => m.template),
    ).toEqual(['problem_accepted', 'problem_dispatched', 'problem_closed', 'problem_reopened']);
  });
  it('counts a call as a repeat by its village, not by the operator who took it (重复诉求)', async () => {
    const repeatOf = async (id: string) =>
      (
        await t.ctx.db
          .selectFrom('problems')
          .select('repeat_of_id')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).repeat_of_id;
    const text = { title: '小区门口井盖松动', description: '小区门口的井盖松动了，走上去会响，怕有人踩空。' };
    const first = await call('13907332211', { ...text, villageCode: '430202001002' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    // Another caller, another village, the same words: the same operator typed both, yet no one repeated.
    const elsewhere = await call('13907332212', { ...text, villageCode: '430202001003' });
    expect(elsewhere.status, JSON.stringify(elsewhere.body)).toBe(201);
    expect(await repeatOf(elsewhere.body.problem.id)).toBeNull();
    // The same village calling again about it is a repeat of the first call.
    const again = await call('13907332213', { ...text, villageCode: '430202001002' });
    expect(await repeatOf(again.body.problem.id)).toBe(first.body.problem.id);
  });
});
