/**
 * The jobs module's timed rules, run by the scheduler every minute (and on demand by an admin): open
 * postings past their time expire; employers whose posting falls due within a day get the one-tap SMS
 * link; a completed job whose wage was not confirmed paid by its deadline becomes a problem for 区人社局
 * (labour inspection) through the bridge, with the deadline the unit's time rules give it.
 */
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { repeatScan } from '../../platform/repeat.ts';
import { raiseProblem } from '../bridges/index.ts';
import { SYSTEM_ACTOR } from '../flow/index.ts';
import { MODULE } from './jobs.employers.ts';
import { REMIND_HOURS_BEFORE, reminderDue } from './jobs.expiry.ts';
import { transitionApplication } from './jobs.applications.ts';
import { expireIfLapsed, issueReconfirmToken } from './jobs.postings.ts';
import { jobsRepository as repo } from './jobs.repository.ts';

/** The unit that takes unpaid wages (劳动保障监察). */
export const LABOUR_UNIT = '区人力资源和社会保障局';

/** What one sweep did. */
export interface SweepResult {
  expired: number;
  reminded: number;
  escalated: number;
}

/** The worker as the reporter of his unpaid wage (he follows the problem as its reporter). */
function reporterOf(jid: string, userId: string | null): Principal {
  return {
    jurisdictionId: jid,
    userId,
    username: 'system:jobs',
    displayName: '荷塘大就业',
    roles: ['resident'],
    unitId: null,
    unitIds: [],
    scope: { kind: 'own', ref: null },
    via: 'api_key',
  };
}

/** Runs the timed rules of one jurisdiction once. */
export async function runJobsSweep(ctx: AppContext, jid: string): Promise<SweepResult> {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const result: SweepResult = { expired: 0, reminded: 0, escalated: 0 };
  const soon = new Date(now.getTime() + REMIND_HOURS_BEFORE * 3_600_000).toISOString();
  for (const r of await repo.openDueBefore(ctx.db, jid, soon)) {
    if (await expireIfLapsed(ctx, r)) {
      result.expired++;
      continue;
    }
    if (
      !reminderDue(
        { reconfirmDueAt: r.reconfirm_due_at, validThrough: r.valid_through, remindedAt: r.reminded_at },
        nowIso,
      )
    )
      continue;
    const employer = await repo.employer(ctx.db, jid, r.employer_id);
    const token = await ctx.database.write((trx) => issueReconfirmToken(ctx, trx, r));
    if (!token || !employer) continue;
    const due = new Date(Date.parse(r.reconfirm_due_at!) + 8 * 3_600_000)
      .toISOString()
      .slice(5, 16)
      .replace('T', ' ');
    try {
      await ctx.sms.send({
        to: employer.contact_phone,
        template: 'jobs_reconfirm',
        jurisdictionId: jid,
        params: {
          title: r.title,
          due,
          link: `${ctx.config.publicUrl.replace(/\/$/, '')}/m/#/jobs/reconfirm/${token}`,
        },
      });
      result.reminded++;
    } catch (err) {
      // The employer can still reconfirm in the app; the next sweep does not resend for this due time.
      ctx.log.warn({ err: String(err), posting: r.id }, 'reconfirmation SMS not sent');
    }
  }
  for (const a of await repo.unpaidDue(ctx.db, jid, nowIso)) {
    const posting = await repo.posting(ctx.db, jid, a.posting_id);
    const worker = await repo.worker(ctx.db, jid, a.worker_id);
    const employer = posting && (await repo.employer(ctx.db, jid, posting.employer_id));
    if (!posting || !worker || !employer) continue;
    const amount = a.employer_amount_fen ?? a.worker_amount_fen;
    try {
      const raised = await raiseProblem(ctx, {
        reporter: reporterOf(jid, worker.user_id),
        module: MODULE,
        refId: a.id,
        categoryCode: 'jobs',
        unitName: LABOUR_UNIT,
        title: `零工工资未按时确认支付：${employer.name}`,
        description: `岗位「${posting.title}」完工后工资${amount !== null ? ` ${(Number(amount) / 100).toFixed(2)} 元` : ''}至 ${a.pay_due_at} 仍未确认支付，请劳动保障监察介入。用工单位统一社会信用代码 ${employer.uscc}。`,
        villageCode: posting.village_code,
        fields: { job_type: posting.title },
      });
      await ctx.database.write(async (trx) => {
        const cur = await repo.application(trx, jid, a.id);
        if (!cur || cur.problem_id) return;
        await transitionApplication(ctx, trx, cur, {
          action: 'escalate_unpaid',
          to: 'completed',
          actor: SYSTEM_ACTOR,
          patch: { problem_id: raised.problemId },
          data: { problemId: raised.problemId, number: raised.number, closeDueAt: raised.closeDueAt },
        });
      });
      result.escalated++;
    } catch (err) {
      ctx.log.warn({ err: String(err), application: a.id }, 'unpaid wage not raised');
    }
  }
  return result;
}

/** Runs the sweep for every jurisdiction every `intervalMs` until stopped. */
export function startJobsScheduler(ctx: AppContext, intervalMs = 60_000): () => void {
  return repeatScan(
    ctx,
    'jobs sweep',
    async () => {
      for (const j of ctx.jurisdictions) await runJobsSweep(ctx, j.id);
    },
    intervalMs,
  );
}
