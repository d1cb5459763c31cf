import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';
import { replaceTriggerStatements } from './0003_kpi_rollup.ts';

/**
 * PostgreSQL: the rollup trigger function runs a problem's indicator upserts only when it is resolved, and its
 * close-time histogram upsert only when it has a close time; a new report runs three statements instead of
 * seven. On SQLite the triggers are made again unchanged.
 */
export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  for (const s of replaceTriggerStatements(dialect)) await sql.raw(s).execute(db);
}
