import { uuidv7 } from '../../kernel/ids.ts';
import type { AppContext } from '../../server/context.ts';
import { RUNNING_STATUSES } from './problems.lifecycle.ts';
import { problemsRepository } from './problems.repository.ts';

/**
 * The deadline scan: marks running problems due soon (deadline within one working day) or overdue
 * (past the closing deadline, or unsigned past the response deadline), and puts a notice in the inbox of
 * the lead unit and of the supervisors the first time each happens. Safe to run from several processes.
 */
export async function runDeadlineScan(
  ctx: AppContext,
  now = ctx.clock.now(),
): Promise<{ dueSoon: number; overdue: number }> {
  const counts = { dueSoon: 0, overdue: 0 };
  const at = now.toISOString();
  for (const j of ctx.jurisdictions) {
    const ref = await ctx.reference.get(j.id);
    const soon = ref.calendar.addWorkingDays(now, 1).toISOString();
    const rows = await ctx.db
      .selectFrom('problems')
      .select([
        'id',
        'number',
        'title',
        'status',
        'due_state',
        'close_due_at',
        'respond_due_at',
        'lead_unit_id',
      ])
      .where('jurisdiction_id', '=', j.id)
      .where('status', 'in', RUNNING_STATUSES)
      .where('due_state', '!=', 'overdue')
      .where((eb) =>
        eb.or([
          eb('close_due_at', '<', soon),
          eb.and([eb('status', '=', 'assigned'), eb('respond_due_at', '<', at)]),
        ]),
      )
      .execute();
    for (const r of rows) {
      const overdue =
        (r.close_due_at !== null && r.close_due_at < at) ||
        (r.status === 'assigned' && r.respond_due_at !== null && r.respond_due_at < at);
      const state = overdue ? 'overdue' : 'due_soon';
      if (state === r.due_state) continue;
      await ctx.db.transaction().execute(async (trx) => {
        const changed = await trx
          .updateTable('problems')
          .set({ due_state: state })
          .where('jurisdiction_id', '=', j.id)
          .where('id', '=', r.id)
          .where('due_state', '=', r.due_state)
          .executeTakeFirst();
        if (Number(changed.numUpdatedRows) !== 1) return; // another process got there first
        const title = `${overdue ? '已超期' : '即将超期'}：${r.number}`;
        const body = `${r.title}（办结时限 ${r.close_due_at?.slice(0, 16) ?? '—'}）`;
        const base = {
          jurisdiction_id: j.id,
          user_id: null,
          kind: state,
          problem_id: r.id,
          title,
          body,
          created_at: at,
          read_at: null,
        };
        await problemsRepository.insertNotifications(trx, [
          ...(r.lead_unit_id ? [{ ...base, id: uuidv7(), unit_id: r.lead_unit_id, role: null }] : []),
          { ...base, id: uuidv7(), unit_id: null, role: 'supervisor' },
        ]);
        if (overdue) counts.overdue++;
        else counts.dueSoon++;
      });
    }
  }
  return counts;
}

/** Runs the scan every minute until stopped. */
export function startDeadlineScheduler(ctx: AppContext, intervalMs = 60_000): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await runDeadlineScan(ctx);
    } catch (err) {
      ctx.log.error({ err }, 'deadline scan failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
