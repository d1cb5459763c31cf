import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';
import { tableBuilder } from './helpers.ts';

/**
 * The public canteen (健康公益食堂): dishes and daily menus, diners' cards, counter check-ins that draw the
 * meal subsidy, the day's close against the kitchen's count, and 留样 sample records.
 */
export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  const t = tableBuilder(db, dialect);
  const index = (name: string, table: string, columns: string[]) =>
    db.schema.createIndex(name).on(table).columns(columns).execute();
  await t('canteen_dishes', ['id'], (b) =>
    b
      .addColumn('place_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('course', 'text', (c) => c.notNull())
      .addColumn('diet_tags', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('allergens', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );
  await index('canteen_dishes_place', 'canteen_dishes', ['jurisdiction_id', 'place_id', 'name']);
  await t('canteen_menus', ['place_id', 'date', 'meal'], (b) =>
    b
      .addColumn('dish_ids', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull()),
  );
  await t('canteen_cards', ['card_no'], (b) =>
    b
      .addColumn('person_id', 'text', (c) => c.notNull())
      .addColumn('issued_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text'),
  );
  await t('canteen_meals', ['id'], (b) =>
    b
      .addColumn('place_id', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('meal', 'text', (c) => c.notNull())
      .addColumn('person_id', 'text')
      .addColumn('diner_category', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('base_fen', dialect.types.bigint, (c) => c.notNull())
      .addColumn('subsidy_fen', dialect.types.bigint, (c) => c.notNull())
      .addColumn('copay_fen', dialect.types.bigint, (c) => c.notNull())
      .addColumn('subsidy_note', 'text')
      .addColumn('entitlement_entry_id', 'text')
      .addColumn('pay_with', 'text', (c) => c.notNull())
      .addColumn('payment_id', 'text')
      .addColumn('served_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)),
  );
  await index('canteen_meals_day', 'canteen_meals', ['jurisdiction_id', 'place_id', 'date', 'meal']);
  await index('canteen_meals_date', 'canteen_meals', ['jurisdiction_id', 'date']);
  // One meal a sitting per registered diner, whatever the counter does; voided check-ins do not count.
  await sql`create unique index canteen_meals_diner on canteen_meals (jurisdiction_id, place_id, date, meal, person_id) where person_id is not null and status <> 'voided'`.execute(
    db,
  );
  await t('canteen_days', ['place_id', 'date'], (b) =>
    b
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('counts', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('kitchen_counts', 'text')
      .addColumn('problem_id', 'text')
      .addColumn('closed_by', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)),
  );
  await t('canteen_samples', ['id'], (b) =>
    b
      .addColumn('place_id', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('meal', 'text', (c) => c.notNull())
      .addColumn('dish_id', 'text', (c) => c.notNull())
      .addColumn('grams', 'integer', (c) => c.notNull())
      .addColumn('kept_until', 'text', (c) => c.notNull())
      .addColumn('taken_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );
  await index('canteen_samples_day', 'canteen_samples', ['jurisdiction_id', 'place_id', 'date']);
}
