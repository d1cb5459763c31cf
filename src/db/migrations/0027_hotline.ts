import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';
import { tableBuilder } from './helpers.ts';

/**
 * The 12345 hotline centre (issue 22): each call taken into a problem (the caller, the consent to be called
 * back, the city platform's work-order number, the address as said) and each follow-up call (回访) made
 * after closure, whether it reached the reporter or not.
 */
export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  const t = tableBuilder(db, dialect);
  await t('hotline_calls', ['id'], (b) =>
    b
      .addColumn('problem_id', 'text', (c) => c.notNull())
      .addColumn('caller_phone', 'text', (c) => c.notNull())
      .addColumn('caller_name', 'text')
      .addColumn('callback_consent', 'integer', (c) => c.notNull())
      .addColumn('called_at', 'text', (c) => c.notNull())
      .addColumn('city_order_number', 'text')
      .addColumn('address_said', 'text', (c) => c.notNull())
      .addColumn('operator_user_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );
  await db.schema
    .createIndex('hotline_calls_phone')
    .on('hotline_calls')
    .columns(['jurisdiction_id', 'caller_phone', 'called_at'])
    .execute();
  await db.schema
    .createIndex('hotline_calls_problem')
    .on('hotline_calls')
    .columns(['jurisdiction_id', 'problem_id'])
    .execute();
  await t('follow_up_calls', ['id'], (b) =>
    b
      .addColumn('problem_id', 'text', (c) => c.notNull())
      .addColumn('operator_user_id', 'text')
      .addColumn('operator_name', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('rating', 'text')
      .addColumn('note', 'text')
      .addColumn('called_at', 'text', (c) => c.notNull()),
  );
  await db.schema
    .createIndex('follow_up_calls_problem')
    .on('follow_up_calls')
    .columns(['jurisdiction_id', 'problem_id', 'called_at'])
    .execute();
}
