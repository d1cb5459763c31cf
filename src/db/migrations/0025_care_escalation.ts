import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

/** 助急 escalation: when an urgent care order was escalated (not accepted in time), and the problem it became. */
export async function up(db: Kysely<unknown>, _dialect: DialectAdapter): Promise<void> {
  await db.schema.alterTable('care_orders').addColumn('escalated_at', 'text').execute();
  await db.schema.alterTable('care_orders').addColumn('escalation_problem_id', 'text').execute();
  await db.schema
    .createIndex('care_orders_accept_due')
    .on('care_orders')
    .columns(['jurisdiction_id', 'status', 'accept_due_at'])
    .execute();
}
