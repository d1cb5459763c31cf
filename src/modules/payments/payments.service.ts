/**
 * Payments through a channel (DESIGN §3 "adapters with local fakes"): a module starts a payment inside
 * its own transaction, the channel is charged after commit, and the outcome arrives by callbacks that
 * may come twice, late, out of order or never. Each event is taken once (its id is recorded), a status
 * never moves back (pending < paid|failed < refunded), and the daily reconciliation against the channel's
 * statement recovers lost callbacks and turns every remaining difference into a problem.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { PaymentChannel, PaymentEvent, StatementLine } from '../../adapters/payments/index.ts';
import type { DB } from '../../db/schema.ts';
import type { PaymentTable } from '../../db/schema.residents.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { hasRole, type Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, badRequest, conflict, forbidden, notFound, unauthorized } from '../../platform/errors.ts';
import { raiseProblem, systemPrincipal } from '../bridges/index.ts';
import { appendLog, logOf, SYSTEM_ACTOR } from '../flow/index.ts';
import { paymentsRepository as repo } from './payments.repository.ts';
import type { Payment, Reconciliation } from './payments.schema.ts';

type Db = Kysely<DB> | Transaction<DB>;
type Row = Selectable<PaymentTable>;

const MODULE = 'payments';

/** A payment's states in the only order they may be reached. */
export const PAYMENT_STATUS_RANK = { pending: 0, paid: 1, failed: 1, refunded: 2 } as const;
export type PaymentStatus = keyof typeof PAYMENT_STATUS_RANK;

/** Whether an event moves a payment in `current` forward (a stale or repeated one does not). */
export function movesForward(current: PaymentStatus, next: PaymentStatus): boolean {
  if (current === next) return false;
  if (next === 'refunded') return current === 'paid';
  return PAYMENT_STATUS_RANK[next] > PAYMENT_STATUS_RANK[current];
}

/** What a module does when one of its payments changes, and where its differences go as problems. */
export interface PaymentHook {
  /** Runs in the transaction that moves the payment. */
  onStatus(ctx: AppContext, trx: Db, jid: string, payment: Payment, previous: PaymentStatus): Promise<void>;
  problem: { categoryCode: string; unitName: string; fields?: Record<string, unknown> };
  /** The village a module's problem is filed under (e.g. the canteen's). */
  villageOf(ctx: AppContext, jid: string, payment: Payment): Promise<string>;
}
/** Hooks by module name. */
export type PaymentHooks = Readonly<Record<string, PaymentHook>>;

/** Maps a payment row. */
export function paymentFromRow(r: Row): Payment {
  return {
    id: r.id,
    module: r.module,
    refId: r.ref_id,
    channel: r.channel,
    amountFen: Number(r.amount_fen),
    status: r.status,
    providerTxnId: r.provider_txn_id,
    paidAt: r.paid_at,
    businessDate: r.business_date,
    receiptNo: r.receipt_no,
    receiptUrl: r.receipt_url,
    description: r.description,
  };
}

/** The input of a new payment. */
export interface NewPayment {
  module: string;
  refId: string;
  channel: PaymentChannel;
  amountFen: number;
  description: string;
  businessDate: string;
}

/** Records a pending payment inside the caller's transaction; charge it with `charge` after commit. */
export async function createPayment(
  ctx: AppContext,
  trx: Db,
  jid: string,
  input: NewPayment,
): Promise<Payment> {
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0)
    throw badRequest('支付金额须为正整数（分）/ amount must be > 0');
  const now = ctx.clock.now().toISOString();
  const row: PaymentTable = {
    jurisdiction_id: jid,
    id: uuidv7(),
    module: input.module,
    ref_id: input.refId,
    channel: input.channel,
    amount_fen: input.amountFen,
    status: 'pending',
    status_rank: 0,
    provider_txn_id: null,
    paid_at: null,
    business_date: input.businessDate,
    receipt_no: null,
    receipt_url: null,
    description: input.description,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  await repo.insert(trx, row);
  await appendLog(ctx.clock, trx, jid, {
    module: MODULE,
    refId: row.id,
    action: 'create',
    from: null,
    to: 'pending',
    actor: SYSTEM_ACTOR,
    data: { module: input.module, refId: input.refId, channel: input.channel, amountFen: input.amountFen },
  });
  return paymentFromRow(row);
}

