import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';
import { tableBuilder } from './helpers.ts';

/**
 * Payments through a channel (WeChat Pay, Alipay, UnionPay or their local fake), the callbacks received
 * (each provider event once), fiscal e-receipts, and the daily reconciliations against the statements.
 */
export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  const t = tableBuilder(db, dialect);
  await t('payments', ['id'], (b) =>
    b
      .addColumn('module', 'text', (c) => c.notNull())
      .addColumn('ref_id', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('amount_fen', dialect.types.bigint, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_rank', 'integer', (c) => c.notNull())
      .addColumn('provider_txn_id', 'text')
      .addColumn('paid_at', 'text')
      .addColumn('business_date', 'text', (c) => c.notNull())
      .addColumn('receipt_no', 'text')
      .addColumn('receipt_url', 'text')
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)),
  );
  await db.schema
    .createIndex('payments_ref')
    .on('payments')
    .columns(['jurisdiction_id', 'module', 'ref_id'])
    .execute();
  await db.schema
    .createIndex('payments_day')
    .on('payments')
    .columns(['jurisdiction_id', 'channel', 'business_date'])
    .execute();
  await t('payment_callbacks', ['channel', 'event_id'], (b) =>
    b
      .addColumn('payment_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull()),
  );
  await t('payment_reconciliations', ['channel', 'business_date'], (b) =>
    b
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('matched', 'integer', (c) => c.notNull())
      .addColumn('recovered', 'integer', (c) => c.notNull())
      .addColumn('mismatches', 'text', (c) => c.notNull())
      .addColumn('problem_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );
}
