import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import type { DialectAdapter } from '../../../db/dialect/types.ts';
import { rebuildRollupStatements, rollupParts } from './rollup.sql.ts';

/** Rebuilds every rollup level of one jurisdiction (or of all) from its problems, in the caller's transaction. */
export async function rebuildRollups(
  trx: Kysely<DB> | Transaction<DB>,
  dialect: DialectAdapter,
  jurisdictionId?: string,
): Promise<void> {
  for (const s of rebuildRollupStatements(dialect, jurisdictionId)) await sql.raw(s).execute(trx);
}

/**
 * Bulk loads (ledger imports, the generator) pay for the rollup once instead of row by row: `suspend` inside
 * the load's transaction stops the triggers for that transaction only, `addToRollup` adds the loaded
 * problems, `resume` starts the triggers again. Loads only insert problems.
 */
export async function runBulkRollup(
  trx: Kysely<DB> | Transaction<DB>,
  dialect: DialectAdapter,
  phase: 'suspend' | 'resume',
): Promise<void> {
  const parts = rollupParts(dialect);
  const statements =
    phase === 'suspend' ? dialect.rollup.suspendStatements(parts) : dialect.rollup.resumeStatements(parts);
  for (const s of statements) await sql.raw(s).execute(trx);
}

/** Adds newly inserted problems of one jurisdiction to the rollup (after `suspend`, before `resume`). */
export async function addToRollup(
  trx: Kysely<DB> | Transaction<DB>,
  dialect: DialectAdapter,
  jurisdictionId: string,
  problemIds: string[],
): Promise<void> {
  await dialect.rollup.addLoaded(trx, rollupParts(dialect), jurisdictionId, problemIds);
}
