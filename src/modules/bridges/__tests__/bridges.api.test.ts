import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../kernel/roles.ts';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { indicatorTotals, raiseProblem, recordIndicator } from '../index.ts';

/** A failure becomes a dispatched problem with a unit and a deadline; a success counts once. */
describe('bridges to the core loop', () => {
  let t: TestApp;
  let reporter: Principal;
  const jid = () => t.ctx.jurisdictions[0]!.id;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    const me = (await (await t.as('demo-resident')).get('/api/auth/me')).body.user;
    const row = await t.ctx.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', 'demo-resident')
      .executeTakeFirstOrThrow();
    reporter = {
      jurisdictionId: jid(),
      userId: row.id,
      username: me.username,
      displayName: row.display_name,
      roles: ['resident'],
      unitId: null,
      unitIds: [],
      scope: { kind: 'own', ref: null },
      via: 'session',
    };
  });
  afterAll(() => t.close());

  it('raises a problem with category, unit and deadline, visible in /api/problems', async () => {
    const raised = await raiseProblem(t.ctx, {
      reporter,
      module: 'care',
      refId: 'order-1',
      categoryCode: 'elderly_care',
      unitName: '区民政局',
      title: '助洁服务差评',
      description: '服务人员迟到一小时，打扫不干净',
      villageCode: '430202001001',
      fields: { services: ['助洁'] },
    });
    expect(raised).toMatchObject({ status: 'assigned', closeDueAt: expect.any(String) });
    const sup = await t.as('demo-supervisor');
    const list = await sup.get('/api/problems?category=elderly_care');
    const p = list.body.items.find((x: any) => x.id === raised.problemId);
    expect(p).toMatchObject({ status: 'assigned', leadUnit: { id: raised.unitId } });
    const own = await (await t.as('demo-resident')).get(`/api/problems/${raised.problemId}`);
    expect(own.status).toBe(200);
    expect(own.body.description).toContain('care order-1');
    await expect(
      raiseProblem(t.ctx, {
        reporter,
        module: 'care',
        refId: 'x',
        categoryCode: 'elderly_care',
        unitName: '不存在的局',
        title: 't',
        description: 'd',
        villageCode: '430202001001',
        fields: { services: ['助洁'] },
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('adds to an indicator once per record', async () => {
    const at = t.ctx.clock.now().toISOString();
    const add = () =>
      t.ctx.db.transaction().execute((trx) =>
        recordIndicator(trx, jid(), {
          code: 'meals_served',
          module: 'canteen',
          refId: 'k1',
          value: 1,
          villageCode: null,
          at,
        }),
      );
    expect(await add()).toBe(true);
    expect(await add()).toBe(false);
    await t.ctx.db.transaction().execute((trx) =>
      recordIndicator(trx, jid(), {
        code: 'meals_served',
        module: 'care',
        refId: 'o9',
        value: 1,
        villageCode: null,
        at,
      }),
    );
    expect(
      await indicatorTotals(t.ctx.db, jid(), ['meals_served', 'care_services'], '2024-01-01', '2025-01-01'),
    ).toEqual({ meals_served: 2, care_services: 0 });
  });
});
