import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';
import { tableBuilder } from './helpers.ts';

/**
 * Counters that guard (one-time-code requests per phone and per client address): one row per key and
 * window, raised by one atomic upsert, so the limit holds across concurrent requests and across processes
 * sharing the database.
 */
export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  const t = tableBuilder(db, dialect);
  await t('guard_counters', ['key'], (b) =>
    b.addColumn('count', 'integer', (c) => c.notNull()).addColumn('window_end', 'text', (c) => c.notNull()),
  );
}
