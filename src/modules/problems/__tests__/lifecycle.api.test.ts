import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';

/** One problem through every action of DESIGN §2, over HTTP, checking log, deadlines, results and KPIs. */
describe('problem lifecycle over HTTP', () => {
  let t: TestApp;
  let resident: Client, supervisor: Client, unit: Client;
  let hrUnitId: string;

  beforeAll(async () => {
    // 2024-09-27 (Friday) 09:00 +08:00: the 15-working-day deadline runs across the National Day holiday.
    t = await startTestApp({ seed: 'reference', clock: new Date('2024-09-27T01:00:00Z') });
    resident = await t.as('demo-resident');
    supervisor = await t.as('demo-supervisor');
    unit = await t.as('demo-unit');
    const units = await supervisor.get('/api/units?q=人力资源');
    hrUnitId = units.body.items[0].id;
  });
  afterAll(() => t.close());

  const summary = async () => (await supervisor.get('/api/stats/summary')).body.totals;

  it('walks submit → return → resubmit → dispatch → bounce → dispatch → sign → progress → extension → closure → send back → closure → verify → rate → reopen → verify', async () => {
    const before = await summary();
    const created = await resident.post('/api/problems', {
      kind: 'resident',
      categoryCode: 'jobs',
      title: '社区零工找活难',
      description: '附近零工人员找活主要靠熟人介绍，希望有固定的零工服务点。',
      villageCode: '430202001001',
      lat: 27.86,
      lng: 113.17,
      fields: { job_type: '电工' },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body.number).toMatch(/^HT-2024-\d{6}$/);
    expect(created.body.status).toBe('submitted');
    expect(created.body.townshipCode).toBe('430202001');
    expect((await summary()).received).toBe(before.received + 1);

    // After every step the KPIs must say what the problem now is: counted as received from the start,
    // accepted once dispatched, resolved and closed while verified, rated from its first rating on (the
    // last rated round's rating counts through a 重办, docs/kpi-definitions.md).
    let ratedOnce = false;
    const act = async (c: Client, action: string, body: unknown = {}) => {
      const r = await c.post(`/api/problems/${id}/actions/${action}`, body);
      if (r.status === 200 && action === 'rate') ratedOnce = true;
      if (r.status === 200) {
        const p = r.body;
        const k = await summary();
        expect(k.received, `received after ${action}`).toBe(before.received + 1);
        expect(k.accepted, `accepted after ${action}`).toBe(before.accepted + (p.dispatchedAt ? 1 : 0));
        expect(k.resolved, `resolved after ${action}`).toBe(before.resolved + (p.resolved ? 1 : 0));
        expect(k.closed, `closed after ${action}`).toBe(before.closed + (p.status === 'closed' ? 1 : 0));
        expect(k.rated, `rated after ${action}`).toBe(before.rated + (ratedOnce ? 1 : 0));
      }
      return r;
    };

    let r = await act(supervisor, 'return', { reason: '请补充具体位置' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('returned');
    r = await act(resident, 'resubmit', {
      description: '文化路社区活动中心附近，零工人员每天早上聚集找活。',
    });
    expect(r.body.status).toBe('submitted');

    r = await act(supervisor, 'dispatch', { leadUnitId: hrUnitId, note: '请人社局牵头办理' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('assigned');
    expect(r.body.leadUnit.id).toBe(hrUnitId);
    // 15 working days from Fri 2024-09-27: Sep 29 (Sun) and Oct 12 (Sat) are worked and Oct 1-7 are off,
    // so the deadline is the end of Wednesday 2024-10-23 (without the holiday it would be Oct 18).
    expect(r.body.closeDueAt).toBe('2024-10-23T09:30:00.000Z');
    expect(r.body.respondDueAt).toBe('2024-09-27T05:00:00.000Z');

    r = await act(unit, 'bounce', { reason: '属地不符' });
    expect(r.body.status).toBe('bounced');
    r = await act(supervisor, 'dispatch', { leadUnitId: hrUnitId });
    expect(r.body.status).toBe('assigned');
    t.clock!.advanceHours(1);
    r = await act(unit, 'sign', {});
    expect(r.body.status).toBe('in_progress');
    expect(r.body.respondedAt).not.toBeNull();
    r = await act(unit, 'progress', { note: '已在社区设立零工驿站，每日发布用工信息。' });
    expect(r.body.status).toBe('in_progress');

    r = await act(unit, 'request_extension', { until: '2024-11-15T09:30:00.000Z', reason: '需协调场地' });
    expect(r.body.pendingExtension.until).toBe('2024-11-15T09:30:00.000Z');
    expect(r.body.allowedActions).not.toContain('request_extension');
    r = await act(supervisor, 'decide_extension', { approve: true });
    expect(r.body.closeDueAt).toBe('2024-11-15T09:30:00.000Z');
    expect(r.body.pendingExtension).toBeNull();

    r = await act(supervisor, 'press', { note: '请加快进度' });
    expect(r.body.pressCount).toBe(1);

    r = await act(unit, 'request_closure', {
      summary: '零工驿站已运营，首月帮助42人就业。',
      indicators: [{ code: 'new_jobs', value: 42 }],
      mechanism: '零工驿站常态化运营',
    });
    expect(r.body.status).toBe('closure_requested');
    r = await act(supervisor, 'send_back', { reason: '请补充佐证材料' });
    expect(r.body.status).toBe('in_progress');
    r = await act(unit, 'request_closure', {
      summary: '零工驿站已运营，首月帮助42人就业，附照片。',
      indicators: [{ code: 'new_jobs', value: 42 }],
    });
    t.clock!.advanceHours(24);
    r = await act(supervisor, 'verify', { note: '同意销号' });
    expect(r.body.status).toBe('closed');
    expect(r.body.resolved).toBe(true);
    expect(r.body.result.indicators).toEqual([{ code: 'new_jobs', name: '新增就业', unit: '人', value: 42 }]);

    let s = await summary();
    expect(s.resolved).toBe(before.resolved + 1);
    expect(s.indicators.find((i: { code: string }) => i.code === 'new_jobs').value).toBe(42);
    let results = await t.client().get('/api/results?q=零工');
    expect(results.body.items.map((i: { id: string }) => i.id)).toContain(id);
    expect(JSON.stringify(results.body)).not.toContain('13907330001');

    // The resident is not satisfied: it reopens by itself (重办) with a new deadline.
    r = await act(resident, 'rate', { rating: 'dissatisfied', comment: '驿站只开了一周' });
    expect(r.body.status).toBe('in_progress');
    expect(r.body.reopenCount).toBe(1);
    expect(r.body.rating).toBeNull();
    s = await summary();
    expect(s.resolved).toBe(before.resolved);
    results = await t.client().get('/api/results?q=零工');
    expect(results.body.items.map((i: { id: string }) => i.id)).not.toContain(id);

    r = await act(unit, 'request_closure', {
      summary: '驿站恢复每日开放。',
      indicators: [{ code: 'new_jobs', value: 50 }],
    });
    r = await act(supervisor, 'verify', {});
    r = await act(resident, 'rate', { rating: 'satisfied' });
    expect(r.body.rating).toBe('satisfied');
    r = await act(supervisor, 'reopen', { reason: '抽查复审发现问题' });
    expect(r.body.status).toBe('in_progress');
    expect(r.body.reopenCount).toBe(2);

    const detail = await supervisor.get(`/api/problems/${id}`);
    const log = detail.body.actions.map((a: { action: string }) => a.action);
    expect(log).toEqual([
      'submit',
      'return',
      'resubmit',
      'dispatch',
      'bounce',
      'dispatch',
      'sign',
      'progress',
      'request_extension',
      'decide_extension',
      'press',
      'request_closure',
      'send_back',
      'request_closure',
      'verify',
      'rate',
      'reopen',
      'request_closure',
      'verify',
      'rate',
      'reopen',
    ]);
    for (const a of detail.body.actions) expect(a.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // The reporter sees only the public part of the log.
    const own = await resident.get(`/api/problems/${id}`);
    expect(own.body.actions.map((a: { action: string }) => a.action)).not.toContain('bounce');
    expect(own.body.actions.every((a: { public: boolean }) => a.public)).toBe(true);
  });

  it('merges a duplicate and closes it with its primary', async () => {
    const mk = async (title: string) =>
      (
        await resident.post('/api/problems', {
          categoryCode: 'roads',
          title,
          description: '路面坑洼积水',
          villageCode: '430202001001',
          fields: { hazard: '一般' },
        })
      ).body.id as string;
    const primary = await mk('文化路路面坑洼');
    const dup = await mk('文化路坑洼积水');
    await supervisor.post(`/api/problems/${primary}/actions/dispatch`, { leadUnitId: hrUnitId });
    let r = await supervisor.post(`/api/problems/${dup}/actions/merge`, { intoId: primary });
    expect(r.body.status).toBe('merged');
    await unit.post(`/api/problems/${primary}/actions/sign`, {});
    await unit.post(`/api/problems/${primary}/actions/request_closure`, {
      summary: '已修复',
      indicators: [],
    });
    r = await supervisor.post(`/api/problems/${primary}/actions/verify`, {});
    expect(r.body.status).toBe('closed');
    expect(r.body.mergedProblems.map((m: { id: string; status: string }) => [m.id, m.status])).toEqual([
      [dup, 'closed'],
    ]);
    const d = await supervisor.get(`/api/problems/${dup}`);
    expect(d.body.status).toBe('closed');
    expect(d.body.actions.at(-1).note).toContain('随主件');
  });

  it('marks due-soon and overdue problems and notifies the unit and the supervisor', async () => {
    const id = (
      await resident.post('/api/problems', {
        categoryCode: 'safety',
        title: '楼道堆放杂物',
        description: '堵塞消防通道',
        villageCode: '430202001002',
      })
    ).body.id;
    await supervisor.post(`/api/problems/${id}/actions/dispatch`, { leadUnitId: hrUnitId });
    const { runDeadlineScan } = await import('../index.ts');
    t.clock!.advanceHours(24 * 30);
    const counts = await runDeadlineScan(t.ctx, t.clock!.now());
    expect(counts.overdue).toBeGreaterThanOrEqual(1);
    const p = await supervisor.get(`/api/problems/${id}`);
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body.dueState).toBe('overdue');
    const overdueList = await supervisor.get('/api/problems?overdue=1&pageSize=100');
    expect(overdueList.body.items.map((i: { id: string }) => i.id)).toContain(id);
    const inbox = await unit.get('/api/notifications');
    expect(
      inbox.body.items.some(
        (n: { problemId: string; kind: string }) => n.problemId === id && n.kind === 'overdue',
      ),
    ).toBe(true);
    const supInbox = await supervisor.get('/api/notifications');
    expect(
      supInbox.body.items.some(
        (n: { problemId: string; kind: string }) => n.problemId === id && n.kind === 'overdue',
      ),
    ).toBe(true);
    // A second scan does not notify twice.
    const again = await runDeadlineScan(t.ctx, t.clock!.now());
    expect(again.overdue).toBe(0);
  });
});
