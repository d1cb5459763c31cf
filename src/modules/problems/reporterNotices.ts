/**
 * What the reporter reads in his message centre (消息) about his problem, on the steps a resident cares
 * about (accepted and dispatched, returned, refused, closed, reopened, merged); staff steps in between
 * (sign, progress …) stay with the units. The SMS of the same moments is reporterNotifier.ts's.
 */
import { notice, type Notice } from './handlers/handler.ts';
import type { ActionName } from './problems.lifecycle.ts';
import type { ProblemRow } from './problems.repository.ts';

/** The reporter-facing name of each step he is told about (plain words, not office terms). */
const STEPS: Partial<Record<ActionName, { kind: string; words: string }>> = {
  dispatch: { kind: 'accepted', words: '已受理，并已交给承办单位办理' },
  return: { kind: 'returned', words: '需要您补充情况后重新提交' },
  reject: { kind: 'rejected', words: '未予受理' },
  verify: { kind: 'closed', words: '已办结，欢迎您评价' },
  reopen: { kind: 'reopened', words: '已重新办理' },
  merge: { kind: 'merged', words: '与相同问题合并办理' },
};

/** The inbox item for the reporter after `action`, or null when he is not told of it (or is not a user). */
export function reporterNotice(
  row: ProblemRow,
  action: ActionName,
  at: string,
  note: string | null,
): Notice | null {
  const step = STEPS[action];
  if (!step || !row.reporter_user_id) return null;
  const body = note && (action === 'return' || action === 'reject') ? `${step.words}：${note}` : step.words;
  return notice({ row, at }, { userId: row.reporter_user_id, kind: step.kind, title: row.title, body });
}
