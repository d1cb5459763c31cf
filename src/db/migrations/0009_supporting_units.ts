import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

/**
 * A unit's statistics without reading the rows of the problems it leads (see `unitSplitOf` in the
 * statistics): they sum those from the KPI rollup, whose grain keeps the lead unit, and read only the rest.
 * - The problems each unit supports without leading them, in an index of their own (a partial index over
 *   the few `problem_units` rows with that role): finding them no longer reads the entries of every problem
 *   the unit leads.
 * - The close times of each unit's closed problems in order (a partial index over the closed problems): the
 *   median time to close of a unit's problems reads a few entries of it at the middle instead of every row.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectAdapter): Promise<void> {
  await sql`create index problem_units_supporting on problem_units (jurisdiction_id, unit_id, problem_id) where role = 'supporting'`.execute(
    db,
  );
  await sql`create index problems_lead_close on problems (jurisdiction_id, lead_unit_id, close_hours) where close_hours is not null`.execute(
    db,
  );
}
