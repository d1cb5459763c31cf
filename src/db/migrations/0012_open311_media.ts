import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';
import { tableBuilder } from './helpers.ts';

/**
 * The `media_url` an Open311 client sent with a request, in a column of its own. It used to be appended to
 * the description behind a marker and split off again on output, so a resident's text ending in that
 * marker became a `media_url`; user text is no longer parsed for it. A photo sent in the POST itself is an
 * attachment of the problem instead.
 */
export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  const t = tableBuilder(db, dialect);
  await t('open311_media', ['problem_id'], (b) =>
    b.addColumn('media_url', 'text', (c) => c.notNull()).addColumn('created_at', 'text', (c) => c.notNull()),
  );
}
