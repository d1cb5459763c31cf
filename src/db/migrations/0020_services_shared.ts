import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';
import { tableBuilder } from './helpers.ts';

/**
 * The pieces every resident-service module shares (DESIGN §3): the registry of persons with consent and
 * an access log, the service directory, one hash-chained action log per module, the entitlement ledger
 * and the indicators that successes add to.
 */
export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  const t = tableBuilder(db, dialect);
  const index = (name: string, table: string, columns: string[]) =>
    db.schema.createIndex(name).on(table).columns(columns).execute();

  await t('households', ['id'], (b) =>
    b
      .addColumn('village_code', 'text', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );
  await t('persons', ['id'], (b) =>
    b
      .addColumn('household_id', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('gender', 'text')
      .addColumn('birth_date', 'text')
      .addColumn('phone', 'text')
      .addColumn('id_number_enc', 'text')
      .addColumn('id_number_hash', 'text')
      .addColumn('village_code', 'text', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('disability_level', 'integer')
      .addColumn('ethnicity', 'text')
      .addColumn('living_alone', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('user_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)),
  );
  await index('persons_village', 'persons', ['jurisdiction_id', 'village_code', 'id']);
  await index('persons_user', 'persons', ['jurisdiction_id', 'user_id']);
  await db.schema
    .createIndex('persons_id_number')
    .unique()
    .on('persons')
    .columns(['jurisdiction_id', 'id_number_hash'])
    .execute();

  await t('person_contacts', ['id'], (b) =>
    b
      .addColumn('person_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('relation', 'text', (c) => c.notNull())
      .addColumn('phone', 'text')
      .addColumn('user_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );
  await index('person_contacts_person', 'person_contacts', ['jurisdiction_id', 'person_id']);
  await index('person_contacts_user', 'person_contacts', ['jurisdiction_id', 'user_id']);

  await t('consents', ['id'], (b) =>
    b
      .addColumn('person_id', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('lawful_basis', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('granted_by', 'text', (c) => c.notNull())
      .addColumn('granted_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('withdrawn_at', 'text')
      .addColumn('withdrawn_reason', 'text')
      .addColumn('recorded_by', 'text'),
  );
  await index('consents_person', 'consents', ['jurisdiction_id', 'person_id']);

  await t('person_access_log', ['id'], (b) =>
    b
      .addColumn('person_id', 'text', (c) => c.notNull())
      .addColumn('actor_user_id', 'text')
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );
  await index('person_access_person', 'person_access_log', ['jurisdiction_id', 'person_id', 'created_at']);

  await t('providers', ['id'], (b) =>
    b
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('uscc', 'text', (c) => c.notNull())
      .addColumn('licence_no', 'text')
      .addColumn('licence_expires_on', 'text')
      .addColumn('phone', 'text')
      .addColumn('service_area', 'text', (c) => c.notNull())
      .addColumn('services', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );
  await t('provider_workers', ['id'], (b) =>
    b
      .addColumn('provider_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('phone', 'text')
      .addColumn('user_id', 'text')
      .addColumn('qualifications', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );
  await index('provider_workers_provider', 'provider_workers', ['jurisdiction_id', 'provider_id']);
  await index('provider_workers_user', 'provider_workers', ['jurisdiction_id', 'user_id']);

  await t('places', ['id'], (b) =>
    b
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('provider_id', 'text')
      .addColumn('village_code', 'text', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('lat', dialect.types.real)
      .addColumn('lng', dialect.types.real)
      .addColumn('phone', 'text')
      .addColumn('capacity', 'integer')
      .addColumn('hours', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('description', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );
  await index('places_kind', 'places', ['jurisdiction_id', 'kind', 'id']);

  await t('service_log', ['module', 'seq'], (b) =>
    b
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('ref_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('from_status', 'text')
      .addColumn('to_status', 'text')
      .addColumn('actor_user_id', 'text')
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull()),
  );
  await index('service_log_ref', 'service_log', ['jurisdiction_id', 'module', 'ref_id', 'seq']);

  await t('entitlement_accounts', ['id'], (b) =>
    b
      .addColumn('person_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('unit', 'text', (c) => c.notNull())
      .addColumn('balance', dialect.types.bigint, (c) => c.notNull())
      .addColumn('entries', dialect.types.bigint, (c) => c.notNull())
      .addColumn('last_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addCheckConstraint('entitlement_balance_not_negative', sql`balance >= 0`),
  );
  await db.schema
    .createIndex('entitlement_accounts_person_kind')
    .unique()
    .on('entitlement_accounts')
    .columns(['jurisdiction_id', 'person_id', 'kind'])
    .execute();

  await t('entitlement_entries', ['account_id', 'seq'], (b) =>
    b
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('amount', dialect.types.bigint, (c) => c.notNull())
      .addColumn('balance_after', dialect.types.bigint, (c) => c.notNull())
      .addColumn('corrects_entry_id', 'text')
      .addColumn('occasion', 'text')
      .addColumn('source_module', 'text', (c) => c.notNull())
      .addColumn('source_ref', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('actor_user_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull()),
  );
  await db.schema
    .createIndex('entitlement_entries_id')
    .unique()
    .on('entitlement_entries')
    .columns(['jurisdiction_id', 'id'])
    .execute();
  // The database itself refuses a second spend for one occasion or one source, whatever the code does.
  await sql`create unique index entitlement_entries_occasion on entitlement_entries (jurisdiction_id, account_id, occasion) where kind = 'spend'`.execute(
    db,
  );
  await sql`create unique index entitlement_entries_source on entitlement_entries (jurisdiction_id, source_module, source_ref, account_id) where kind = 'spend'`.execute(
    db,
  );

  await t('service_indicators', ['id'], (b) =>
    b
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('module', 'text', (c) => c.notNull())
      .addColumn('ref_id', 'text', (c) => c.notNull())
      .addColumn('value_scaled', dialect.types.bigint, (c) => c.notNull())
      .addColumn('village_code', 'text')
      .addColumn('occurred_at', 'text', (c) => c.notNull()),
  );
  await db.schema
    .createIndex('service_indicators_source')
    .unique()
    .on('service_indicators')
    .columns(['jurisdiction_id', 'module', 'ref_id', 'code'])
    .execute();
  await index('service_indicators_code', 'service_indicators', ['jurisdiction_id', 'code', 'occurred_at']);
}
