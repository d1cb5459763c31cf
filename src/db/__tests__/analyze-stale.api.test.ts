import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, TEST_DB, type TestApp } from '../../test/harness.ts';

/**
 * PostgreSQL's start-up refresh of the planner's statistics reads only the tables that changed enough since
 * their last one (or never had one): a restart over a million problems does not read them all again.
 */
describe.skipIf(TEST_DB !== 'postgres')('start-up analyzes only stale tables', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
  });
  afterAll(() => t.close());

  const lastAnalyze = async (table: string) => {
    await sql`select pg_stat_clear_snapshot()`.execute(t.ctx.db);
    const r = await sql<{ at: Date | null }>`select last_analyze as at from pg_stat_user_tables
      where schemaname = current_schema() and relname = ${table}`.execute(t.ctx.db);
    return r.rows[0]?.at?.getTime() ?? null;
  };

  it('leaves fresh tables alone and analyzes a table that changed', async () => {
    // Start-up analyzed every table (none had statistics yet).
    await sql`select pg_stat_clear_snapshot()`.execute(t.ctx.db);
    const never = await sql<{ n: number }>`select count(*)::int as n from pg_stat_user_tables
      where schemaname = current_schema() and last_analyze is null and last_autoanalyze is null`.execute(
      t.ctx.db,
    );
    expect(never.rows[0]!.n).toBe(0);
    const problemsBefore = await lastAnalyze('problems');
    expect(problemsBefore).not.toBeNull();

    // A table with many changes since its statistics, its counts flushed by the writing connection.
    await t.ctx.db.connection().execute(async (c) => {
      await sql`create table analyze_probe (x int)`.execute(c);
      await sql`analyze analyze_probe`.execute(c);
      await sql`insert into analyze_probe select g from generate_series(1, 2000) g`.execute(c);
      await sql`select pg_stat_force_next_flush()`.execute(c);
    });
    const probeBefore = await lastAnalyze('analyze_probe');
    let changed = 0;
    for (let i = 0; i < 50 && changed < 2000; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await sql`select pg_stat_clear_snapshot()`.execute(t.ctx.db);
      changed = (
        await sql<{ n: number }>`select n_mod_since_analyze::int as n from pg_stat_user_tables
          where schemaname = current_schema() and relname = 'analyze_probe'`.execute(t.ctx.db)
      ).rows[0]!.n;
    }
    expect(changed).toBe(2000);

    await new Promise((r) => setTimeout(r, 20));
    await t.ctx.dialect.analyze(t.ctx.db, { staleOnly: true });
    expect(await lastAnalyze('analyze_probe')).toBeGreaterThan(probeBefore!);
    expect(await lastAnalyze('problems')).toBe(problemsBefore);
  });
});
