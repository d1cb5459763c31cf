import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

/**
 * Public notices (公告) grow from a title and a body into records with a document number, an issuing
 * unit, a lifecycle, an expiry, an audience, channels and the CAP fields of urgent ones. Every column
 * has a default, so the notices written before keep their meaning: published to the whole jurisdiction.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectAdapter): Promise<void> {
  const add = (name: string, type: 'text' | 'integer', dflt?: string | number) =>
    db.schema
      .alterTable('notices')
      .addColumn(name, type, (c) => (dflt === undefined ? c : c.notNull().defaultTo(dflt)))
      .execute();
  await add('doc_number', 'text');
  await add('issuing_unit', 'text');
  await add('kind', 'text', 'general');
  await add('status', 'text', 'published');
  await add('audience_kind', 'text', 'jurisdiction');
  await add('audience_ref', 'text');
  await add('channels', 'text', '["phone"]');
  await add('cap', 'text');
  await add('expires_at', 'text');
  await add('ended_at', 'text');
  await add('updated_at', 'text');
  await add('version', 'integer', 1);
  await db.schema
    .createIndex('notices_status')
    .on('notices')
    .columns(['jurisdiction_id', 'status', 'published_at'])
    .execute();
}
