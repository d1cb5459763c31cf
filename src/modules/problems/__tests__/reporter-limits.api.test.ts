import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';

/** Issue 18, items 12, 13 and 16: a reporter rates once a round, sets only his own, extensions one at a time. */
describe('what a reporter and a unit may do once', () => {
  let t: TestApp;
  let resident: Client, supervisor: Client, unit: Client;
  let hrUnitId: string;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference', clock: new Date('2024-09-27T01:00:00Z') });
    resident = await t.as('demo-resident');
    supervisor = await t.as('demo-supervisor');
    unit = await t.as('demo-unit');
    hrUnitId = (await supervisor.get('/api/units?q=人力资源')).body.items[0].id;
  });
  afterAll(() => t.close());

  const report = (c: Client, extra: Record<string, unknown> = {}) =>
    c.post('/api/problems', {
      categoryCode: 'jobs',
      title: '零工市场缺少遮阳棚',
      description: '夏天等活的工人没有地方避暑。',
      villageCode: '430202001001',
      ...extra,
    });

  /** A problem of the resident's, taken to in_progress. */
  const working = async () => {
    const id = (await report(resident)).body.id as string;
    expect(
      (await supervisor.post(`/api/problems/${id}/actions/dispatch`, { leadUnitId: hrUnitId })).status,
    ).toBe(200);
    expect((await unit.post(`/api/problems/${id}/actions/sign`, {})).status).toBe(200);
    return id;
  };
  const close = async (id: string) => {
    const c = await unit.post(`/api/problems/${id}/actions/request_closure`, { summary: '已搭建遮阳棚' });
    expect(c.status).toBe(200);
    const v = await supervisor.post(`/api/problems/${id}/actions/verify`, {});
    expect(v.body.status).toBe('closed');
  };

  it('(12) the reporter rates a closed problem once a round; a reopened and reclosed one anew', async () => {
    const id = await working();
    await close(id);
    const first = await resident.post(`/api/problems/${id}/actions/rate`, { rating: 'satisfied' });
    expect(first.status).toBe(200);
    expect(first.body.rating).toBe('satisfied');
    const again = await resident.post(`/api/problems/${id}/actions/rate`, { rating: 'basically_satisfied' });
    expect(again.status, JSON.stringify(again.body)).toBe(409);
    const byOperator = await supervisor.post(`/api/problems/${id}/actions/rate`, { rating: 'satisfied' });
    expect(byOperator.status).toBe(409);
    expect((await resident.get(`/api/problems/${id}`)).body.rating).toBe('satisfied');

    // 重办 and closed again: a new round, rated anew; both ratings stay in the log.
    expect(
      (await supervisor.post(`/api/problems/${id}/actions/reopen`, { reason: '群众再次反映' })).status,
    ).toBe(200);
    await close(id);
    const second = await resident.post(`/api/problems/${id}/actions/rate`, { rating: 'basically_satisfied' });
    expect(second.status).toBe(200);
    const log = (await supervisor.get(`/api/problems/${id}`)).body.actions as {
      action: string;
      data: { rating?: string };
    }[];
    expect(log.filter((a) => a.action === 'rate').map((a) => a.data.rating)).toEqual([
      'satisfied',
      'basically_satisfied',
    ]);
  });

  it('(13) a resident sets only what a resident may set; staff still set the rest', async () => {
    const plain = await report(resident);
    expect(plain.status).toBe(201);
    const own = plain.body.reporter as { name: string; phone: string };
    expect(plain.body.channel).toBe('resident');

    const refused = async (extra: Record<string, unknown>, path: string) => {
      const r = await report(resident, extra);
      expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(403);
      expect(r.body.error.details.map((d: { path: string }) => d.path)).toEqual([path]);
    };
    await refused({ channel: 'hotline' }, 'channel');
    await refused({ channel: 'visit' }, 'channel');
    await refused({ urgency: 'critical' }, 'urgency');
    await refused({ reporter: { name: '王五', phone: '13900001111' } }, 'reporter');
    const topicId = (await supervisor.get('/api/topics')).body.items[0]?.id as string | undefined;
    expect(topicId).toBeTruthy();
    await refused({ topicId }, 'topicId');

    // What a resident may say: his own channel, normal urgency; the contact stays his own.
    const allowed = await report(resident, { channel: 'resident', urgency: 'normal' });
    expect(allowed.status).toBe(201);
    expect(allowed.body.reporter).toEqual(own);
    expect(allowed.body.topicId).toBeNull();

    // A supervisor typing in a hotline call sets the channel, the urgency and the caller's phone.
    const staff = await report(supervisor, {
      channel: 'hotline',
      urgency: 'urgent',
      topicId,
      reporter: { name: '王五', phone: '13900001111' },
    });
    expect(staff.status, JSON.stringify(staff.body)).toBe(201);
    expect([staff.body.channel, staff.body.urgency, staff.body.topicId, staff.body.reporter.phone]).toEqual([
      'hotline',
      'urgent',
      topicId,
      '13900001111',
    ]);
  });

  it('(16) a second extension request while one is pending is refused and changes nothing', async () => {
    const id = await working();
    const first = await unit.post(`/api/problems/${id}/actions/request_extension`, {
      until: '2024-12-31T09:00:00Z',
      reason: '需协调用地',
    });
    expect(first.status).toBe(200);
    const second = await unit.post(`/api/problems/${id}/actions/request_extension`, {
      until: '2025-06-30T09:00:00Z',
      reason: '再延半年',
    });
    expect(second.status, JSON.stringify(second.body)).toBe(409);
    const p = (await supervisor.get(`/api/problems/${id}`)).body;
    expect(p.pendingExtension).toEqual({ until: '2024-12-31T09:00:00.000Z', reason: '需协调用地' });
    expect(p.actions.filter((a: { action: string }) => a.action === 'request_extension')).toHaveLength(1);
    // Once decided, the unit may ask again.
    expect(
      (await supervisor.post(`/api/problems/${id}/actions/decide_extension`, { approve: false })).status,
    ).toBe(200);
    const third = await unit.post(`/api/problems/${id}/actions/request_extension`, {
      until: '2025-01-31T09:00:00Z',
      reason: '用地已落实，需施工',
    });
    expect(third.status).toBe(200);
  });
});
