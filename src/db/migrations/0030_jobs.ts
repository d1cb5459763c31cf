import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';
import { tableBuilder } from './helpers.ts';

/**
 * 荷塘大就业 (issue 24): employers, postings with their place, workers, applications with the wage both
 * sides confirm, the stations (directory places) with their staff, and station visits.
 */
export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  const t = tableBuilder(db, dialect);
  const index = (name: string, table: string, columns: string[]) =>
    db.schema.createIndex(name).on(table).columns(columns).execute();

  await t('jobs_employers', ['id'], (b) =>
    b
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('uscc', 'text', (c) => c.notNull())
      .addColumn('contact_name', 'text', (c) => c.notNull())
      .addColumn('contact_phone', 'text', (c) => c.notNull())
      .addColumn('village_code', 'text', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('owner_user_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('review_note', 'text')
      .addColumn('reviewed_by', 'text')
      .addColumn('reviewed_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)),
  );
  await db.schema
    .createIndex('jobs_employers_uscc')
    .unique()
    .on('jobs_employers')
    .columns(['jurisdiction_id', 'uscc'])
    .execute();
  await index('jobs_employers_owner', 'jobs_employers', ['jurisdiction_id', 'owner_user_id']);

  await t('jobs_postings', ['id'], (b) =>
    b
      .addColumn('employer_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('occupation_code', 'text', (c) => c.notNull())
      .addColumn('headcount', 'integer', (c) => c.notNull())
      .addColumn('filled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('wage_fen', dialect.types.bigint, (c) => c.notNull())
      .addColumn('wage_unit', 'text', (c) => c.notNull())
      .addColumn('pieces_per_hour', dialect.types.real)
      .addColumn('village_code', 'text', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('lat', dialect.types.real, (c) => c.notNull())
      .addColumn('lng', dialect.types.real, (c) => c.notNull())
      .addColumn('station_id', 'text')
      .addColumn('valid_from', 'text', (c) => c.notNull())
      .addColumn('valid_through', 'text', (c) => c.notNull())
      .addColumn('reconfirm_due_at', 'text')
      .addColumn('reconfirm_token_hash', 'text')
      .addColumn('reminded_at', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('posted_by_user_id', 'text')
      .addColumn('posted_via', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)),
  );
  // The map's box prefilter: open postings by latitude range; longitude and the times that decide whether
  // an open posting has lapsed are read from the index too, so the prefilter touches no table row.
  await index('jobs_postings_geo', 'jobs_postings', [
    'jurisdiction_id',
    'status',
    'lat',
    'lng',
    'id',
    'valid_through',
    'reconfirm_due_at',
  ]);
  await index('jobs_postings_employer', 'jobs_postings', ['jurisdiction_id', 'employer_id', 'id']);
  await index('jobs_postings_due', 'jobs_postings', ['jurisdiction_id', 'status', 'reconfirm_due_at']);
  await index('jobs_postings_token', 'jobs_postings', ['jurisdiction_id', 'reconfirm_token_hash']);

  await t('jobs_workers', ['id'], (b) =>
    b
      .addColumn('person_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('has_smartphone', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('occupations', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('skills', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('availability', 'text', (c) => c.notNull())
      .addColumn('radius_m', 'integer', (c) => c.notNull())
      .addColumn('min_daily_fen', dialect.types.bigint, (c) => c.notNull().defaultTo(0))
      .addColumn('village_code', 'text', (c) => c.notNull())
      .addColumn('lat', dialect.types.real)
      .addColumn('lng', dialect.types.real)
      .addColumn('priority_groups', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('registered_via', 'text', (c) => c.notNull())
      .addColumn('station_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)),
  );
  await db.schema
    .createIndex('jobs_workers_person')
    .unique()
    .on('jobs_workers')
    .columns(['jurisdiction_id', 'person_id'])
    .execute();
  await index('jobs_workers_user', 'jobs_workers', ['jurisdiction_id', 'user_id']);

  await t('jobs_applications', ['id'], (b) =>
    b
      .addColumn('posting_id', 'text', (c) => c.notNull())
      .addColumn('worker_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('proposed_by', 'text', (c) => c.notNull())
      .addColumn('score', 'integer', (c) => c.notNull())
      .addColumn('explanation', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('worker_hours', dialect.types.real)
      .addColumn('worker_amount_fen', dialect.types.bigint)
      .addColumn('employer_hours', dialect.types.real)
      .addColumn('employer_amount_fen', dialect.types.bigint)
      .addColumn('completed_at', 'text')
      .addColumn('pay_due_at', 'text')
      .addColumn('paid_at', 'text')
      .addColumn('problem_id', 'text')
      .addColumn('disputed_at', 'text')
      .addColumn('resolved_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)),
  );
  await index('jobs_applications_posting', 'jobs_applications', ['jurisdiction_id', 'posting_id', 'id']);
  await index('jobs_applications_worker', 'jobs_applications', ['jurisdiction_id', 'worker_id', 'id']);
  await index('jobs_applications_due', 'jobs_applications', ['jurisdiction_id', 'status', 'pay_due_at']);

  await t('jobs_stations', ['place_id'], (b) =>
    b
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('township_code', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );
  await t('jobs_station_staff', ['place_id', 'user_id'], (b) =>
    b.addColumn('created_at', 'text', (c) => c.notNull()),
  );
  await index('jobs_station_staff_user', 'jobs_station_staff', ['jurisdiction_id', 'user_id']);
  await t('jobs_station_visits', ['id'], (b) =>
    b
      .addColumn('place_id', 'text', (c) => c.notNull())
      .addColumn('worker_id', 'text')
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('recorded_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );
  await index('jobs_station_visits_place', 'jobs_station_visits', [
    'jurisdiction_id',
    'place_id',
    'created_at',
  ]);
}
