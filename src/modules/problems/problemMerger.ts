/**
 * 合并办理: a duplicate is merged into an open primary problem, and closing the primary closes every problem
 * merged into it (one resolution closes many), each change logged as the system's.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { badRequest, conflict } from '../../platform/errors.ts';
import { changeProblem } from './problems.changes.ts';
import { MERGE_TARGET_STATUSES, type Status } from './problems.lifecycle.ts';
import { SYSTEM } from './problems.log.ts';
import { problemsRepository, type ProblemRow } from './problems.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The columns of a problem closed at `at`; `resolved` when it was closed with a result. */
export function closePatch(row: ProblemRow, at: string, resolved: boolean): Partial<ProblemRow> {
  return {
    status: 'closed',
    closed_at: at,
    close_hours: (Date.parse(at) - Date.parse(row.created_at)) / 3600_000,
    resolved: resolved ? 1 : 0,
    due_state: 'none',
    pending_extension: null,
    updated_at: at,
  };
}

/** The primary a problem may be merged into: another problem of the jurisdiction that is still open (400, 409). */
export async function mergeTarget(db: Db, row: ProblemRow, intoId: string): Promise<ProblemRow> {
  if (intoId === row.id)
    throw badRequest('intoId: a problem cannot be merged into itself', [
      { path: 'intoId', message: '不能合并到自身 / same problem' },
    ]);
  const primary = await problemsRepository.findById(db, row.jurisdiction_id, intoId);
  if (!primary)
    throw badRequest(`intoId: unknown problem ${intoId}`, [
      { path: 'intoId', code: 'unknown', message: 'unknown problem' },
    ]);
  if (!MERGE_TARGET_STATUSES.includes(primary.status as Status))
    throw conflict(
      `主问题 ${primary.number} 已不在办理中，请合并到办理中的问题 / the primary problem ${primary.number} is ${primary.status}; merge into an open one`,
    );
  return primary;
}

/** Closes every problem merged into the primary as it closes, in the caller's transaction. */
export async function closeMerged(trx: Db, primary: ProblemRow, at: string): Promise<void> {
  const merged = await problemsRepository.mergedInto(trx, primary.jurisdiction_id, primary.id);
  for (const m of merged) {
    if (m.status !== 'merged') continue;
    await changeProblem(trx, m, closePatch(m, at, true), {
      action: 'verify',
      actor: SYSTEM,
      note: `随主件 ${primary.number} 销号`,
      data: { primaryId: primary.id },
      public: true,
      at,
    });
  }
}
