/**
 * Reporters hear back (issue 22): an SMS at the moments that matter to them — received (受理), handed to a
 * unit (交办), closed (办结) and opened again (重办) — through the SMS adapter's templates. A report without a
 * phone (a caller who did not agree to be called back keeps none on the problem) gets nothing. Sent after
 * the change has committed: a provider's failure is logged and never undoes the change.
 */
import type { SmsTemplateId } from '../../adapters/sms/index.ts';
import type { AppContext } from '../../platform/context.ts';
import type { ProblemRow } from './problems.repository.ts';

/** The actions that may send the reporter a message; reporterMessage answers null for every other one. */
const MESSAGE_ACTIONS: ReadonlySet<string> = new Set([
  'submit',
  'dispatch',
  'reassign',
  'verify',
  'reopen',
  'rate',
]);

/** Whether this action can send the reporter a message at all, whatever the problem's state. */
export function mayMessageReporter(action: string): boolean {
  return MESSAGE_ACTIONS.has(action);
}

/** The message a change of the problem sends its reporter, or null. */
export function reporterMessage(
  action: string,
  row: Pick<ProblemRow, 'status' | 'reopen_count'>,
): SmsTemplateId | null {
  if (!MESSAGE_ACTIONS.has(action)) return null;
  if (action === 'submit') return 'problem_accepted';
  if (action === 'dispatch' || action === 'reassign') return 'problem_dispatched';
  if (action === 'verify' && row.status === 'closed') return 'problem_closed';
  if (action === 'reopen') return 'problem_reopened';
  // 回访不满意 reopens automatically: the rating's change leaves the problem in progress again.
  if (action === 'rate' && row.status === 'in_progress') return 'problem_reopened';
  return null;
}

/** Sends the reporter the message of this change, if it has one and the report has a mobile number. */
export async function notifyReporter(ctx: AppContext, row: ProblemRow, action: string): Promise<void> {
  const template = reporterMessage(action, row);
  const phone = row.reporter_phone;
  if (!template || !phone || !/^1[3-9]\d{9}$/.test(phone)) return;
  const ref = await ctx.reference.get(row.jurisdiction_id);
  const unit = row.lead_unit_id ? (ref.units.get(row.lead_unit_id)?.name ?? '') : '';
  // Deadlines in Beijing time, to the minute, as a reporter reads them.
  const due = row.close_due_at
    ? new Date(Date.parse(row.close_due_at) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')
    : '';
  try {
    await ctx.sms.send({
      to: phone,
      template,
      params: { number: row.number, unit, due },
      jurisdictionId: row.jurisdiction_id,
    });
  } catch (err) {
    ctx.log.warn({ err: String(err), problem: row.id, template }, 'reporter SMS not sent');
  }
}
