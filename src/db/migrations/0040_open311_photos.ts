import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';
import { tableBuilder } from './helpers.ts';

/**
 * The photos an Open311 client sent in a multipart POST: each is an attachment of the new problem, and the
 * rows here say which attachments the client published as the request's `media_url` (only these are served
 * to anyone; a resident's other attachments stay behind the API's permissions).
 */
export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  const t = tableBuilder(db, dialect);
  await t('open311_photos', ['attachment_id'], (b) =>
    b
      .addColumn('problem_id', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull()),
  );
  await db.schema
    .createIndex('open311_photos_problem')
    .on('open311_photos')
    .columns(['jurisdiction_id', 'problem_id', 'position'])
    .execute();
}
