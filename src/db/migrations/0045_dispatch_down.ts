import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

/**
 * Dispatch down the tree (二次交办, issue 22): a township that leads a problem passes it to one of its
 * villages with a deadline inside its own. The problem row keeps the village's part beside its own state:
 * the village unit, where its part stands (signed, reported back, checked by the township) and its
 * deadline. The village is also a row of `problem_units` (role `delegate`), so it finds the problem in its
 * lists through the same index as a lead or supporting unit. A unit's problems it does not lead are read
 * from a partial index (decision 0007): it now holds every role but the lead's (supporting units and
 * villages alike), in place of the one of supporting units alone.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectAdapter): Promise<void> {
  await db.schema.alterTable('problems').addColumn('delegate_unit_id', 'text').execute();
  await db.schema.alterTable('problems').addColumn('delegate_state', 'text').execute();
  await db.schema.alterTable('problems').addColumn('delegate_due_at', 'text').execute();
  await sql`create index problem_units_not_lead on problem_units (jurisdiction_id, unit_id, problem_id) where role <> 'lead'`.execute(
    db,
  );
  await sql`drop index problem_units_supporting`.execute(db);
}
