import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, TEST_DB, type TestApp } from '../../../test/harness.ts';
import { up as searchWithoutPositions } from '../0007_search_without_positions.ts';

/**
 * Migration 0007 makes SQLite's full-text table again without token positions and fills it from the
 * problems: every search finds exactly what it found before, including a problem changed after its report.
 */
describe.skipIf(TEST_DB !== 'sqlite')('the full-text table without positions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ seed: 'demo', config: { reportsPerMinute: 100_000 } });
  });
  afterAll(() => t.close());

  const QUERIES = ['路灯', '灯', '井盖破损', '月塘', 'QD-', '株洲', '不存在的词语组合'];
  const found = async (sup: Awaited<ReturnType<TestApp['as']>>) => {
    const out: Record<string, string[]> = {};
    for (const q of QUERIES) {
      const r = await sup.get(`/api/problems?q=${encodeURIComponent(q)}&pageSize=200`);
      expect(r.status).toBe(200);
      out[q] = (r.body.items as { id: string }[]).map((p) => p.id).sort();
    }
    return out;
  };

  it('is made without positions and finds the same problems after it is filled again', async () => {
    const resident = await t.as('demo-resident');
    const sup = await t.as('demo-supervisor');
    const made = await resident.post('/api/problems', {
      categoryCode: 'roads',
      title: '迁移测试路灯不亮',
      description: '井盖破损，路灯不亮已有一周',
      villageCode: '430202001001',
      fields: { hazard: '一般' },
    });
    expect(made.status).toBe(201);
    const tableSql = async () =>
      (
        await sql<{
          sql: string;
        }>`select sql from sqlite_master where name = 'problem_search'`.execute(t.ctx.db)
      ).rows[0]!.sql;
    expect(await tableSql()).toMatch(/detail=none/);

    const before = await found(sup);
    expect(before['路灯']!.length).toBeGreaterThan(0);
    expect(before['路灯']).toContain(made.body.id);
    expect(before['不存在的词语组合']).toEqual([]);
    const count = async () =>
      Number(
        (await sql<{ n: number }>`select count(*) as n from problem_search_map`.execute(t.ctx.db)).rows[0]!.n,
      );
    const entries = await count();

    // Run the migration again on the filled table: it is dropped, made and filled from the problems.
    await searchWithoutPositions(t.ctx.db as never, t.ctx.dialect);
    expect(await tableSql()).toMatch(/detail=none/);
    expect(await count()).toBe(entries);
    expect(await found(sup)).toEqual(before);
  });
});
