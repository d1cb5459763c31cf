import { uuidv7 } from '../../kernel/ids.ts';
import type { AppContext } from '../../platform/context.ts';
import { repeatScan } from '../../platform/repeat.ts';
import type { ReferenceData } from '../reference/index.ts';
import { changeProblem, ConcurrentChange } from './problems.changes.ts';
import { SYSTEM } from './problems.log.ts';
import { problemsRepository, type ProblemRow } from './problems.repository.ts';

/** How many marks are written at once (they share commits through the write batcher). */
const CHUNK = 64;

/** The label of a due state in the log and the inbox. */
const DUE_LABELS = { due_soon: '即将超期', overdue: '已超期' } as const;

type Candidate = Awaited<ReturnType<typeof problemsRepository.dueCandidates>>[number];

/** One mark the scan writes: the row's change, its log entry and who is told. */
interface Mark {
  r: Candidate;
  /** Which count the mark adds to. */
  counts: 'dueSoon' | 'overdue' | 'villageOverdue';
  patch: Partial<ProblemRow>;
  action: 'due_state' | 'village_due_state';
  data: Record<string, unknown>;
  /** The inbox notice: its kind and text, for each unit (and role) told. */
  kind: 'due_soon' | 'overdue';
  title: string;
  body: string;
  to: { unitId: string | null; role: string | null }[];
}

/** The township's (or department's) marks: due soon or overdue against the problem's own deadlines. */
function problemMarks(rows: Candidate[], ref: ReferenceData, at: string): Mark[] {
  return rows.flatMap((r) => {
    const overdue =
      (r.close_due_at !== null && r.close_due_at < at) ||
      (r.status === 'assigned' && r.respond_due_at !== null && r.respond_due_at < at);
    const state = overdue ? ('overdue' as const) : ('due_soon' as const);
    if (state === r.due_state) return [];
    return [
      {
        r,
        counts: overdue ? 'overdue' : 'dueSoon',
        patch: { due_state: state },
        action: 'due_state',
        data: { dueState: state },
        kind: state,
        title: `${DUE_LABELS[state]}：${r.number}`,
        body: `${r.title}（办结时限 ${r.close_due_at ? ref.calendar.localDateTime(r.close_due_at) : '—'}）`,
        to: [
          ...(r.lead_unit_id ? [{ unitId: r.lead_unit_id, role: null }] : []),
          { unitId: null, role: 'supervisor' },
        ],
      } satisfies Mark,
    ];
  });
}

/**
 * The village's marks (二次交办): its part is overdue for the village once its own deadline passed before it
 * reported back. The village is told, and so the township above it; the problem's own due state
 * (the township's, which the district's KPIs and cards count) is left as it is.
 */
function villageMarks(rows: Candidate[], ref: ReferenceData): Mark[] {
  return rows.map((r) => ({
    r,
    counts: 'villageOverdue',
    patch: { delegate_due_state: 'overdue' },
    action: 'village_due_state',
    data: { dueState: 'overdue', unitId: r.delegate_unit_id, dueAt: r.delegate_due_at },
    kind: 'overdue',
    title: `村级已超期：${r.number}`,
    body: `${r.title}（村级办结期限 ${r.delegate_due_at ? ref.calendar.localDateTime(r.delegate_due_at) : '—'}）`,
    // The township reads its villages' notices with its own (a unit's inbox holds the units below it).
    to: r.delegate_unit_id ? [{ unitId: r.delegate_unit_id, role: null }] : [],
  }));
}

/** Writes one mark through the funnel of changes with its notices; false if the problem moved meanwhile. */
function writeMark(ctx: AppContext, m: Mark, at: string): Promise<boolean> {
  return ctx.database
    .write(async (trx) => {
      await changeProblem(trx, m.r, m.patch, {
        action: m.action,
        actor: SYSTEM,
        data: m.data,
        public: false,
        at,
      });
      await problemsRepository.insertNotifications(
        trx,
        m.to.map((t) => ({
          jurisdiction_id: m.r.jurisdiction_id,
          id: uuidv7(),
          user_id: null,
          unit_id: t.unitId,
          role: t.role,
          kind: m.kind,
          problem_id: m.r.id,
          title: m.title,
          body: m.body,
          created_at: at,
          read_at: null,
        })),
      );
      return true;
    })
    .catch((err: unknown) => {
      // Changed by someone else since it was read (another process's scan, an action): next time.
      if (err instanceof ConcurrentChange) return false;
      throw err;
    });
}

/**
 * The deadline scan: marks running problems due soon (deadline within one working day) or overdue
 * (past the closing deadline, or unsigned past the response deadline), and a village's part overdue past
 * the village's own deadline, and puts a notice in the inbox of the units concerned (and of the supervisors,
 * for the problem's own deadline) the first time each happens. Each mark goes through the funnel of changes
 * (a system action, not public), so read answers see it at once. Safe to run from several processes: a
 * problem changed meanwhile is left to the next scan, which reads it again.
 */
export async function runDeadlineScan(
  ctx: AppContext,
  now = ctx.clock.now(),
): Promise<{ dueSoon: number; overdue: number; villageOverdue: number }> {
  const counts = { dueSoon: 0, overdue: 0, villageOverdue: 0 };
  const at = now.toISOString();
  for (const j of ctx.jurisdictions) {
    const ref = await ctx.reference.get(j.id);
    const soon = ref.calendar.addWorkingDays(now, 1).toISOString();
    // The village pass reads its candidates after the problem's own marks are written, at their versions.
    const passes = [
      async () => problemMarks(await problemsRepository.dueCandidates(ctx.db, j.id, at, soon), ref, at),
      async () => villageMarks(await problemsRepository.villageDueCandidates(ctx.db, j.id, at), ref),
    ];
    for (const pass of passes) {
      const marks = await pass();
      for (let i = 0; i < marks.length; i += CHUNK) {
        const chunk = marks.slice(i, i + CHUNK);
        const done = await Promise.all(chunk.map((m) => writeMark(ctx, m, at)));
        chunk.forEach((m, k) => {
          if (done[k]) counts[m.counts]++;
        });
      }
    }
  }
  return counts;
}

/** Runs the scan every minute until stopped. */
export function startDeadlineScheduler(ctx: AppContext, intervalMs = 60_000): () => void {
  return repeatScan(ctx, 'deadline scan', () => runDeadlineScan(ctx), intervalMs);
}
