import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';
import { tableBuilder } from './helpers.ts';

/** The core schema: reference data, problems and their log, auth, outputs. */
export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  const t = tableBuilder(db, dialect);

  await db.schema
    .createTable('jurisdictions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('division_code', 'text', (c) => c.notNull())
    .addColumn('open311_id', 'text', (c) => c.unique())
    .addColumn('number_prefix', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await t('divisions', ['code'], (b) =>
    b
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('parent_code', 'text')
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('lat', dialect.types.real)
      .addColumn('lng', dialect.types.real)
      .addColumn('population', dialect.types.bigint),
  );
  await db.schema
    .createIndex('divisions_parent')
    .on('divisions')
    .columns(['jurisdiction_id', 'parent_code'])
    .execute();

  await t('units', ['id'], (b) =>
    b
      .addColumn('parent_id', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('division_code', 'text')
      .addColumn('phone', 'text')
      .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)),
  );
  await db.schema.createIndex('units_parent').on('units').columns(['jurisdiction_id', 'parent_id']).execute();

  await t('users', ['id'], (b) =>
    b
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('phone', 'text')
      .addColumn('id_number_enc', 'text')
      .addColumn('id_number_hash', 'text')
      .addColumn('unit_id', 'text')
      .addColumn('roles', 'text', (c) => c.notNull())
      .addColumn('scope_kind', 'text', (c) => c.notNull())
      .addColumn('scope_ref', 'text')
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)),
  );
  await db.schema.createIndex('users_username').unique().on('users').column('username').execute();
  await db.schema.createIndex('users_phone').on('users').columns(['jurisdiction_id', 'phone']).execute();
  await db.schema.createIndex('users_unit').on('users').columns(['jurisdiction_id', 'unit_id']).execute();

  await t('sessions', ['id'], (b) =>
    b
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull()),
  );
  await db.schema.createIndex('sessions_id').unique().on('sessions').column('id').execute();
  await db.schema
    .createIndex('sessions_user')
    .on('sessions')
    .columns(['jurisdiction_id', 'user_id'])
    .execute();

  await t('api_keys', ['id'], (b) =>
    b
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addColumn('last_used_at', 'text'),
  );
  await db.schema.createIndex('api_keys_hash').unique().on('api_keys').column('key_hash').execute();

  await t('otp_codes', ['phone'], (b) =>
    b
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );

  await t('domains', ['code'], (b) =>
    b
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0)),
  );

  await t('categories', ['code'], (b) =>
    b
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('fields', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('keywords', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('open311_type', 'text', (c) => c.notNull().defaultTo('realtime'))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)),
  );

  await t('indicators', ['code'], (b) =>
    b
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('unit', 'text', (c) => c.notNull())
      .addColumn('scale', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('domain', 'text')
      .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0)),
  );

  await t('time_rules', ['id'], (b) =>
    b
      .addColumn('category_code', 'text')
      .addColumn('urgency', 'text', (c) => c.notNull())
      .addColumn('respond_hours', dialect.types.real, (c) => c.notNull())
      .addColumn('close_days', 'integer', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)),
  );

  await t('calendar_days', ['date'], (b) =>
    b.addColumn('is_workday', 'integer', (c) => c.notNull()).addColumn('name', 'text', (c) => c.notNull()),
  );

  await t('campaigns', ['id'], (b) =>
    b
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('starts_on', 'text', (c) => c.notNull())
      .addColumn('ends_on', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );

  await t('topics', ['id'], (b) =>
    b
      .addColumn('campaign_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('lead_official_id', 'text')
      .addColumn('lead_official_name', 'text', (c) => c.notNull())
      .addColumn('team', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('report', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );
  await db.schema
    .createIndex('topics_campaign')
    .on('topics')
    .columns(['jurisdiction_id', 'campaign_id'])
    .execute();

  await t('visits', ['id'], (b) =>
    b
      .addColumn('topic_id', 'text', (c) => c.notNull())
      .addColumn('visited_at', 'text', (c) => c.notNull())
      .addColumn('village_code', 'text')
      .addColumn('place', 'text', (c) => c.notNull())
      .addColumn('enterprise_name', 'text')
      .addColumn('enterprise_uscc', 'text')
      .addColumn('participants', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('lat', dialect.types.real)
      .addColumn('lng', dialect.types.real)
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );
  await db.schema.createIndex('visits_topic').on('visits').columns(['jurisdiction_id', 'topic_id']).execute();

  await t('problems', ['id'], (b) =>
    b
      .addColumn('number', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('category_code', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('reporter_user_id', 'text')
      .addColumn('reporter_name', 'text')
      .addColumn('reporter_phone', 'text')
      .addColumn('enterprise_name', 'text')
      .addColumn('enterprise_uscc', 'text')
      .addColumn('township_code', 'text')
      .addColumn('village_code', 'text')
      .addColumn('address', 'text')
      .addColumn('lat', dialect.types.real)
      .addColumn('lng', dialect.types.real)
      .addColumn('campaign_id', 'text')
      .addColumn('topic_id', 'text')
      .addColumn('visit_id', 'text')
      .addColumn('lead_unit_id', 'text')
      .addColumn('rectification_type', 'text')
      .addColumn('urgency', 'text', (c) => c.notNull().defaultTo('normal'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('due_state', 'text', (c) => c.notNull().defaultTo('none'))
      .addColumn('respond_due_at', 'text')
      .addColumn('close_due_at', 'text')
      .addColumn('dispatched_at', 'text')
      .addColumn('responded_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('close_hours', dialect.types.real)
      .addColumn('resolved', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('rating', 'text')
      .addColumn('merged_into_id', 'text')
      .addColumn('pending_extension', 'text')
      .addColumn('bounce_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('press_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('reopen_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('fields', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('found_on', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)),
  );
  const problemIndexes: [string, string[]][] = [
    ['problems_number', ['jurisdiction_id', 'number']],
    ['problems_status_created', ['jurisdiction_id', 'status', 'created_at']],
    ['problems_created', ['jurisdiction_id', 'created_at']],
    ['problems_updated', ['jurisdiction_id', 'updated_at']],
    ['problems_domain', ['jurisdiction_id', 'domain', 'created_at']],
    ['problems_category', ['jurisdiction_id', 'category_code', 'created_at']],
    ['problems_township', ['jurisdiction_id', 'township_code', 'created_at']],
    ['problems_village', ['jurisdiction_id', 'village_code']],
    ['problems_lead_unit', ['jurisdiction_id', 'lead_unit_id', 'status']],
    ['problems_campaign', ['jurisdiction_id', 'campaign_id', 'domain']],
    ['problems_topic', ['jurisdiction_id', 'topic_id']],
    ['problems_visit', ['jurisdiction_id', 'visit_id']],
    ['problems_reporter', ['jurisdiction_id', 'reporter_user_id']],
    ['problems_due', ['jurisdiction_id', 'due_state', 'status']],
    ['problems_geo', ['jurisdiction_id', 'lat', 'lng']],
    ['problems_merged', ['jurisdiction_id', 'merged_into_id']],
  ];
  for (const [name, cols] of problemIndexes) {
    const unique = name === 'problems_number';
    const builder = db.schema.createIndex(name).on('problems').columns(cols);
    await (unique ? builder.unique() : builder).execute();
  }
  await dialect.createProblemSearchIndex(db);

  await t('problem_units', ['problem_id', 'unit_id'], (b) => b.addColumn('role', 'text', (c) => c.notNull()));
  await db.schema
    .createIndex('problem_units_unit')
    .on('problem_units')
    .columns(['jurisdiction_id', 'unit_id'])
    .execute();

  await t('actions', ['id'], (b) =>
    b
      .addColumn('problem_id', 'text', (c) => c.notNull())
      .addColumn('seq', dialect.types.bigint, (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('from_status', 'text')
      .addColumn('to_status', 'text', (c) => c.notNull())
      .addColumn('actor_user_id', 'text')
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('actor_unit_id', 'text')
      .addColumn('note', 'text')
      .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('is_public', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull()),
  );
  await db.schema
    .createIndex('actions_problem')
    .on('actions')
    .columns(['jurisdiction_id', 'problem_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('actions_seq')
    .unique()
    .on('actions')
    .columns(['jurisdiction_id', 'seq'])
    .execute();

  await t('results', ['problem_id'], (b) =>
    b
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('mechanism', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );
  await t('result_indicators', ['problem_id', 'code'], (b) =>
    b.addColumn('value_scaled', dialect.types.bigint, (c) => c.notNull()),
  );

  await t('attachments', ['id'], (b) =>
    b
      .addColumn('problem_id', 'text')
      .addColumn('action_id', 'text')
      .addColumn('visit_id', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('mime', 'text', (c) => c.notNull())
      .addColumn('size', dialect.types.bigint, (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('original_name', 'text', (c) => c.notNull())
      .addColumn('storage_path', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );
  await db.schema
    .createIndex('attachments_problem')
    .on('attachments')
    .columns(['jurisdiction_id', 'problem_id'])
    .execute();

  await t('notifications', ['id'], (b) =>
    b
      .addColumn('user_id', 'text')
      .addColumn('unit_id', 'text')
      .addColumn('role', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('problem_id', 'text')
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('read_at', 'text'),
  );
  await db.schema
    .createIndex('notifications_unit')
    .on('notifications')
    .columns(['jurisdiction_id', 'unit_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('notifications_problem')
    .on('notifications')
    .columns(['jurisdiction_id', 'problem_id', 'kind'])
    .execute();

  await t('notices', ['id'], (b) =>
    b
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('published_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text'),
  );

  await t('idempotency_keys', ['principal', 'key'], (b) =>
    b
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('status_code', 'integer', (c) => c.notNull())
      .addColumn('response', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );

  await t('counters', ['name'], (b) => b.addColumn('value', dialect.types.bigint, (c) => c.notNull()));

  await t('audit_log', ['seq'], (b) =>
    b
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('ref_id', 'text', (c) => c.notNull())
      .addColumn('actor_user_id', 'text')
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull()),
  );

  await t('open311_tokens', ['token'], (b) =>
    b.addColumn('problem_id', 'text').addColumn('created_at', 'text', (c) => c.notNull()),
  );
}
