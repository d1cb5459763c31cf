import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';
import { tableBuilder } from './helpers.ts';

/**
 * Care settlement paid out: one transfer per provider and settlement run through the payment channel,
 * its outcome and the problem a refused one became; and the index the supervisors' order list reads
 * (urgent first, newest first) without a filter.
 */
export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  const t = tableBuilder(db, dialect);
  await t('care_payouts', ['id'], (b) =>
    b
      .addColumn('provider_id', 'text', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('amount_fen', dialect.types.bigint, (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('provider_txn_id', 'text')
      .addColumn('failure_reason', 'text')
      .addColumn('problem_id', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)),
  );
  await db.schema
    .createIndex('care_payouts_month')
    .on('care_payouts')
    .columns(['jurisdiction_id', 'month', 'provider_id'])
    .execute();
  await db.schema
    .createIndex('care_orders_urgent')
    .on('care_orders')
    .columns(['jurisdiction_id', 'urgent', 'id'])
    .execute();
}