/**
 * Applies an event to a payment in a transaction: records the event (a repeat is `duplicate`), checks
 * the amount, moves the status only forward (an older event is `stale`) and lets the module react.
 */
async function applyEvent(
  ctx: AppContext,
  hooks: PaymentHooks,
  jid: string,
  e: PaymentEvent,
  source: 'callback' | 'statement',
): Promise<{ outcome: string; payment: Payment | null; paidNow: boolean }> {
  return ctx.database.write(async (trx) => {
    const row = await repo.payment(trx, jid, e.paymentId);
    const fresh = await repo.insertCallback(trx, {
      jurisdiction_id: jid,
      channel: e.channel,
      event_id: e.eventId,
      payment_id: e.paymentId,
      status: e.status,
      outcome: !row ? 'unknown_payment' : 'received',
      received_at: ctx.clock.now().toISOString(),
    });
    if (!fresh) return { outcome: 'duplicate', payment: row ? paymentFromRow(row) : null, paidNow: false };
    if (!row) return { outcome: 'unknown_payment', payment: null, paidNow: false };
    const current = row.status as PaymentStatus;
    const next = e.status;
    const note = async (outcome: string) => {
      await appendLog(ctx.clock, trx, jid, {
        module: MODULE,
        refId: row.id,
        action: source,
        from: current,
        to: null,
        actor: SYSTEM_ACTOR,
        data: { eventId: e.eventId, status: next, outcome },
      });
      return { outcome, payment: paymentFromRow(row), paidNow: false };
    };
    if (e.amountFen !== Number(row.amount_fen)) return note('amount_mismatch');
    if (!movesForward(current, next)) return note('stale');
    const patch: Partial<PaymentTable> = {
      status: next,
      status_rank: PAYMENT_STATUS_RANK[next],
      provider_txn_id: e.providerTxnId ?? row.provider_txn_id,
      paid_at: next === 'paid' ? e.at : row.paid_at,
      updated_at: ctx.clock.now().toISOString(),
    };
    if (!(await repo.update(trx, jid, row.id, row.version, patch)))
      throw conflict('支付记录已被更新 / payment changed meanwhile');
    const updated = paymentFromRow({ ...row, ...patch, version: row.version + 1 } as Row);
    await appendLog(ctx.clock, trx, jid, {
      module: MODULE,
      refId: row.id,
      action: source,
      from: current,
      to: next,
      actor: SYSTEM_ACTOR,
      data: { eventId: e.eventId, providerTxnId: e.providerTxnId },
    });
    await hooks[row.module]?.onStatus(ctx, trx, jid, updated, current);
    return { outcome: 'applied', payment: updated, paidNow: next === 'paid' };
  });
}

/** Asks the e-receipt platform for the receipt of a paid payment; a failure leaves it for reconciliation. */
export async function issueReceipt(ctx: AppContext, jid: string, payment: Payment): Promise<boolean> {
  if (payment.status !== 'paid' || payment.receiptNo) return false;
  try {
    const r = await ctx.receipts.issue({
      businessId: payment.id,
      payerName: payment.description,
      amountFen: payment.amountFen,
      item: payment.description,
      issuedOn: payment.businessDate,
    });
    await ctx.database.write(async (trx) => {
      const row = await repo.payment(trx, jid, payment.id);
      if (!row || row.receipt_no) return;
      await repo.update(trx, jid, row.id, row.version, { receipt_no: r.receiptNo, receipt_url: r.url });
      await appendLog(ctx.clock, trx, jid, {
        module: MODULE,
        refId: row.id,
        action: 'receipt',
        from: null,
        to: null,
        actor: SYSTEM_ACTOR,
        data: { receiptNo: r.receiptNo },
      });
    });
    return true;
  } catch (err) {
    ctx.log.warn({ err: String(err), payment: payment.id }, 'e-receipt not issued; reconciliation retries');
    return false;
  }
}

