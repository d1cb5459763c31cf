import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { runDeadlineScan } from '../index.ts';
import { verifyProblemStates } from '../problems.proof.ts';

const DAY = 86_400_000;
const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/**
 * Dispatch down the tree (二次交办): the district dispatches to a township, the township passes the problem to
 * one of its villages with a deadline inside its own, the village signs and reports back, the township
 * checks before it asks the district for closure, and the district verifies. 改派 between villages keeps
 * who had it in the log.
 */
describe('township → village → township → district', () => {
  let t: TestApp;
  let supervisor: Client, street: Client, resident: Client, wenhua: Client, donghu: Client;
  let townshipId: string, wenhuaId: string, donghuId: string, hrId: string;

  const act = (c: Client, id: string, action: string, body: unknown = {}) =>
    c.post(`/api/problems/${id}/actions/${action}`, body);

  /** A problem reported in 月塘街道, dispatched to the township's unit and signed by demo-street. */
  async function atTownship(): Promise<{ id: string; closeDueAt: string }> {
    const r = await resident.post('/api/problems', {
      categoryCode: 'roads',
      title: '文化路人行道塌陷',
      description: '文化路 8 号门前人行道塌陷，雨后积水。',
      villageCode: '430202001001',
      fields: { hazard: '一般' },
    });
    expect(r.status).toBe(201);
    expect((await act(supervisor, r.body.id, 'dispatch', { leadUnitId: townshipId })).status).toBe(200);
    const signed = await act(street, r.body.id, 'sign');
    expect(signed.status).toBe(200);
    return { id: r.body.id, closeDueAt: signed.body.closeDueAt };
  }

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    supervisor = await t.as('demo-supervisor');
    street = await t.as('demo-street');
    resident = await t.as('demo-resident');
    const admin = await t.as('demo-admin');
    const units = (await admin.get('/api/units?pageSize=500')).body.items as {
      id: string;
      name: string;
      parentId: string | null;
    }[];
    townshipId = units.find((u) => u.name === '月塘街道')!.id;
    const villages = units.filter((u) => u.parentId === townshipId);
    wenhuaId = villages.find((u) => u.name.startsWith('文化路'))!.id;
    donghuId = villages.find((u) => u.name.startsWith('东湖'))!.id;
    hrId = units.find((u) => u.name.includes('人力资源'))!.id;
    for (const [username, unitId] of [
      ['wenhua-handler', wenhuaId],
      ['donghu-handler', donghuId],
    ] as const) {
      const r = await admin.post('/api/users', {
        username,
        displayName: `${username} 承办人`,
        password: 'Secret-pass-2024',
        unitId,
        roles: ['unit_handler'],
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    wenhua = t.client();
    donghu = t.client();
    expect((await wenhua.login('wenhua-handler', 'Secret-pass-2024')).status).toBe(200);
    expect((await donghu.login('donghu-handler', 'Secret-pass-2024')).status).toBe(200);
  });
  afterAll(() => t.close());

  it('refuses a village deadline later than the township’s own, and a unit that is not its village', async () => {
    const { id, closeDueAt } = await atTownship();
    const late = await act(street, id, 'delegate', { unitId: wenhuaId, until: shift(closeDueAt, DAY) });
    expect(late.status).toBe(400);
    expect(late.body.error.details[0]).toMatchObject({ path: 'until', code: 'after_parent_deadline' });
    expect(late.body.error.details[0].message).toContain('不能晚于镇街办结期限');
    const inEnglish = await street.post(
      `/api/problems/${id}/actions/delegate`,
      { unitId: wenhuaId, until: shift(closeDueAt, DAY) },
      { 'accept-language': 'en' },
    );
    expect(inEnglish.status).toBe(400);
    expect(inEnglish.body.error.message).toContain("must not be later than the township's own");
    expect(inEnglish.body.error.message).not.toMatch(/[\u4e00-\u9fff]/);
    const past = await act(street, id, 'delegate', { unitId: wenhuaId, until: '2020-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    const notBelow = await act(street, id, 'delegate', { unitId: hrId, until: shift(closeDueAt, -DAY) });
    expect(notBelow.status).toBe(400);
    expect(notBelow.body.error.details[0].path).toBe('unitId');
    // Nothing was written by the refusals.
    const p = (await street.get(`/api/problems/${id}`)).body;
    expect(p.delegation).toBeNull();
    expect(p.actions.map((a: { action: string }) => a.action)).toEqual(['submit', 'dispatch', 'sign']);
    // Only the lead township passes it down, never the district office over its head.
    const bySupervisor = await act(supervisor, id, 'delegate', {
      unitId: wenhuaId,
      until: shift(closeDueAt, -DAY),
    });
    expect(bySupervisor.status).toBe(403);
  });

  it('goes down to the village and back up through the township to the district, deadlines nested', async () => {
    const { id, closeDueAt } = await atTownship();
    const villageDue = shift(closeDueAt, -DAY);

    // Down: the township passes it to 文化路社区 with a deadline inside its own.
    const down = await act(street, id, 'delegate', {
      unitId: wenhuaId,
      until: villageDue,
      note: '请社区先行处置',
    });
    expect(down.status, JSON.stringify(down.body)).toBe(200);
    expect(down.body.status).toBe('in_progress');
    expect(down.body.delegation).toMatchObject({
      unit: { id: wenhuaId },
      state: 'assigned',
      dueAt: villageDue,
    });
    expect(down.body.delegation.dueAt <= down.body.closeDueAt).toBe(true);
    expect(down.body.allowedActions).not.toContain('request_closure');
    // While the village has it, the township cannot go up yet.
    expect((await act(street, id, 'request_closure', { summary: '已修复' })).status).toBe(409);

    // The village sees it in its list and signs; the township cannot sign in its place.
    const list = (await wenhua.get('/api/problems?pageSize=100')).body.items.map((p: { id: string }) => p.id);
    expect(list).toContain(id);
    expect((await act(street, id, 'delegate_sign')).status).toBe(403);
    const signed = await act(wenhua, id, 'delegate_sign');
    expect(signed.status).toBe(200);
    expect(signed.body.delegation.state).toBe('in_progress');

    // 改派: the township passes it to 东湖社区 instead; 文化路 no longer sees it, the log keeps who had it.
    expect(
      (
        await act(street, id, 'redelegate', {
          unitId: donghuId,
          until: shift(closeDueAt, 2 * DAY),
          reason: '属东湖社区',
        })
      ).status,
    ).toBe(400);
    const moved = await act(street, id, 'redelegate', {
      unitId: donghuId,
      until: villageDue,
      reason: '地址属东湖社区',
    });
    expect(moved.status).toBe(200);
    expect(moved.body.delegation).toMatchObject({ unit: { id: donghuId }, state: 'assigned' });
    expect((await wenhua.get(`/api/problems/${id}`)).status).toBe(404);

    // The village signs, progresses, reports; the township sends it back once, then accepts it.
    expect((await act(donghu, id, 'delegate_sign')).status).toBe(200);
    expect((await act(donghu, id, 'progress', { note: '已联系施工队' })).status).toBe(200);
    expect((await act(donghu, id, 'delegate_report', { summary: '已回填夯实' })).body.delegation.state).toBe(
      'reported',
    );
    expect(
      (await act(street, id, 'delegate_send_back', { reason: '请补现场照片' })).body.delegation.state,
    ).toBe('in_progress');
    expect((await act(donghu, id, 'delegate_report', { summary: '已回填夯实并铺砖' })).status).toBe(200);
    const accepted = await act(street, id, 'delegate_accept', { note: '镇街已复核' });
    expect(accepted.body.delegation.state).toBe('accepted');
    expect(accepted.body.allowedActions).toContain('request_closure');

    // Up: the township asks the district for closure; the village may not; the district verifies.
    expect((await act(donghu, id, 'request_closure', { summary: '已修复' })).status).toBe(403);
    expect(
      (await act(street, id, 'request_closure', { summary: '社区回填夯实并铺砖，镇街复核' })).status,
    ).toBe(200);
    const closed = await act(supervisor, id, 'verify', { note: '核实办结' });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');

    const log = closed.body.actions.map((a: { action: string }) => a.action);
    expect(log).toEqual([
      'submit',
      'dispatch',
      'sign',
      'delegate',
      'delegate_sign',
      'redelegate',
      'delegate_sign',
      'progress',
      'delegate_report',
      'delegate_send_back',
      'delegate_report',
      'delegate_accept',
      'request_closure',
      'verify',
    ]);
    const redelegated = (await supervisor.get(`/api/problems/${id}`)).body.actions.find(
      (a: { action: string }) => a.action === 'redelegate',
    );
    expect(redelegated.note).toBe('地址属东湖社区');
    // The rows equal what the log says, the village's part and unit included.
    const proof = await verifyProblemStates(t.ctx.db, '430202', await t.ctx.reference.get('430202'));
    expect(proof.differences.filter((d) => d.problemId === id)).toEqual([]);
  });

  it('leaves the village out when the district gives the problem to another unit (改派 by the district)', async () => {
    const { id, closeDueAt } = await atTownship();
    expect(
      (await act(street, id, 'delegate', { unitId: wenhuaId, until: shift(closeDueAt, -DAY) })).status,
    ).toBe(200);
    const r = await act(supervisor, id, 'reassign', { leadUnitId: hrId, reason: '属人社职责' });
    expect(r.status).toBe(200);
    expect(r.body.delegation).toBeNull();
    expect((await wenhua.get(`/api/problems/${id}`)).status).toBe(404);
    const proof = await verifyProblemStates(t.ctx.db, '430202', await t.ctx.reference.get('430202'));
    expect(proof.differences.filter((d) => d.problemId === id)).toEqual([]);
  });
  // Last in this file: it moves the clock past the deadlines.
  it('marks the village overdue past its own deadline, tells the village and the township', async () => {
    const { id, closeDueAt } = await atTownship();
    const villageDue = shift(closeDueAt, -DAY);
    expect((await act(street, id, 'delegate', { unitId: wenhuaId, until: villageDue })).status).toBe(200);
    expect((await act(wenhua, id, 'delegate_sign')).status).toBe(200);
    const before = (await wenhua.get(`/api/problems/${id}`)).body;
    expect(before.delegation.dueState).toBe('normal');
    const inList = async (c: Client) =>
      (await c.get('/api/problems?pageSize=500')).body.items.find((i: { id: string }) => i.id === id);
    expect((await inList(wenhua)).delegation.dueState).toBe('normal');
    const inbox = async (c: Client) =>
      (await c.get('/api/notifications?limit=200')).body.items.filter(
        (n: { problemId: string; title: string }) => n.problemId === id && n.title.startsWith('村级已超期'),
      );
    expect(await inbox(wenhua)).toEqual([]);

    // Past the village's deadline, still inside the township's own.
    t.clock!.set(shift(villageDue, 3_600_000));
    const counts = await runDeadlineScan(t.ctx);
    expect(counts.villageOverdue).toBeGreaterThanOrEqual(1);

    const after = (await wenhua.get(`/api/problems/${id}`)).body;
    expect(after.delegation.dueState).toBe('overdue');
    expect(after.dueState).not.toBe('overdue');
    expect(after.version).toBeGreaterThan(before.version);
    expect((await inList(wenhua)).delegation.dueState).toBe('overdue');
    const last = after.actions.at(-1);
    expect([last.action, last.public, last.actor.id]).toEqual(['village_due_state', false, null]);
    expect(last.data).toMatchObject({ dueState: 'overdue', unitId: wenhuaId, dueAt: villageDue });
    // The village's inbox has the notice, as the township's has for its own deadline; the township reads it
    // with its villages' notices.
    const told = await inbox(wenhua);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ kind: 'overdue', read: false });
    expect(await inbox(street)).toHaveLength(1);
    // Another village of the township is not told.
    expect(await inbox(donghu)).toEqual([]);

    // A second scan marks nothing again.
    await runDeadlineScan(t.ctx);
    const again = (await wenhua.get(`/api/problems/${id}`)).body;
    expect(again.version).toBe(after.version);
    expect(await inbox(wenhua)).toHaveLength(1);
    const proof = await verifyProblemStates(t.ctx.db, '430202', await t.ctx.reference.get('430202'));
    expect(proof.differences.filter((d) => d.problemId === id)).toEqual([]);

    // 改派 with a new deadline: the new village starts on time; once it has reported, its deadline no
    // longer runs, while the township's own deadline still does.
    const moved = await act(street, id, 'redelegate', {
      unitId: donghuId,
      until: closeDueAt,
      reason: '地址属东湖社区',
    });
    expect(moved.status).toBe(200);
    expect(moved.body.delegation).toMatchObject({ unit: { id: donghuId }, dueState: 'normal' });
    expect((await act(donghu, id, 'delegate_sign')).status).toBe(200);
    expect((await act(donghu, id, 'delegate_report', { summary: '已回填夯实' })).status).toBe(200);
    t.clock!.set(shift(closeDueAt, 3_600_000));
    await runDeadlineScan(t.ctx);
    const late = (await street.get(`/api/problems/${id}`)).body;
    expect(late.dueState).toBe('overdue');
    expect(late.delegation).toMatchObject({ state: 'reported', dueState: 'normal' });
    expect(late.actions.filter((a: { action: string }) => a.action === 'village_due_state')).toHaveLength(1);
  });
});
