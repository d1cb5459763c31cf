import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

/**
 * The doorstep map reads open postings by grid cell (kernel/geo.ts geoCell), as "near" does for problems:
 * a latitude range alone crosses the whole district's width. The index carries the coordinates and the
 * two times that decide whether an open posting has lapsed, so the search touches no table row.
 */
export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  await sql
    .raw(
      `create index jobs_postings_geo_cell on jobs_postings (jurisdiction_id, status, (${dialect.geoCellExpression('lat', 'lng')}), lat, lng, valid_through, reconfirm_due_at, id)`,
    )
    .execute(db);
}
