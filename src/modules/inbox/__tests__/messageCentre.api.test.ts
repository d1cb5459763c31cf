import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingSms } from '../../../adapters/sms/index.ts';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';

/** The message centre: unread counts per caller, read marks, and what the reporter hears (inbox and SMS). */
describe('message centre', () => {
  let t: TestApp;
  let resident: Client, supervisor: Client, unit: Client;
  let problemId: string;
  let unitId: string;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    resident = await t.as('demo-resident');
    supervisor = await t.as('demo-supervisor');
    unit = await t.as('demo-unit');
    unitId = (await unit.get('/api/auth/me')).body.user.unitId;
    problemId = (
      await resident.post('/api/problems', {
        categoryCode: 'jobs',
        title: '想参加技能培训',
        description: '希望社区组织电工培训',
        villageCode: '430202001001',
      })
    ).body.id;
  });
  afterAll(() => t.close());

  it('counts up for the unit and for the reporter on dispatch, and the reporter gets an SMS', async () => {
    const unitBefore = (await unit.get('/api/notifications/unread-count')).body.unread;
    const residentBefore = (await resident.get('/api/notifications/unread-count')).body.unread;
    const r = await supervisor.post(`/api/problems/${problemId}/actions/dispatch`, { leadUnitId: unitId });
    expect(r.status).toBe(200);
    expect((await unit.get('/api/notifications/unread-count')).body.unread).toBe(unitBefore + 1);
    expect((await resident.get('/api/notifications/unread-count')).body.unread).toBe(residentBefore + 1);

    const mine = (await resident.get('/api/notifications?unread=1')).body.items;
    const accepted = mine.find((n: { problemId: string }) => n.problemId === problemId);
    expect(accepted).toMatchObject({ kind: 'accepted', read: false, problemNumber: r.body.number });

    const sms = (t.ctx.sms as RecordingSms).sent.filter((m) => m.template === 'problem_dispatched');
    expect(sms.at(-1)?.params.number).toBe(r.body.number);
  });

  it('counts down when one is read, and to zero on read-all; another user cannot read it', async () => {
    const items = (await resident.get('/api/notifications?unread=1')).body.items;
    const before = (await resident.get('/api/notifications/unread-count')).body.unread;
    expect((await unit.post(`/api/notifications/${items[0].id}/read`)).status).toBe(404);
    expect((await resident.post(`/api/notifications/${items[0].id}/read`)).status).toBe(200);
    expect((await resident.get('/api/notifications/unread-count')).body.unread).toBe(before - 1);
    expect((await resident.post('/api/notifications/read-all')).body.marked).toBe(before - 1);
    expect((await resident.get('/api/notifications/unread-count')).body.unread).toBe(0);
  });

  it('tells the reporter when the problem is closed', async () => {
    await unit.post(`/api/problems/${problemId}/actions/sign`, {});
    await unit.post(`/api/problems/${problemId}/actions/request_closure`, {
      summary: '已联系人社局开班',
      indicators: [],
    });
    expect((await supervisor.post(`/api/problems/${problemId}/actions/verify`, {})).status).toBe(200);
    const items = (await resident.get('/api/notifications?unread=1')).body.items;
    expect(items.map((n: { kind: string }) => n.kind)).toContain('closed');
  });
});
