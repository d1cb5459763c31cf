import type { Kysely } from 'kysely';

/**
 * The doorstep map reads the open postings once per version of the jobs log from the index of migration
 * 0046 and searches them in memory, so the grid-cell index of 0050 is read by nothing: every posting
 * written paid for it. Dropped here, after 0050, since a fresh database runs 0050 after 0046.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('jobs_postings_geo_cell').ifExists().execute();
}
