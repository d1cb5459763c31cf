import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { problemFactory } from '../../../test/factories.ts';

/** Notifications: times in the jurisdiction's zone, and read by each user on his own (issue 20). */
describe('the inbox', () => {
  let t: TestApp;
  let unit: Client, colleague: Client;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    const admin = await t.as('demo-admin');
    unit = await t.as('demo-unit');
    const me = (await unit.get('/api/auth/me')).body.user;
    const made = await admin.post('/api/users', {
      username: 'unit-colleague',
      displayName: '同事',
      password: 'colleague-pass-2024',
      unitId: me.unitId,
      roles: ['unit_handler'],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    colleague = t.client();
    expect((await colleague.login('unit-colleague', 'colleague-pass-2024')).status).toBe(200);
  });
  afterAll(() => t.close());

  it("prints the deadline of a dispatch in the jurisdiction's time, not UTC", async () => {
    const p = await problemFactory(t).inStatus('assigned', { categoryCode: 'jobs', fields: {} });
    const due = p.respondDueAt as string;
    const local = new Date(Date.parse(due) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
    const n = (await unit.get('/api/notifications')).body.items.find(
      (x: { problemId: string; kind: string }) => x.problemId === p.id && x.kind === 'dispatched',
    );
    expect(n.body).toContain(`请于 ${local} 前签收`);
    expect(n.body).not.toContain(due.slice(0, 16));
  });

  it('marks a notice to the unit read for the one who read it, not for his colleague', async () => {
    const p = await problemFactory(t).inStatus('assigned', { categoryCode: 'jobs', fields: {} });
    const find = async (c: Client, q = '') =>
      (await c.get(`/api/notifications${q}`)).body.items.find(
        (x: { problemId: string }) => x.problemId === p.id,
      );
    const n = await find(unit);
    expect(n.read).toBe(false);
    expect((await find(colleague)).read).toBe(false);
    expect((await unit.post(`/api/notifications/${n.id}/read`)).status).toBe(200);
    // Reading twice is harmless.
    expect((await unit.post(`/api/notifications/${n.id}/read`)).status).toBe(200);
    expect((await find(unit)).read).toBe(true);
    expect((await find(colleague)).read).toBe(false);
    expect(await find(unit, '?unread=1')).toBeUndefined();
    expect((await find(colleague, '?unread=1')).id).toBe(n.id);
    // Someone the notice was not addressed to cannot mark it.
    const resident = await t.as('demo-resident');
    expect((await resident.post(`/api/notifications/${n.id}/read`)).status).toBe(404);
  });
});
