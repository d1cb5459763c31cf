/**
 * The 12345 centre's day (issue 22): a call taken into a problem with its caller, consent and the city
 * platform's work-order number; the caller's earlier calls; the follow-up queue (回访) after closure, where
 * a reached reporter's rating is the problem's rating and counts in 满意率.
 */
import { uuidv7 } from '../../kernel/ids.ts';
import { maskPhone } from '../../kernel/mask.ts';
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, conflict, forbidden } from '../../platform/errors.ts';
import type { ListAnswer } from '../../platform/lists.ts';
import { act, createProblem, getProblem, type ProblemDetail } from '../problems/index.ts';
import { placeFromAddress, type PlaceCandidate } from './hotline.place.ts';
import { FOLLOW_UP_MAX_TRIES, mayFollowUp, mayTakeCalls, seesCallerPhone } from './hotline.policy.ts';
import { hotlineRepository, type CallWithProblem, type FollowUpCallRow } from './hotline.repository.ts';
import {
  FOLLOW_UP_LABELS,
  type Call,
  type FollowUpCall,
  type FollowUpCallInput,
  type FollowUpItem,
  type TakeCall,
} from './hotline.schema.ts';

/** A call row as the API shows it to this viewer. */
function callFromRow(p: Principal, r: CallWithProblem): Call {
  return {
    id: r.id,
    problemId: r.problem_id,
    problemNumber: r.number,
    problemTitle: r.title,
    problemStatus: r.status,
    callerPhone: seesCallerPhone(p) ? r.caller_phone : (maskPhone(r.caller_phone) ?? ''),
    callerName: r.caller_name,
    callbackConsent: r.callback_consent === 1,
    calledAt: r.called_at,
    cityOrderNumber: r.city_order_number,
    addressSaid: r.address_said,
  };
}

/** The readings of an address said on the phone, best first. */
export async function placeOf(ctx: AppContext, p: Principal, address: string): Promise<PlaceCandidate[]> {
  return placeFromAddress(await ctx.reference.get(p.jurisdictionId), address);
}

/**
 * Takes a call into a problem (接听登记): channel 12345热线, the caller as reporter — his mobile number kept on
 * the problem only when he agreed to be called back, so that nobody calls or texts one who said no — and
 * the call's record written in the problem's own transaction.
 */
export async function takeCall(
  ctx: AppContext,
  p: Principal,
  input: TakeCall,
): Promise<{ problem: ProblemDetail; call: Call }> {
  if (!mayTakeCalls(p)) throw forbidden('只有话务员可以登记来电 / only the hotline centre takes calls');
  const now = ctx.clock.now();
  const calledAt = input.calledAt ? new Date(input.calledAt) : now;
  if (calledAt.getTime() > now.getTime() + 60_000)
    throw badRequest('calledAt: 来电时间不能晚于现在 / the call cannot be in the future', [
      { path: 'calledAt', message: 'in the future' },
    ]);
  if (input.cityOrderNumber) {
    const taken = await hotlineRepository.byCityOrder(ctx.db, p.jurisdictionId, input.cityOrderNumber);
    if (taken)
      throw conflict(`市平台工单 ${input.cityOrderNumber} 已登记 / that work order was taken already`, [
        { path: 'cityOrderNumber', message: 'taken', problemId: taken.problem_id },
      ]);
  }
  const mobile = /^1[3-9]\d{9}$/.test(input.caller.phone);
  const callId = uuidv7();
  const problem = await createProblem(
    ctx,
    p,
    {
      categoryCode: input.categoryCode,
      title: input.title,
      description: input.description,
      villageCode: input.villageCode,
      address: input.addressSaid,
      lat: input.lat,
      lng: input.lng,
      urgency: input.urgency,
      fields: input.fields,
      channel: 'hotline',
      reporter: {
        name: input.caller.name || '来电群众',
        phone: input.callbackConsent && mobile ? input.caller.phone : undefined,
      },
    },
    {
      onBehalf: true,
      within: (trx, made) =>
        hotlineRepository.insertCall(trx, {
          jurisdiction_id: p.jurisdictionId,
          id: callId,
          problem_id: made.id,
          caller_phone: input.caller.phone,
          caller_name: input.caller.name ?? null,
          callback_consent: input.callbackConsent ? 1 : 0,
          called_at: calledAt.toISOString(),
          city_order_number: input.cityOrderNumber ?? null,
          address_said: input.addressSaid,
          operator_user_id: p.userId,
          created_at: now.toISOString(),
        }),
    },
  );
  const call = await hotlineRepository.callOf(ctx.db, p.jurisdictionId, problem.id);
  return { problem, call: callFromRow(p, call!) };
}

