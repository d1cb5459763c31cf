import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, TEST_DB, type TestApp } from '../../test/harness.ts';

/**
 * PostgreSQL keeps the old versions of the rollup rows that every write updates; where autovacuum is off or
 * behind they pile up, far outnumbering the live rows after a bulk load, and every summary reads them.
 * Start-up, the generator and a ledger import reclaim them.
 */
describe.skipIf(TEST_DB !== 'postgres')('rollup tables are vacuumed after bulk work', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference', config: { reportsPerMinute: 100_000 } });
  });
  afterAll(() => t.close());

  const filenode = async () =>
    (
      await sql<{ node: number }>`select pg_relation_filenode('problem_rollup_core') as node`.execute(
        t.ctx.db,
      )
    ).rows[0]!.node;
  const rows = async () =>
    (await sql`select * from problem_rollup_core order by 1, 2, 3, 4, 5, 6`.execute(t.ctx.db)).rows;

  it('rewrites the rollup tables with their live rows only, and keeps every figure', async () => {
    const resident = await t.as('demo-resident');
    // Reports one after another: each updates the same rollup rows, leaving their old versions.
    for (let i = 0; i < 10; i++)
      expect(
        (
          await resident.post('/api/problems', {
            categoryCode: 'jobs',
            title: `整理${i}`,
            description: '整理汇总表',
            villageCode: '430202001001',
          })
        ).status,
      ).toBe(201);
    const [node, before] = [await filenode(), await rows()];
    expect(before.length).toBeGreaterThan(0);
    await t.ctx.dialect.tidyRollups!(t.ctx.db);
    // A new file holds the table (a full vacuum rewrote it), with the same rows.
    expect(await filenode()).not.toBe(node);
    expect(await rows()).toEqual(before);
    // And the figures still move with the next write.
    await resident.post('/api/problems', {
      categoryCode: 'jobs',
      title: '整理之后',
      description: '整理汇总表之后',
      villageCode: '430202001001',
    });
    expect(await rows()).not.toEqual(before);
  });
});
