import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/harness.ts';

/** Concurrent writes share commits (SQLite) without one failing write undoing or leaking into another. */
describe('durable writes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference', config: { reportsPerMinute: 100_000 } });
  });
  afterAll(() => t.close());

  const count = async (prefix: string) =>
    Number(
      (
        await t.ctx.db
          .selectFrom('notices')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('title', 'like', `${prefix}%`)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('commits every successful job and rolls back exactly the failing ones', async () => {
    const jobs = Array.from({ length: 40 }, (_, i) =>
      t.ctx.database.write(async (trx) => {
        await trx
          .insertInto('notices')
          .values({
            jurisdiction_id: '430202',
            id: `gc-${i}`,
            title: `gc-${i}`,
            body: 'x',
            published_at: new Date().toISOString(),
            created_by: null,
          })
          .execute();
        if (i % 7 === 3) throw new Error(`job ${i} fails after writing`);
        return i;
      }),
    );
    const results = await Promise.allSettled(jobs);
    const failed = results.filter((r) => r.status === 'rejected').length;
    expect(failed).toBe(6);
    expect(await count('gc-')).toBe(34);
    for (const [i, r] of results.entries()) {
      if (i % 7 === 3) expect(r.status).toBe('rejected');
      else expect(r).toEqual({ status: 'fulfilled', value: i });
    }
  });

  it('keeps 100 concurrent reports, each with its own number and log entry', async () => {
    const resident = await t.as('demo-resident');
    const rs = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        resident.post('/api/problems', {
          categoryCode: 'jobs',
          title: `并发${i}`,
          description: '并发写入',
          villageCode: '430202001001',
        }),
      ),
    );
    expect(rs.every((r) => r.status === 201)).toBe(true);
    expect(new Set(rs.map((r) => r.body.number)).size).toBe(100);
    const { verifyChains } = await import('../../modules/audit/index.ts');
    expect((await verifyChains(t.ctx.db)).ok).toBe(true);
  });
});
