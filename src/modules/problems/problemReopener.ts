/**
 * 重办: a closed problem goes back to its lead unit with a new closing deadline, by a supervisor's `reopen`
 * or automatically after a 不满意 rating. The rating of the closed round stays in the log; the problem's
 * current rating is cleared, so the next round is rated anew.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { AppContext } from '../../platform/context.ts';
import type { ReferenceData } from '../reference/index.ts';
import { notice } from './handlers/handler.ts';
import { changeProblem } from './problems.changes.ts';
import { deadlines } from './problems.deadlines.ts';
import type { Actor } from './problems.log.ts';
import { problemsRepository, type ProblemRow } from './problems.repository.ts';

/** The columns of a problem reopened at `now`. */
export function reopenPatch(ref: ReferenceData, row: ProblemRow, now: Date): Partial<ProblemRow> {
  const d = deadlines(ref, row.category_code, row.urgency, now);
  return {
    status: 'in_progress',
    closed_at: null,
    close_hours: null,
    resolved: 0,
    rating: null,
    reopen_count: row.reopen_count + 1,
    close_due_at: d.closeDueAt,
    due_state: 'normal',
    updated_at: now.toISOString(),
  };
}

/** The lead unit's notice of a reopen. */
export function reopenNotice(row: ProblemRow, at: string, reason: string) {
  return notice(
    { row, at },
    { unitId: row.lead_unit_id, kind: 'reopened', title: `重办：${row.number}`, body: reason },
  );
}

/** Reopens a closed problem as the system (after a 不满意 rating), in the caller's transaction. */
export async function reopenProblem(
  ctx: AppContext,
  trx: Kysely<DB> | Transaction<DB>,
  row: ProblemRow,
  actor: Actor,
  reason: string,
  at: string,
): Promise<void> {
  const ref = await ctx.reference.get(row.jurisdiction_id);
  await changeProblem(trx, row, reopenPatch(ref, row, new Date(at)), {
    action: 'reopen',
    actor,
    note: reason,
    data: { automatic: true },
    public: true,
    at,
  });
  if (row.lead_unit_id) await problemsRepository.insertNotifications(trx, [reopenNotice(row, at, reason)]);
}