/** The earlier calls from a number, newest first (shown while the operator types). */
export async function callsFrom(
  ctx: AppContext,
  p: Principal,
  phone: string,
  limit: number,
): Promise<ListAnswer<Call>> {
  if (!mayTakeCalls(p)) throw forbidden('只有话务员可以查询来电 / only the hotline centre reads calls');
  const rows = await hotlineRepository.callsFrom(ctx.db, p.jurisdictionId, phone, limit);
  return { items: rows.map((r) => callFromRow(p, r)), total: rows.length, nextCursor: null };
}

/** A follow-up call row as the API shows it. */
function followUpFromRow(r: FollowUpCallRow): FollowUpCall {
  return {
    id: r.id,
    problemId: r.problem_id,
    operatorName: r.operator_name,
    outcome: r.outcome,
    outcomeLabel: FOLLOW_UP_LABELS[r.outcome as keyof typeof FOLLOW_UP_LABELS] ?? r.outcome,
    rating: r.rating,
    note: r.note,
    calledAt: r.called_at,
  };
}

/** The follow-up queue (回访): closed problems not yet rated, with a number to call, longest waiting first. */
export async function followUpQueue(
  ctx: AppContext,
  p: Principal,
  page: number,
  pageSize: number,
): Promise<ListAnswer<FollowUpItem>> {
  if (!mayFollowUp(p)) throw forbidden('只有话务员可以回访 / only the hotline centre calls back');
  const jid = p.jurisdictionId;
  const ref = await ctx.reference.get(jid);
  const { rows, total } = await hotlineRepository.followUpQueue(
    ctx.db,
    jid,
    FOLLOW_UP_MAX_TRIES,
    (page - 1) * pageSize,
    pageSize,
  );
  const calls = await hotlineRepository.callsOfProblems(
    ctx.db,
    jid,
    rows.map((r) => r.id),
  );
  const items = rows.map((r): FollowUpItem => {
    // Only the calls of this round count: a reopened and reclosed problem is called afresh.
    const mine = calls.filter((c) => c.problem_id === r.id && (!r.closed_at || c.called_at >= r.closed_at));
    const last = mine.at(-1);
    return {
      problemId: r.id,
      number: r.number,
      title: r.title,
      channel: r.channel,
      closedAt: r.closed_at,
      reporterName: r.reporter_name,
      reporterPhone: r.reporter_phone!,
      leadUnitName: r.lead_unit_id ? (ref.units.get(r.lead_unit_id)?.name ?? null) : null,
      attempts: mine.length,
      lastOutcome: last?.outcome ?? null,
      lastCalledAt: last?.called_at ?? null,
    };
  });
  const nextCursor = page * pageSize < total ? String(page + 1) : null;
  return { items, total, nextCursor };
}

/**
 * Records a follow-up call. A reached reporter's rating is the problem's 回访评价 (the lifecycle's `rate`,
 * which reopens on 不满意), written with the call in one transaction; a call not answered or declined is
 * recorded alone. A problem that is not waiting for a call is a 409.
 */
export async function recordFollowUp(
  ctx: AppContext,
  p: Principal,
  problemId: string,
  input: FollowUpCallInput,
): Promise<{ call: FollowUpCall; problem: ProblemDetail }> {
  if (!mayFollowUp(p)) throw forbidden('只有话务员可以回访 / only the hotline centre calls back');
  const jid = p.jurisdictionId;
  await getProblem(ctx, p, problemId); // 404 outside the caller's scope
  const at = ctx.clock.now().toISOString();
  const row: FollowUpCallRow = {
    jurisdiction_id: jid,
    id: uuidv7(),
    problem_id: problemId,
    operator_user_id: p.userId,
    operator_name: p.displayName,
    outcome: input.outcome,
    rating: input.rating ?? null,
    note: input.note ?? null,
    called_at: at,
  };
  if (input.outcome === 'reached') {
    const problem = await act(
      ctx,
      p,
      problemId,
      'rate',
      { rating: input.rating, comment: input.note ? `电话回访：${input.note}` : '电话回访' },
      { within: (trx) => hotlineRepository.insertFollowUp(trx, row) },
    );
    return { call: followUpFromRow(row), problem };
  }
  await ctx.database.write(async (trx) => {
    if (!(await hotlineRepository.awaits(trx, jid, problemId, FOLLOW_UP_MAX_TRIES)))
      throw conflict('该问题不在回访队列中 / the problem is not waiting for a follow-up call');
    await hotlineRepository.insertFollowUp(trx, row);
  });
  return { call: followUpFromRow(row), problem: await getProblem(ctx, p, problemId) };
}
