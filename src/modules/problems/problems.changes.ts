/**
 * The one funnel through which a problem's row is written (DESIGN §2: "the current state is updated in the
 * same transaction as its log"). A new problem goes in with its `submit` action, a change with the action
 * that records it; the log's number is the data version that read answers are cached by, so nothing that
 * changes a problem can leave those answers stale. Nothing else in `src/` writes the `problems` table,
 * except the ledger's bulk load, which writes the rows and their log entries itself (see ledger.service.ts).
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { DialectAdapter } from '../../db/dialect/types.ts';
import { appendAction, appendActions, type NewAction } from './problems.log.ts';
import { provenState, type ProvenRow } from './problems.proof.ts';
import { problemsRepository, type ActionRow, type ProblemRow } from './problems.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The Idempotency-Key of the request a write serves, recorded in the write's own transaction. */
export interface IdempotencyRef {
  principal: string;
  key: string;
}

/** The problem changed after it was read (its version moved): the caller reloads and tries again. */
export class ConcurrentChange extends Error {}

/** The log entry of a change; its problem and starting status come from the row it changes. */
export type ChangeEntry = Omit<NewAction, 'problemId' | 'from' | 'to'>;

/** The entry's data with the proven columns of the row it leaves (see problems.proof.ts). */
function withState(data: unknown, row: ProvenRow): Record<string, unknown> {
  return { ...(data as Record<string, unknown> | undefined), state: provenState(row) };
}

/**
 * Changes one problem as read at `row.version` and logs the change with the state it leaves, in the
 * caller's transaction. The resulting status is `patch.status` when it sets one. Throws ConcurrentChange if
 * the row moved meanwhile.
 */
export async function changeProblem(
  trx: Db,
  row: Pick<ProblemRow, 'jurisdiction_id' | 'id' | 'version'> & ProvenRow,
  patch: Partial<ProblemRow>,
  entry: ChangeEntry,
): Promise<ActionRow> {
  if (!(await problemsRepository.update(trx, row.jurisdiction_id, row.id, row.version, patch)))
    throw new ConcurrentChange();
  return appendAction(trx, row.jurisdiction_id, {
    ...entry,
    data: withState(entry.data, { ...row, ...patch }),
    problemId: row.id,
    from: row.status,
    to: patch.status ?? row.status,
  });
}

/**
 * Inserts new problems of one jurisdiction with their first actions (one per problem, in order), in the
 * caller's transaction; with `dialect`, each as one multi-row insert. Returns the actions in order.
 */
export async function insertProblems(
  trx: Db,
  jurisdictionId: string,
  rows: ProblemRow[],
  entries: ChangeEntry[],
  opts: { dialect?: DialectAdapter } = {},
): Promise<ActionRow[]> {
  if (rows.length === 1) await problemsRepository.insert(trx, rows[0]!);
  else if (opts.dialect) await opts.dialect.bulkInsert(trx, 'problems', rows);
  else for (const row of rows) await problemsRepository.insert(trx, row);
  return appendActions(
    trx,
    jurisdictionId,
    rows.map((row, i) => ({
      ...entries[i]!,
      data: withState(entries[i]!.data, row),
      problemId: row.id,
      from: null,
      to: row.status,
    })),
    opts,
  );
}
