import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

/**
 * "Near a point" reads only the grid cells around the point (kernel/geo.ts geoCell): an index on the cell
 * expression, carrying the coordinates and the creation time so that the distance check and the newest-first
 * order are answered from the index alone.
 */
export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  await sql
    .raw(
      `create index problems_geo_cell on problems (jurisdiction_id, (${dialect.geoCellExpression('lat', 'lng')}), lat, lng, created_at, id)`,
    )
    .execute(db);
  // Full-text matches are sorted newest first by their creation time: read from this index, not from the rows.
  await db.schema
    .createIndex('problems_id_created')
    .on('problems')
    .columns(['jurisdiction_id', 'id', 'created_at'])
    .execute();
}
