import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { runDeadlineScan } from '../index.ts';

/** The deadline scan changes what the read API answers, even right after the same question was answered. */
describe('deadline scan and the read answers', () => {
  let t: TestApp;
  let resident: Client, supervisor: Client;
  let hrUnitId: string;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference', clock: new Date('2024-09-27T01:00:00Z') });
    resident = await t.as('demo-resident');
    supervisor = await t.as('demo-supervisor');
    hrUnitId = (await supervisor.get('/api/units?q=人力资源')).body.items[0].id;
  });
  afterAll(() => t.close());

  it('a problem read before the scan reads overdue after it, in the detail and in the list', async () => {
    const id = (
      await resident.post('/api/problems', {
        categoryCode: 'safety',
        title: '路灯不亮',
        description: '小区门口路灯坏了一周',
        villageCode: '430202001002',
      })
    ).body.id as string;
    const dispatched = await supervisor.post(`/api/problems/${id}/actions/dispatch`, {
      leadUnitId: hrUnitId,
    });
    expect(dispatched.status).toBe(200);
    const list = () => supervisor.get(`/api/problems?status=assigned&pageSize=500`);
    const inList = async () =>
      (await list()).body.items.find((i: { id: string }) => i.id === id)?.dueState as string | undefined;

    expect((await supervisor.get(`/api/problems/${id}`)).body.dueState).toBe('normal');
    expect(await inList()).toBe('normal');
    const before = await supervisor.get(`/api/problems/${id}`);

    t.clock!.advanceHours(24 * 30);
    const counts = await runDeadlineScan(t.ctx, t.clock!.now());
    expect(counts.overdue).toBeGreaterThanOrEqual(1);

    const after = await supervisor.get(`/api/problems/${id}`);
    expect(after.body.dueState).toBe('overdue');
    expect(after.body.version).toBeGreaterThan(before.body.version);
    expect(await inList()).toBe('overdue');
    // The change is in the log, as the system's, and not shown to the public.
    const last = after.body.actions.at(-1);
    expect([last.action, last.toStatus, last.public, last.actor.id]).toEqual([
      'due_state',
      'assigned',
      false,
      null,
    ]);
    expect(last.data).toMatchObject({ dueState: 'overdue' });
    const queues = await supervisor.get('/api/problems/queues');
    expect(queues.body.overdue).toBeGreaterThanOrEqual(1);
  });
});
