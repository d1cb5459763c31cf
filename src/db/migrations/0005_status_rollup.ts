import { sql, type Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect/types.ts';
import {
  STATUS_LEVEL,
  createLevelTables,
  fillLevelStatements,
  replaceTriggerStatements,
} from './0003_kpi_rollup.ts';

/**
 * The rollup by status (see LEVELS in 0003): a list's total — how many problems its filters match — read
 * from a few hundred rollup rows instead of counting every matching problem, which grows with the data. A
 * database created after this level was added has it from 0003 already; for an older one this creates its
 * tables, makes the triggers keep it, and fills it from the problems.
 */
export async function up(db: Kysely<unknown>, dialect: DialectAdapter): Promise<void> {
  await createLevelTables(db, dialect, [STATUS_LEVEL]);
  for (const s of replaceTriggerStatements(dialect)) await sql.raw(s).execute(db);
  for (const s of fillLevelStatements(dialect, [STATUS_LEVEL])) await sql.raw(s).execute(db);
}
