/**
 * 助急 escalation (issue 23): an urgent order that no provider accepted within its acceptance time
 * (`acceptMinutes`, 10 minutes for 助急) becomes a problem for the civil-affairs unit through the bridge,
 * found by a scheduled scan like the core's deadline scan. Each order escalates once: it is claimed in
 * its own transaction before the problem is raised, so two scanners never raise it twice.
 */
import type { AppContext } from '../../platform/context.ts';
import { raiseProblem, systemPrincipal } from '../bridges/index.ts';
import { appendLog, SYSTEM_ACTOR } from '../flow/index.ts';
import { acceptMinutes, CARE_KINDS, type CareKindCode } from './care.kinds.ts';
import { careRepository as repo } from './care.repository.ts';

const MODULE = 'care';
const CIVIL_AFFAIRS = '区民政局';

/** Escalates every urgent order still waiting for acceptance past its due time; returns how many. */
export async function runCareEscalationScan(ctx: AppContext, now: Date = ctx.clock.now()): Promise<number> {
  const at = now.toISOString();
  let escalated = 0;
  for (const j of ctx.jurisdictions) {
    for (const row of await repo.overdueUrgent(ctx.db, j.id, at)) {
      // The claim is logged in its own transaction: the order shows it is escalated from then on.
      const claimed = await ctx.database.write(async (trx) => {
        if (!(await repo.claimEscalation(trx, j.id, row.id, at))) return false;
        await appendLog(ctx.clock, trx, j.id, {
          module: MODULE,
          refId: row.id,
          action: 'escalate',
          from: row.status,
          to: null,
          actor: SYSTEM_ACTOR,
          data: { acceptDueAt: row.accept_due_at },
        });
        return true;
      });
      if (!claimed) continue;
      const kind = CARE_KINDS[row.kind as CareKindCode];
      const raised = await raiseProblem(ctx, {
        reporter: systemPrincipal(j.id, MODULE),
        module: MODULE,
        refId: row.id,
        categoryCode: 'elderly_care',
        unitName: CIVIL_AFFAIRS,
        title: `${kind.name}订单超时未接单`,
        description: `${kind.name}订单于 ${row.created_at.slice(0, 16)} 下单，${acceptMinutes(row.kind as CareKindCode)} 分钟内无服务机构接单，已自动升级督办。地址：${row.address ?? '—'}`,
        villageCode: row.village_code,
        fields: { services: [kind.name] },
      });
      await ctx.database.write(async (trx) => {
        await repo.setEscalationProblem(trx, j.id, row.id, raised.problemId);
        await appendLog(ctx.clock, trx, j.id, {
          module: MODULE,
          refId: row.id,
          action: 'raise_problem',
          from: null,
          to: null,
          actor: SYSTEM_ACTOR,
          data: { problemId: raised.problemId, number: raised.number },
        });
      });
      escalated++;
    }
  }
  return escalated;
}
