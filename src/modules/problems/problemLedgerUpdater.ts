/**
 * 台账回填: the progress (整改进展) a re-imported ledger adds to a problem it names. Logged as the ledger's own
 * entry (`import`, whose progress the next export writes out as lines again), in the importer's transaction,
 * on the problem as it was read: if it changed since, nothing is written.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { changeProblem } from './problems.changes.ts';
import type { Actor } from './problems.log.ts';
import type { ProblemRow } from './problems.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** One dated line of progress (整改进展). */
export interface ProgressLine {
  /** YYYY-MM-DD */
  date: string;
  note: string;
}

/**
 * Adds progress lines to a problem as read at `row.version` (its last change moves to `at`); throws
 * ConcurrentChange when the problem changed since it was read.
 */
export async function addLedgerProgress(
  trx: Db,
  row: ProblemRow,
  actor: Actor,
  progress: ProgressLine[],
  at: string,
): Promise<void> {
  await changeProblem(
    trx,
    row,
    { updated_at: at },
    { action: 'import', actor, note: null, data: { progress, update: true }, public: false, at },
  );
}
