import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

/**
 * The problems a unit leads, newest first (decision 0010): a search that matches a unit's name brings that
 * unit's newest problems with their creation times from this index alone, as it does for a category,
 * domain, township or village, instead of reading the rows of any 500 of them.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectAdapter): Promise<void> {
  await sql`create index problems_lead_created on problems (jurisdiction_id, lead_unit_id, created_at) where lead_unit_id is not null`.execute(
    db,
  );
}
