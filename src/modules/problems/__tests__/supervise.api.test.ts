import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';

/** 改派, 调整分类 and 调整期限: the supervisor's corrections after dispatch, each with a reason in the log. */
describe('supervisor corrections', () => {
  let t: TestApp;
  let resident: Client, supervisor: Client, unit: Client;
  let problemId: string;
  let units: { id: string; name: string }[];

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    resident = await t.as('demo-resident');
    supervisor = await t.as('demo-supervisor');
    unit = await t.as('demo-unit');
    units = (await supervisor.get('/api/units?pageSize=50')).body.items;
    problemId = (
      await resident.post('/api/problems', {
        categoryCode: 'jobs',
        title: '路灯不亮',
        description: '小区门口路灯坏了一周',
        villageCode: '430202001001',
      })
    ).body.id;
    const me = (await unit.get('/api/auth/me')).body.user;
    await supervisor.post(`/api/problems/${problemId}/actions/dispatch`, { leadUnitId: me.unitId });
  });
  afterAll(() => t.close());

  it('re-dispatches to another unit, which must sign again; the log names both units and the reason', async () => {
    const before = (await supervisor.get(`/api/problems/${problemId}`)).body;
    const other = units.find((u) => u.id !== before.leadUnit.id)!;
    const r = await supervisor.post(`/api/problems/${problemId}/actions/reassign`, {
      leadUnitId: other.id,
      reason: '属于城管职责',
    });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('assigned');
    expect(r.body.leadUnit.id).toBe(other.id);
    const last = r.body.actions.at(-1);
    expect(last).toMatchObject({ action: 'reassign', note: '属于城管职责' });
    // The old unit no longer has it: it cannot even see it.
    expect((await unit.post(`/api/problems/${problemId}/actions/sign`, {})).status).toBe(404);
  });

  it('re-categorises, moving domain and kind with the category', async () => {
    const cats = (await supervisor.get('/api/categories')).body.items as { code: string; domain: string }[];
    const target = cats.find((c) => c.code !== 'jobs')!;
    const r = await supervisor.post(`/api/problems/${problemId}/actions/recategorize`, {
      categoryCode: target.code,
      reason: '实为市政设施问题',
    });
    expect(r.status).toBe(200);
    expect(r.body.categoryCode).toBe(target.code);
    expect(r.body.domain).toBe(target.domain);
    expect(r.body.actions.at(-1)).toMatchObject({ action: 'recategorize', note: '实为市政设施问题' });
  });

  it('changes the deadline, refusing a past date and an empty reason', async () => {
    const past = await supervisor.post(`/api/problems/${problemId}/actions/change_deadline`, {
      until: '2020-01-01',
      reason: '测试',
    });
    expect(past.status).toBe(400);
    const noReason = await supervisor.post(`/api/problems/${problemId}/actions/change_deadline`, {
      until: '2099-01-01',
      reason: '',
    });
    expect(noReason.status).toBe(400);
    const r = await supervisor.post(`/api/problems/${problemId}/actions/change_deadline`, {
      until: '2099-01-01',
      reason: '需协调电力公司',
    });
    expect(r.status).toBe(200);
    expect(r.body.closeDueAt.slice(0, 10)).toBe('2099-01-01');
  });

  it('refuses the corrections to the lead unit itself', async () => {
    const own = (
      await resident.post('/api/problems', {
        categoryCode: 'jobs',
        title: '求职登记',
        description: '想登记求职',
        villageCode: '430202001001',
      })
    ).body.id;
    const me = (await unit.get('/api/auth/me')).body.user;
    await supervisor.post(`/api/problems/${own}/actions/dispatch`, { leadUnitId: me.unitId });
    const r = await unit.post(`/api/problems/${own}/actions/change_deadline`, {
      until: '2099-02-01',
      reason: '想多要时间',
    });
    expect(r.status).toBe(403);
  });
});
