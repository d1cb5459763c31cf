/**
 * mySociety's extended statuses, each as its client sends it: upper case as the extension documents (lower
 * case taken alike), each mapped onto the lifecycle action it stands for when the lead unit's key posts
 * it, and the updates listed back in upper case, in JSON and XML.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../modules/auth/index.ts';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';
import { call, expectValid, form, xmlOf } from './open311.helpers.ts';

const BASE = '/open311/v2';

describe("Open311 updates with each of mySociety's statuses", () => {
  let t: TestApp;
  let supervisor: Client, resident: Client;
  let unitKey: string, hrUnitId: string;

  /** A jobs problem reported by the resident and dispatched to the human-resources bureau. */
  async function dispatched(title: string): Promise<{ id: string; number: string }> {
    const created = await resident.post('/api/problems', {
      kind: 'resident',
      categoryCode: 'jobs',
      title,
      description: `${title}，希望有关部门帮助解决。`,
      villageCode: '430202001001',
      fields: { job_type: '电工' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const r = await supervisor.post(`/api/problems/${created.body.id}/actions/dispatch`, {
      leadUnitId: hrUnitId,
    });
    expect(r.status).toBe(200);
    return { id: created.body.id, number: created.body.number };
  }
  const update = (number: string, status: string, description: string) =>
    call(
      t.app,
      'POST',
      `${BASE}/servicerequestupdates.json`,
      form([
        ['api_key', unitKey],
        ['service_request_id', number],
        ['status', status],
        ['description', description],
      ]),
    );
  const detail = async (id: string) =>
    (await supervisor.get(`/api/problems/${id}`)).body as {
      status: string;
      actions: { id: string; action: string; note: string | null }[];
    };

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    supervisor = await t.as('demo-supervisor');
    resident = await t.as('demo-resident');
    // The bureau's own system: a key read as the bureau's handler.
    const k = await createApiKey(t.ctx, '430202', '人社局业务系统', null);
    const handler = await t.ctx.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'demo-unit')
      .executeTakeFirstOrThrow();
    await t.ctx.db.updateTable('api_keys').set({ user_id: handler.id }).where('id', '=', k.id).execute();
    unitKey = k.key;
    hrUnitId = (await supervisor.get('/api/units?q=人力资源')).body.items[0].id as string;
  });
  afterAll(() => t.close());

  it('takes INVESTIGATING as signing and ACTION_SCHEDULED as progress, and lists them back in upper case', async () => {
    const p = await dispatched('零工市场信息不对称');
    const a = await update(p.number, 'INVESTIGATING', '已派人了解零工需求');
    expect(a.status, a.text).toBe(200);
    expect((await detail(p.id)).status).toBe('in_progress');
    const b = await update(p.number, 'action_scheduled', '下周一起在驿站每日发布用工信息');
    expect(b.status, b.text).toBe(200);
    const d = await detail(p.id);
    expect(d.status).toBe('in_progress');
    expect(d.actions.at(-1)).toMatchObject({ action: 'progress', note: '下周一起在驿站每日发布用工信息' });

    const json = await call(
      t.app,
      'GET',
      `${BASE}/servicerequestupdates.json?service_request_id=${p.number}`,
    );
    expectValid('updates.json', json.json);
    const statuses = (json.json as { status: string }[]).map((u) => u.status);
    expect(statuses).toContain('IN_PROGRESS');
    for (const s of statuses) expect(s).toMatch(/^[A-Z_]+$/);
    const xml = xmlOf<{ request_update: { status: string }[] }>(
      await call(t.app, 'GET', `${BASE}/servicerequestupdates.xml?service_request_id=${p.number}`),
      'service_request_updates',
    );
    expect(xml.request_update.map((u) => u.status)).toEqual(statuses);
  });

  it('takes NOT_COUNCILS_RESPONSIBILITY from the lead unit as a return for re-dispatch (退单)', async () => {
    const p = await dispatched('外区企业拖欠工资');
    const r = await update(p.number, 'NOT_COUNCILS_RESPONSIBILITY', '用人单位注册在外区，请转外区办理');
    expect(r.status, r.text).toBe(200);
    const d = await detail(p.id);
    expect(d.status).toBe('bounced');
    expect(d.actions.at(-1)).toMatchObject({ action: 'bounce' });
  });

  it('keeps OPEN, NO_FURTHER_ACTION and UNABLE_TO_FIX as comments that change nothing', async () => {
    const p = await dispatched('招聘信息更新慢');
    for (const status of ['OPEN', 'NO_FURTHER_ACTION', 'UNABLE_TO_FIX']) {
      const r = await update(p.number, status, `补充说明（${status}）`);
      expect(r.status, status).toBe(200);
      const d = await detail(p.id);
      expect(d.status, status).toBe('assigned');
      expect(d.actions.at(-1)).toMatchObject({ action: 'open311_update', note: `补充说明（${status}）` });
    }
  });
});
