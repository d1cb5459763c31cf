import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

/**
 * Indexes for what a real user of a million problems asks often.
 *
 * A unit's statistics without reading the rows of the problems it leads (see `unitSplitOf` in the
 * statistics): they sum those from the KPI rollup, whose grain keeps the lead unit, and read only the rest.
 * - The problems each unit supports without leading them, in an index of their own (a partial index over
 *   the few `problem_units` rows with that role): finding them no longer reads the entries of every problem
 *   the unit leads.
 * - The close times of each unit's closed problems in order (a partial index over the closed problems): the
 *   median time to close of a unit's problems reads a few entries of it at the middle instead of every row.
 *
 * The lists' orders, each with the id that breaks its ties, as a page reads them:
 * - by deadline: no index had the deadline, so a page in that order sorted every matching problem;
 * - by creation and by last change: a ledger import gives every problem it loads the same time of last
 *   change, and a page in that order sorted all of them by id.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectAdapter): Promise<void> {
  await sql`create index problem_units_supporting on problem_units (jurisdiction_id, unit_id, problem_id) where role = 'supporting'`.execute(
    db,
  );
  await sql`create index problems_lead_close on problems (jurisdiction_id, lead_unit_id, close_hours) where close_hours is not null`.execute(
    db,
  );
  await sql`create index problems_close_due on problems (jurisdiction_id, close_due_at, id)`.execute(db);
  for (const column of ['created_at', 'updated_at']) {
    const name = `problems_${column.replace('_at', '')}`;
    await sql.raw(`drop index ${name}`).execute(db);
    await sql.raw(`create index ${name} on problems (jurisdiction_id, ${column}, id)`).execute(db);
  }
}