/** Charges the channel for a payment recorded before; a refused charge fails the payment. */
export async function charge(
  ctx: AppContext,
  hooks: PaymentHooks,
  jid: string,
  payment: Payment,
  authCode?: string,
): Promise<void> {
  try {
    await ctx.payments.charge({
      paymentId: payment.id,
      channel: payment.channel as PaymentChannel,
      amountFen: payment.amountFen,
      description: payment.description,
      businessDate: payment.businessDate,
      authCode,
    });
  } catch (err) {
    await applyEvent(
      ctx,
      hooks,
      jid,
      {
        channel: payment.channel as PaymentChannel,
        eventId: `local-failure:${payment.id}`,
        paymentId: payment.id,
        status: 'failed',
        amountFen: payment.amountFen,
        providerTxnId: null,
        at: ctx.clock.now().toISOString(),
      },
      'callback',
    );
    ctx.log.warn({ err: String(err), payment: payment.id }, 'payment channel refused the charge');
  }
}

/** Takes a channel's callback (signed): answers what became of it, and issues the receipt once paid. */
export async function handleCallback(
  ctx: AppContext,
  hooks: PaymentHooks,
  jid: string,
  channel: PaymentChannel,
  body: string,
  signature: string | undefined,
): Promise<{ outcome: string }> {
  let e: PaymentEvent;
  try {
    e = ctx.payments.verify(channel, body, signature);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw unauthorized(`回调签名无效 / callback rejected: ${(err as Error).message}`);
  }
  const r = await applyEvent(ctx, hooks, jid, e, 'callback');
  if (r.paidNow && r.payment) await issueReceipt(ctx, jid, r.payment);
  return { outcome: r.outcome };
}

/** One payment with its log. */
export async function getPayment(ctx: AppContext, p: Principal, id: string) {
  if (!hasRole(p, 'admin', 'supervisor')) throw forbidden();
  const row = await repo.payment(ctx.db, p.jurisdictionId, id);
  if (!row) throw notFound('支付记录 / payment');
  return {
    ...paymentFromRow(row),
    callbacks: (await repo.callbacksOf(ctx.db, p.jurisdictionId, id)).map((c) => ({
      eventId: c.event_id,
      status: c.status,
      outcome: c.outcome,
      receivedAt: c.received_at,
    })),
    actions: (await logOf(ctx.db, p.jurisdictionId, MODULE, id)).map((e) => ({
      action: e.action,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      at: e.at,
      data: e.data,
    })),
  };
}

/** The differences between our payments of a day and the channel's statement. */
export function compareStatement(
  ours: readonly Pick<Payment, 'id' | 'amountFen' | 'status'>[],
  lines: readonly StatementLine[],
): { lostCallbacks: string[]; mismatches: { paymentId: string; reason: string }[]; matched: number } {
  const byId = new Map(ours.map((p) => [p.id, p]));
  const seen = new Set<string>();
  const lostCallbacks: string[] = [];
  const mismatches: { paymentId: string; reason: string }[] = [];
  let matched = 0;
  for (const l of lines) {
    const p = byId.get(l.paymentId);
    seen.add(l.paymentId);
    if (!p) {
      mismatches.push({
        paymentId: l.paymentId,
        reason: `对账单有、本地无（${l.amountFen} 分）/ unknown payment`,
      });
      continue;
    }
    if (p.amountFen !== l.amountFen) {
      mismatches.push({
        paymentId: p.id,
        reason: `金额不符：本地 ${p.amountFen} 分，对账单 ${l.amountFen} 分`,
      });
      continue;
    }
    if (p.status === 'pending' && l.status === 'paid') lostCallbacks.push(p.id);
    else if (p.status !== l.status)
      mismatches.push({ paymentId: p.id, reason: `状态不符：本地 ${p.status}，对账单 ${l.status}` });
    else matched++;
  }
  for (const p of ours)
    if (!seen.has(p.id) && (p.status === 'paid' || p.status === 'refunded'))
      mismatches.push({ paymentId: p.id, reason: '本地已支付、对账单无 / missing from the statement' });
  return { lostCallbacks, mismatches, matched };
}

