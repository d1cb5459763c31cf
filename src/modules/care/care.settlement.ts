/**
 * The monthly settlement of home-care orders: every verified order draws its subsidy from the elder's
 * entitlement and becomes settled, and what each provider is owed for the month is paid to it through
 * the payment channel (代付). A refused transfer is recorded and becomes a problem for the civil-affairs
 * unit through the bridge; the next settlement run of the month pays what is still owed.
 */
import type { Selectable } from 'kysely';
import { PayoutRefused, type PaymentChannel } from '../../adapters/payments/index.ts';
import type { CareOrderTable, CarePayoutTable } from '../../db/schema.services.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { hasRole, type Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { conflict, forbidden } from '../../platform/errors.ts';
import { raiseProblem, recordIndicator, systemPrincipal } from '../bridges/index.ts';
import { providerById } from '../directory/index.ts';
import { mealOccasion, sittingOf } from '../canteen/index.ts';
import { accountOf, spend, spendsFor } from '../entitlements/index.ts';
import { appendLog, SYSTEM_ACTOR, actorOf } from '../flow/index.ts';
import { CARE_KINDS, type CareKindCode } from './care.kinds.ts';
import { SETTLEABLE } from './care.lifecycle.ts';
import { careRepository as repo } from './care.repository.ts';
import type { Settlement } from './care.schema.ts';

type Row = Selectable<CareOrderTable>;
type PayoutRow = Selectable<CarePayoutTable>;

const MODULE = 'care';
/** The unit that pays the subsidy and answers for a transfer that did not go through. */
const CIVIL_AFFAIRS = '区民政局';
/** Subsidies go to the provider's bank account: the bank-card channel carries transfers to businesses. */
const PAYOUT_CHANNEL: PaymentChannel = 'unionpay';

/** A payout's states: a transfer asked for, then done or refused. */
export const PAYOUT_STATUSES = { pending: '支付中', paid: '已支付', failed: '支付失败' } as const;
export type PayoutStatus = keyof typeof PAYOUT_STATUSES;

/**
 * The occasion a subsidy pays for: for 助餐 the canteen's sitting of the delivery (the canteen owns the
 * rule, so a meal at the counter and a delivery of the same sitting are one occasion), else the order.
 */
export function occasionOf(row: Pick<Row, 'id' | 'kind' | 'scheduled_at'>): string {
  if (row.kind !== 'meals') return `care:${row.id}`;
  const { date, meal } = sittingOf(new Date(row.scheduled_at));
  return mealOccasion(date, meal);
}

/** The instants a month (YYYY-MM, China time) starts and ends. */
function monthRange(month: string): [string, string] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const from = new Date(Date.UTC(y, m - 1, 1) - 8 * 3_600_000).toISOString();
  const to = new Date(Date.UTC(y, m, 1) - 8 * 3_600_000).toISOString();
  return [from, to];
}

/** The care services a provider offers, as the elderly-care category's field names them. */
function careServicesOf(services: readonly string[]): string[] {
  const care = Object.values(CARE_KINDS).map((k) => k.name as string);
  const offered = services.filter((s) => care.includes(s));
  return offered.length > 0 ? offered : [CARE_KINDS.cleaning.name];
}

/** The China-time day of an instant, the business day a transfer is listed under. */
function businessDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Maps a payout row. */
function payoutFromRow(r: PayoutRow): Settlement['payouts'][number] {
  return {
    id: r.id,
    providerId: r.provider_id,
    amountFen: Number(r.amount_fen),
    status: r.status,
    statusLabel: PAYOUT_STATUSES[r.status as PayoutStatus] ?? r.status,
    providerTxnId: r.provider_txn_id,
    failureReason: r.failure_reason,
    problemId: r.problem_id,
    at: r.created_at,
  };
}

/**
 * Settles a month: every confirmed or rated order checked out in it, with no evidence flag standing,
 * draws its subsidy from the elder's entitlement and becomes settled, each in its own transaction.
 * Flagged orders and orders without (enough) entitlement are skipped and listed. Then each provider is
 * paid what the month's settled orders drew and no transfer covers yet.
 */
