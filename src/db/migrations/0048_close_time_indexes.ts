import { sql, type Kysely } from 'kysely';

/**
 * Close times are read in order (the median, a unit's close times) only for problems that have one and were
 * not merged into another. The two indexes that order them hold only those rows: the median's offset walks
 * the index alone instead of looking every entry up in the table for its merge, and a new report, which
 * has no close time yet, adds no entry to either.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index problems_close_hours`.execute(db);
  await sql`create index problems_close_hours on problems (jurisdiction_id, close_hours)
    where close_hours is not null and merged_into_id is null`.execute(db);
  await sql`drop index problems_lead_close`.execute(db);
  await sql`create index problems_lead_close on problems (jurisdiction_id, lead_unit_id, close_hours)
    where close_hours is not null and merged_into_id is null`.execute(db);
}
