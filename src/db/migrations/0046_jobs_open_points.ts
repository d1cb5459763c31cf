import type { Kysely } from 'kysely';

/**
 * The doorstep map keeps the open postings of a jurisdiction as points in memory, read again whenever the
 * jobs log moves; with kind and occupation in the index (the map's filters) that read touches no table
 * row. The index of migration 0030 had the same leading columns without them and is replaced.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('jobs_postings_open_points')
    .on('jobs_postings')
    .columns([
      'jurisdiction_id',
      'status',
      'lat',
      'lng',
      'id',
      'valid_through',
      'reconfirm_due_at',
      'kind',
      'occupation_code',
    ])
    .execute();
  await db.schema.dropIndex('jobs_postings_geo').ifExists().execute();
}