export async function settleMonth(ctx: AppContext, p: Principal, month: string): Promise<Settlement> {
  if (!hasRole(p, 'admin', 'supervisor')) throw forbidden();
  const jid = p.jurisdictionId;
  const [from, to] = monthRange(month);
  const skipped: Settlement['skipped'] = [];
  for (const row of await repo.settleable(ctx.db, jid, SETTLEABLE, from, to)) {
    if (row.flags !== '[]' && !row.flags_cleared_by) {
      skipped.push({ orderId: row.id, reason: `待核查：${(JSON.parse(row.flags) as string[]).join(', ')}` });
      continue;
    }
    const kind = CARE_KINDS[row.kind as CareKindCode];
    const account = await accountOf(ctx.db, jid, row.person_id, kind.entitlement);
    if (!account) {
      skipped.push({ orderId: row.id, reason: '无补贴资格 / no entitlement' });
      continue;
    }
    try {
      await ctx.database.write(async (trx) => {
        await spend(
          ctx.clock,
          trx,
          jid,
          account.id,
          Number(row.subsidy_fen),
          { module: MODULE, ref: row.id, actorUserId: p.userId, note: `${month} 结算` },
          occasionOf(row),
        );
        if (
          !(await repo.update(trx, jid, row.id, row.version, {
            status: 'settled',
            settlement_month: month,
            updated_at: ctx.clock.now().toISOString(),
          }))
        )
          throw conflict('changed meanwhile');
        await appendLog(ctx.clock, trx, jid, {
          module: MODULE,
          refId: row.id,
          action: 'settle',
          from: row.status,
          to: 'settled',
          actor: SYSTEM_ACTOR,
          data: { month, subsidyFen: Number(row.subsidy_fen) },
        });
        await recordIndicator(trx, jid, {
          code: kind.entitlement === 'meal_subsidy' ? 'meals_served' : 'care_services',
          module: MODULE,
          refId: row.id,
          value: 1,
          villageCode: row.village_code,
          at: row.checkout_at!,
        });
      });
    } catch (err) {
      skipped.push({ orderId: row.id, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  for (const owed of await owedPerProvider(ctx, jid, month)) await payProvider(ctx, p, month, owed);
  return { ...(await settlementOf(ctx, p, month)), skipped };
}

/** Per provider: the month's settled orders, the subsidy they drew (from the ledger) and a village of theirs. */
async function drawnPerProvider(ctx: AppContext, jid: string, month: string) {
  const rows = await repo.settledIn(ctx.db, jid, month);
  const spends = new Map(
    (
      await spendsFor(
        ctx.db,
        jid,
        MODULE,
        rows.map((r) => r.id),
      )
    ).map((s) => [s.sourceRef, -s.amount]),
  );
  const by = new Map<
    string,
    { providerId: string; orders: number; subsidyFen: number; villageCode: string }
  >();
  for (const r of rows) {
    const e = by.get(r.provider_id!) ?? {
      providerId: r.provider_id!,
      orders: 0,
      subsidyFen: 0,
      villageCode: r.village_code,
    };
    e.orders++;
    e.subsidyFen += spends.get(r.id) ?? 0;
    by.set(r.provider_id!, e);
  }
  return [...by.values()].sort((a, b) => a.providerId.localeCompare(b.providerId));
}

/** What each provider is still owed for a month: drawn, less every transfer not refused. */
async function owedPerProvider(ctx: AppContext, jid: string, month: string) {
  const payouts = await repo.payoutsOf(ctx.db, jid, month);
  return (await drawnPerProvider(ctx, jid, month))
    .map((d) => ({
      ...d,
      dueFen:
        d.subsidyFen -
        payouts
          .filter((x) => x.provider_id === d.providerId && x.status !== 'failed')
          .reduce((s, x) => s + Number(x.amount_fen), 0),
    }))
    .filter((d) => d.dueFen > 0);
}

/**
 * Pays one provider what it is owed: the transfer is recorded as pending first (so a retry finds it and
 * never pays twice), then asked of the channel; its outcome is recorded, a refusal raised as a problem.
 */
async function payProvider(
  ctx: AppContext,
  p: Principal,
  month: string,
  owed: { providerId: string; dueFen: number; villageCode: string },
): Promise<void> {
  const jid = p.jurisdictionId;
  const provider = await providerById(ctx.db, jid, owed.providerId);
  if (!provider) return;
  const now = ctx.clock.now().toISOString();
  const row: CarePayoutTable = {
    jurisdiction_id: jid,
    id: uuidv7(),
    provider_id: owed.providerId,
    month,
    amount_fen: owed.dueFen,
    channel: PAYOUT_CHANNEL,
    status: 'pending',
    provider_txn_id: null,
    failure_reason: null,
    problem_id: null,
    created_by: p.userId,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  const refId = `payout:${row.id}`;
  await ctx.database.write(async (trx) => {
    await repo.insertPayout(trx, row);
    await appendLog(ctx.clock, trx, jid, {
      module: MODULE,
      refId,
      action: 'pay',
      from: null,
      to: 'pending',
      actor: actorOf(p),
      data: { providerId: owed.providerId, month, amountFen: owed.dueFen, channel: PAYOUT_CHANNEL },
    });
  });
  const description = `${month} 居家养老服务补贴结算`;
  let answer: { providerTxnId: string | null; refused: string | null };
  try {
    const done = await ctx.payments.payout({
      payoutId: row.id,
      channel: PAYOUT_CHANNEL,
      amountFen: owed.dueFen,
      payeeName: provider.name,
      payeeUscc: provider.uscc,
      description,
      businessDate: businessDay(ctx.clock.now()),
    });
    answer = { providerTxnId: done.providerTxnId, refused: null };
  } catch (err) {
    // Only a refusal is an answer; a channel that did not answer leaves the transfer pending for the
    // statement to tell, so it is never paid twice.
    if (!(err instanceof PayoutRefused)) {
      ctx.log.warn({ err: String(err), payout: row.id }, 'care payout not answered; left pending');
      return;
    }
    answer = { providerTxnId: null, refused: err.message };
  }
  const { providerTxnId, refused } = answer;
  const paid = providerTxnId !== null;
  await ctx.database.write(async (trx) => {
    const current = (await repo.payout(trx, jid, row.id))!;
    const to: PayoutStatus = paid ? 'paid' : 'failed';
    if (
      !(await repo.updatePayout(trx, jid, row.id, current.version, {
        status: to,
        provider_txn_id: providerTxnId,
        failure_reason: refused,
        updated_at: ctx.clock.now().toISOString(),
      }))
    )
      throw conflict('结算支付已被更新 / payout changed meanwhile');
    await appendLog(ctx.clock, trx, jid, {
      module: MODULE,
      refId,
      action: paid ? 'paid' : 'pay_failed',
      from: 'pending',
      to,
      actor: SYSTEM_ACTOR,
      data: paid ? { providerTxnId } : { reason: refused },
    });
    if (paid)
      await recordIndicator(trx, jid, {
        code: 'subsidy_fen',
        module: MODULE,
        refId,
        value: owed.dueFen,
        villageCode: null,
        at: ctx.clock.now().toISOString(),
      });
  });
  if (paid) return;
  const raised = await raiseProblem(ctx, {
    reporter: systemPrincipal(jid, MODULE),
    module: MODULE,
    refId,
    categoryCode: 'elderly_care',
    unitName: CIVIL_AFFAIRS,
    title: `${provider.name} ${month} 服务补贴结算支付失败`,
    description: `${description}：向${provider.name}（${provider.uscc}）支付 ${(owed.dueFen / 100).toFixed(2)} 元未成功，渠道答复：${refused}。请核实收款账户后重新结算。`,
    villageCode: owed.villageCode,
    fields: { services: careServicesOf(provider.services) },
  });
  await ctx.database.write(async (trx) => {
    const current = (await repo.payout(trx, jid, row.id))!;
    await repo.updatePayout(trx, jid, row.id, current.version, { problem_id: raised.problemId });
    await appendLog(ctx.clock, trx, jid, {
      module: MODULE,
      refId,
      action: 'raise_problem',
      from: null,
      to: null,
      actor: SYSTEM_ACTOR,
      data: { problemId: raised.problemId, number: raised.number },
    });
  });
}

/**
 * A month's settlement as recorded: per provider, the ledger's spends for the orders settled in it and
 * what the transfers paid; and every transfer of the month.
 */
export async function settlementOf(ctx: AppContext, p: Principal, month: string): Promise<Settlement> {
  if (!hasRole(p, 'admin', 'supervisor')) throw forbidden();
  const jid = p.jurisdictionId;
  const payouts = await repo.payoutsOf(ctx.db, jid, month);
  const paidTo = (providerId: string) =>
    payouts
      .filter((x) => x.provider_id === providerId && x.status === 'paid')
      .reduce((s, x) => s + Number(x.amount_fen), 0);
  return {
    month,
    providers: (await drawnPerProvider(ctx, jid, month)).map(({ providerId, orders, subsidyFen }) => ({
      providerId,
      orders,
      subsidyFen,
      paidFen: paidTo(providerId),
    })),
    payouts: payouts.map(payoutFromRow),
    skipped: [],
  };
}