/**
 * Reconciles a channel's business day once: recovers the payments whose callback was lost, retries
 * missing e-receipts, and files the remaining differences as one problem for the module's unit.
 */
export async function reconcile(
  ctx: AppContext,
  hooks: PaymentHooks,
  p: Principal,
  channel: PaymentChannel,
  businessDate: string,
): Promise<Reconciliation> {
  if (!hasRole(p, 'admin', 'supervisor')) throw forbidden();
  const jid = p.jurisdictionId;
  if (await repo.reconciliation(ctx.db, jid, channel, businessDate))
    throw conflict(`${businessDate} ${channel} 已对账 / reconciled already`);
  const lines = await ctx.payments.statement(channel, businessDate);
  const ours = (await repo.ofDay(ctx.db, jid, channel, businessDate)).map(paymentFromRow);
  const diff = compareStatement(ours, lines);
  let recovered = 0;
  for (const id of diff.lostCallbacks) {
    const line = lines.find((l) => l.paymentId === id)!;
    const r = await applyEvent(
      ctx,
      hooks,
      jid,
      {
        channel,
        eventId: `statement:${line.providerTxnId}`,
        paymentId: id,
        status: 'paid',
        amountFen: line.amountFen,
        providerTxnId: line.providerTxnId,
        at: ctx.clock.now().toISOString(),
      },
      'statement',
    );
    if (r.outcome === 'applied') recovered++;
  }
  let receipts = 0;
  for (const row of await repo.ofDay(ctx.db, jid, channel, businessDate))
    if (await issueReceipt(ctx, jid, paymentFromRow(row))) receipts++;
  let problem: { id: string; number: string } | null = null;
  if (diff.mismatches.length > 0) {
    const first = ours.find((x) => diff.mismatches.some((m) => m.paymentId === x.id)) ?? ours[0];
    const hook = first ? hooks[first.module] : undefined;
    const villageCode = first && hook ? await hook.villageOf(ctx, jid, first) : null;
    const ref = await ctx.reference.get(jid);
    const raised = await raiseProblem(ctx, {
      reporter: systemPrincipal(jid, MODULE),
      module: MODULE,
      refId: `${channel}:${businessDate}`,
      categoryCode: hook?.problem.categoryCode ?? 'other_matters',
      unitName: hook?.problem.unitName ?? '区财政局',
      title: `${businessDate} ${channel} 对账不符 ${diff.mismatches.length} 笔`,
      description: diff.mismatches.map((m) => `${m.paymentId}：${m.reason}`).join('\n'),
      villageCode: villageCode ?? [...ref.divisions.values()].find((d) => d.level === 'village')?.code ?? jid,
      fields: hook?.problem.fields,
    });
    problem = { id: raised.problemId, number: raised.number };
  }
  const now = ctx.clock.now().toISOString();
  await ctx.database.write((trx) =>
    repo.insertReconciliation(trx, {
      jurisdiction_id: jid,
      channel,
      business_date: businessDate,
      id: uuidv7(),
      matched: diff.matched + recovered,
      recovered,
      mismatches: JSON.stringify(diff.mismatches),
      problem_id: problem?.id ?? null,
      created_at: now,
    }),
  );
  return {
    channel,
    businessDate,
    statementLines: lines.length,
    matched: diff.matched + recovered,
    recovered,
    receiptsIssued: receipts,
    mismatches: diff.mismatches,
    problemId: problem?.id ?? null,
    problemNumber: problem?.number ?? null,
  };
}
