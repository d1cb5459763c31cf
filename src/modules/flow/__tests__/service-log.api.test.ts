import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/harness.ts';
import { verifyChains } from '../../audit/index.ts';
import { appendLog, logOf, SYSTEM_ACTOR, verifyServiceLogs } from '../index.ts';

/** Each module's action log is one hash chain, walked by `audit verify`, which names an edited or deleted entry. */
describe('service action logs', () => {
  let t: TestApp;
  const jid = () => t.ctx.jurisdictions[0]!.id;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    for (const [module, ref, from, to] of [
      ['care', 'o1', null, 'requested'],
      ['care', 'o1', 'requested', 'accepted'],
      ['canteen', 'k1', null, 'served'],
      ['care', 'o2', null, 'requested'],
    ] as const)
      await t.ctx.db.transaction().execute((trx) =>
        appendLog(t.ctx.clock, trx, jid(), {
          module,
          refId: ref,
          action: to,
          from,
          to,
          actor: SYSTEM_ACTOR,
          data: { n: 1 },
        }),
      );
  });
  afterAll(() => t.close());

  it('keeps one sequence per module and returns a record’s entries in order', async () => {
    const o1 = await logOf(t.ctx.db, jid(), 'care', 'o1');
    expect(o1.map((e) => [e.seq, e.fromStatus, e.toStatus])).toEqual([
      [1, null, 'requested'],
      [2, 'requested', 'accepted'],
    ]);
    expect((await logOf(t.ctx.db, jid(), 'canteen', 'k1'))[0]!.seq).toBe(1);
    expect(await verifyServiceLogs(t.ctx.db, jid())).toEqual({ checked: 4, broken: null });
    const all = await verifyChains(t.ctx.db);
    expect(all.ok).toBe(true);
    expect(all.checked.serviceLog).toBe(4);
  });

  it('names an edited entry, then a deleted one by its gap', async () => {
    const row = await t.ctx.db
      .selectFrom('service_log')
      .selectAll()
      .where('module', '=', 'care')
      .where('seq', '=', 2)
      .executeTakeFirstOrThrow();
    await t.ctx.db
      .updateTable('service_log')
      .set({ to_status: 'settled' })
      .where('id', '=', row.id)
      .execute();
    const edited = await verifyChains(t.ctx.db);
    expect(edited.broken).toMatchObject({ log: 'service_log', seq: 2, id: row.id });
    expect(edited.broken!.reason).toMatch(/care: content does not match/);
    await t.ctx.db.deleteFrom('service_log').where('id', '=', row.id).execute();
    const deleted = await verifyChains(t.ctx.db);
    expect(deleted.broken).toMatchObject({ log: 'service_log', seq: 3 });
    expect(deleted.broken!.reason).toMatch(/sequence gap/);
  });
});
