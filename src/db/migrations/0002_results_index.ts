import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

/** The public results list reads resolved problems newest first: an index in that order. */
export async function up(db: Kysely<unknown>, _dialect: DialectAdapter): Promise<void> {
  await db.schema
    .createIndex('problems_results')
    .on('problems')
    .columns(['jurisdiction_id', 'resolved', 'closed_at'])
    .execute();
}
