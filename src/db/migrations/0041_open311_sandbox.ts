import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';

/**
 * A sandbox jurisdiction serves the Open311 test endpoint of a real one (`sandbox_of`): its own reference
 * data, keys and requests, so that a client's trials never reach the real lists, KPIs or results.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectAdapter): Promise<void> {
  await db.schema.alterTable('jurisdictions').addColumn('sandbox_of', 'text').execute();
}
