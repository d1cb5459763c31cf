import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

/**
 * "Services near me" reads places by grid cell (kernel/geo.ts geoCell), as the jobs map reads postings: a
 * latitude range alone crosses the whole district's width. The index carries the coordinates, so the cells
 * are found without the table and only the places inside the box are read.
 *
 * The photos of a care visit are uploaded files: each care photo row names its file, and a file taken by a
 * service module records what it belongs to (`care:<order id>`), so it is no longer a pending upload and
 * cannot be attached to anything else. The big screen counts today's orders by kind from an index by
 * the time they were placed.
 */
export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  await sql
    .raw(
      `create index places_geo_cell on places (jurisdiction_id, (${dialect.geoCellExpression('lat', 'lng')}), lat, lng, id)`,
    )
    .execute(db);
  await db.schema
    .createIndex('care_orders_created')
    .on('care_orders')
    .columns(['jurisdiction_id', 'created_at', 'kind'])
    .execute();
  await db.schema.alterTable('care_photos').addColumn('attachment_id', 'text').execute();
  await db.schema.alterTable('attachments').addColumn('service_ref', 'text').execute();
}
