import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';
import { tableBuilder } from './helpers.ts';

/** Home elderly-care orders (我的荷塘 six services) and the photo hashes their evidence rules check. */
export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  const t = tableBuilder(db, dialect);
  await t('care_orders', ['id'], (b) =>
    b
      .addColumn('person_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('urgent', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('placed_by_user_id', 'text')
      .addColumn('placed_as', 'text', (c) => c.notNull())
      .addColumn('provider_id', 'text')
      .addColumn('providers_tried', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('accept_due_at', 'text')
      .addColumn('worker_id', 'text')
      .addColumn('scheduled_at', 'text', (c) => c.notNull())
      .addColumn('village_code', 'text', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('lat', dialect.types.real)
      .addColumn('lng', dialect.types.real)
      .addColumn('price_fen', dialect.types.bigint, (c) => c.notNull())
      .addColumn('subsidy_fen', dialect.types.bigint, (c) => c.notNull())
      .addColumn('checkin_at', 'text')
      .addColumn('checkin_distance_m', 'integer')
      .addColumn('checkout_at', 'text')
      .addColumn('photos', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('flags', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('flags_cleared_by', 'text')
      .addColumn('confirm_code_hash', 'text')
      .addColumn('rating_level', 'text')
      .addColumn('rating_comment', 'text')
      .addColumn('problem_id', 'text')
      .addColumn('failure_reason', 'text')
      .addColumn('settlement_month', 'text')
      .addColumn('note', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)),
  );
  const index = (name: string, columns: string[]) =>
    db.schema.createIndex(name).on('care_orders').columns(columns).execute();
  await index('care_orders_status', ['jurisdiction_id', 'status', 'urgent', 'id']);
  await index('care_orders_provider', ['jurisdiction_id', 'provider_id', 'status', 'id']);
  await index('care_orders_worker', ['jurisdiction_id', 'worker_id', 'checkin_at']);
  await index('care_orders_person', ['jurisdiction_id', 'person_id', 'id']);
  await t('care_photos', ['hash'], (b) =>
    b.addColumn('order_id', 'text', (c) => c.notNull()).addColumn('created_at', 'text', (c) => c.notNull()),
  );
}
