import { uuidv7 } from '../../kernel/ids.ts';
import type { AppContext } from '../../platform/context.ts';
import { repeatScan } from '../../platform/repeat.ts';
import { changeProblem, ConcurrentChange } from './problems.changes.ts';
import { SYSTEM } from './problems.log.ts';
import { problemsRepository } from './problems.repository.ts';

/** How many marks are written at once (they share commits through the write batcher). */
const CHUNK = 64;

/** The label of a due state in the log and the inbox. */
const DUE_LABELS = { due_soon: '即将超期', overdue: '已超期' } as const;

/**
 * The deadline scan: marks running problems due soon (deadline within one working day) or overdue
 * (past the closing deadline, or unsigned past the response deadline), and puts a notice in the inbox of
 * the lead unit and of the supervisors the first time each happens. Each mark goes through the funnel of
 * changes (a `due_state` action by the system, not public), so read answers see it at once. Safe to run
 * from several processes: a problem changed meanwhile is left to the next scan.
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
    const rows = await problemsRepository.dueCandidates(ctx.db, j.id, at, soon);
    const marks = rows.flatMap((r) => {
      const overdue =
        (r.close_due_at !== null && r.close_due_at < at) ||
        (r.status === 'assigned' && r.respond_due_at !== null && r.respond_due_at < at);
      const state = overdue ? ('overdue' as const) : ('due_soon' as const);
      return state === r.due_state ? [] : [{ r, state }];
    });
    for (let i = 0; i < marks.length; i += CHUNK) {
      const done = await Promise.all(
        marks.slice(i, i + CHUNK).map(({ r, state }) =>
          ctx.database
            .write(async (trx) => {
              await changeProblem(
                trx,
                r,
                { due_state: state },
                { action: 'due_state', actor: SYSTEM, data: { dueState: state }, public: false, at },
              );
              const base = {
                jurisdiction_id: j.id,
                user_id: null,
                kind: state,
                problem_id: r.id,
                title: `${DUE_LABELS[state]}：${r.number}`,
                body: `${r.title}（办结时限 ${r.close_due_at ? ref.calendar.localDateTime(r.close_due_at) : '—'}）`,
                created_at: at,
                read_at: null,
              };
              await problemsRepository.insertNotifications(trx, [
                ...(r.lead_unit_id ? [{ ...base, id: uuidv7(), unit_id: r.lead_unit_id, role: null }] : []),
                { ...base, id: uuidv7(), unit_id: null, role: 'supervisor' },
              ]);
              return state;
            })
            .catch((err: unknown) => {
              // Changed by someone else since it was read (another process's scan, an action): next time.
              if (err instanceof ConcurrentChange) return null;
              throw err;
            }),
        ),
      );
      for (const state of done) {
        if (state === 'overdue') counts.overdue++;
        else if (state === 'due_soon') counts.dueSoon++;
      }
    }
  }
  return counts;
}

/** Runs the scan every minute until stopped. */
export function startDeadlineScheduler(ctx: AppContext, intervalMs = 60_000): () => void {
  return repeatScan(ctx, 'deadline scan', () => runDeadlineScan(ctx), intervalMs);
}
