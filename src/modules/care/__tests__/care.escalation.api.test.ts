import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { usccFor } from '../../../test/services.factories.ts';
import { runServiceScans } from '../../services.scheduler.ts';

/** 助急: an urgent order not accepted within its acceptance time escalates once, as a problem for 区民政局. */
describe('助急 escalation', () => {
  let t: TestApp;
  let sup: Client;
  let personId: string;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    sup = await t.as('demo-supervisor');
    expect(
      (
        await sup.post('/api/directory/providers', {
          name: '荷塘区应急助老服务队',
          uscc: usccFor(41),
          serviceArea: ['430202001'],
          services: ['助急', '助洁'],
        })
      ).status,
    ).toBe(201);
    personId = (
      await sup.post('/api/registry/persons', {
        name: '赵爷爷',
        birthDate: '1941-02-02',
        villageCode: '430202001002',
        address: '建设南路 9 号',
      })
    ).body.id;
  });
  afterAll(() => t.close());

  const order = (kind: string) =>
    sup.post('/api/care/orders', { kind, personId, scheduledAt: t.clock!.now().toISOString() });

  it('escalates an urgent order left unaccepted past its time, once; not others', async () => {
    const urgent = await order('emergency');
    expect(urgent.body).toMatchObject({ urgent: true, status: 'requested', escalatedAt: null });
    const cleaning = await order('cleaning');
    t.clock!.advanceHours(5 / 60);
    expect(await runServiceScans(t.ctx)).toMatchObject({ careEscalated: 0 });
    t.clock!.advanceHours(6 / 60);
    expect(await runServiceScans(t.ctx)).toMatchObject({ careEscalated: 1 });
    const after = await sup.get(`/api/care/orders/${urgent.body.id}`);
    expect(after.body).toMatchObject({ status: 'requested', escalatedAt: expect.any(String) });
    expect(after.body.actions.map((a: any) => a.action)).toEqual(['request', 'escalate', 'raise_problem']);
    const problem = await sup.get(`/api/problems/${after.body.escalationProblemId}`);
    expect(problem.body).toMatchObject({
      status: 'assigned',
      leadUnit: { name: '区民政局' },
      title: '助急订单超时未接单',
    });
    // Once: a later scan finds nothing; the 助洁 order (two hours to accept) never escalates.
    t.clock!.advanceHours(3);
    expect(await runServiceScans(t.ctx)).toMatchObject({ careEscalated: 0 });
    expect((await sup.get(`/api/care/orders/${cleaning.body.id}`)).body.escalatedAt).toBeNull();
  });

  it('leaves an urgent order accepted in time alone', async () => {
    const urgent = await order('emergency');
    const admin = await t.as('demo-admin');
    const u = await admin.post('/api/users', {
      username: 'rescue-desk',
      displayName: '应急调度',
      password: 'rescue-desk-2024',
      roles: ['enterprise'],
      scope: { kind: 'own', ref: null },
    });
    await sup.post(`/api/directory/providers/${urgent.body.providerId}/workers`, {
      name: '应急调度',
      userId: u.body.id,
    });
    const desk = t.client();
    expect((await desk.login('rescue-desk', 'rescue-desk-2024')).status).toBe(200);
    t.clock!.advanceHours(5 / 60);
    expect((await desk.post(`/api/care/orders/${urgent.body.id}/actions/accept`, {})).status).toBe(200);
    t.clock!.advanceHours(1);
    expect(await runServiceScans(t.ctx)).toMatchObject({ careEscalated: 0 });
  });
});
