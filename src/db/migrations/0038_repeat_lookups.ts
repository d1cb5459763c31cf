import { sql, type Kysely } from 'kysely';

/**
 * A new report is compared with the latest reports of the same person and of the same village (重复诉求,
 * docs/kpi-definitions.md). Both indexes end in `created_at`, so each lookup reads its newest entries and
 * stops, instead of walking every report of the last 30 days inside the write batch.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index problems_village`.execute(db);
  await sql`create index problems_village on problems (jurisdiction_id, village_code, created_at)`.execute(
    db,
  );
  await sql`drop index problems_reporter`.execute(db);
  await sql`create index problems_reporter on problems (jurisdiction_id, reporter_user_id, created_at)
    where reporter_user_id is not null`.execute(db);
}
