import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { ReferenceService } from '../reference.service.ts';

/**
 * Reference data expiring, or being changed by an admin, while a unit acts on a problem: on SQLite a
 * reload issued inside the action's transaction would wait for that transaction's own connection.
 */
describe('reference data refresh during writes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    // Every read finds the data expired and starts a refresh.
    t.ctx.reference = new ReferenceService(t.ctx.db, 0);
    await t.ctx.reference.get('430202');
  });
  afterAll(() => t.close());

  it('never blocks an action, and admin changes are visible right after they are saved', async () => {
    const resident = await t.as('demo-resident');
    const supervisor = await t.as('demo-supervisor');
    const admin = await t.as('demo-admin');
    const hr = (await supervisor.get('/api/units?q=人力资源')).body.items[0].id;
    for (let i = 0; i < 5; i++) {
      const id = (
        await resident.post('/api/problems', {
          categoryCode: 'jobs',
          title: `求职${i}`,
          description: '培训',
          villageCode: '430202001001',
        })
      ).body.id;
      const r = await supervisor.post(`/api/problems/${id}/actions/dispatch`, { leadUnitId: hr });
      expect(r.status).toBe(200);
      const rename = await admin.request('PUT', '/api/time-rules/default-normal', {
        categoryCode: null,
        urgency: 'normal',
        respondHours: 4 + i,
        closeDays: 15,
      });
      expect(rename.status).toBe(200);
      expect(rename.body.respondHours).toBe(4 + i);
    }
  }, 30_000);
});
