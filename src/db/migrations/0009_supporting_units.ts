import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

/**
 * The problems each unit supports without leading them, in an index of their own (a partial index over the
 * few `problem_units` rows with that role). A unit's statistics sum the problems it leads from the KPI
 * rollup, whose grain keeps the lead unit, and read only the rows of the problems it supports (see
 * `unitSplitOf` in the statistics); finding those no longer reads the entries of every problem it leads.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectAdapter): Promise<void> {
  await sql`create index problem_units_supporting on problem_units (jurisdiction_id, unit_id, problem_id) where role = 'supporting'`.execute(
    db,
  );
}
