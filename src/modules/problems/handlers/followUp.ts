/** After closure and across problems: rating, reopening, merging (回访评价、重办、合并办理). */
import { conflict } from '../../../platform/errors.ts';
import { mergeTarget } from '../problemMerger.ts';
import { reopenNotice, reopenPatch, reopenProblem } from '../problemReopener.ts';
import { RATING_LABELS } from '../problems.lifecycle.ts';
import { SYSTEM } from '../problems.log.ts';
import { problemsRepository } from '../problems.repository.ts';
import type { ActionHandlers } from './handler.ts';

/** The handlers of the follow-up actions. */
export const followUpHandlers = {
  rate: (input, e) => {
    const { ctx, trx, row, at, body } = input;
    // One rating a round of handling: a reopen clears it (the earlier rating stays in the log).
    if (row.rating) throw conflict('本轮办理已评价 / this round of handling has already been rated');
    e.patch.rating = body.rating;
    // The rating of the last rated round: a 重办 clears `rating`, not this (满意率 counts it, issue 20).
    e.patch.last_rating = body.rating;
    e.data.rating = body.rating;
    e.note = `${RATING_LABELS[body.rating]}${body.comment ? `：${body.comment}` : ''}`;
    if (body.rating === 'dissatisfied')
      // 不满意 reopens it automatically (重办), with a new deadline.
      e.after.push(async () => {
        const current = await problemsRepository.findById(trx, row.jurisdiction_id, row.id);
        await reopenProblem(ctx, trx, current!, SYSTEM, '回访不满意，自动重办', at);
      });
  },
  reopen: (input, e) => {
    const { row, ref, now, at, body } = input;
    Object.assign(e.patch, reopenPatch(ref, row, now));
    if (row.lead_unit_id) e.notices.push(reopenNotice(row, at, body.reason));
  },
  merge: async ({ trx, row, body }, e) => {
    const primary = await mergeTarget(trx, row, body.intoId);
    e.patch.merged_into_id = primary.id;
    e.patch.due_state = 'none';
    e.data.intoId = primary.id;
    e.data.intoNumber = primary.number;
    e.note = `并入 ${primary.number} 合并办理`;
  },
} satisfies Partial<ActionHandlers>;
