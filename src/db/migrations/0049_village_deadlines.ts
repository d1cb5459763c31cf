import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

/**
 * The village's own deadline is watched (二次交办, issue 22): the deadline scan marks a village's part
 * overdue for the village when its deadline passes before it reported back, apart from the township's own
 * `due_state`. Null while nothing is passed down. The partial index keeps the scan to the problems that have
 * a village deadline at all.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectAdapter): Promise<void> {
  await db.schema.alterTable('problems').addColumn('delegate_due_state', 'text').execute();
  await sql`create index problems_delegate_due on problems (jurisdiction_id, delegate_due_at) where delegate_due_at is not null`.execute(
    db,
  );
}
