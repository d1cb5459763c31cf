/**
 * The canteen counter: a diner checks in (card, ID card, a code sent to the phone, or staff's choice),
 * is priced by category, and the subsidy is drawn from the same meal-subsidy entitlement as 助餐 care
 * orders, for the same occasion, so no sitting is subsidised twice. The copay is paid in cash or through
 * a payment channel. The day is closed against the kitchen's count; a difference becomes a problem.
 *
 * Over 500 lines for now: check-in, voiding and the day close share the pricing and the one entitlement
 * draw; the day close and the cards move to canteen.days.ts next.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { PaymentChannel } from '../../adapters/payments/index.ts';
import type { DB } from '../../db/schema.ts';
import type { CanteenDayTable, CanteenMealTable } from '../../db/schema.residents.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { maskName } from '../../kernel/mask.ts';
import { hasRole, type Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { raiseProblem, recordIndicator } from '../bridges/index.ts';
import { getPlace, workerOfUser } from '../directory/index.ts';
import { accountOf, correct, occasionPaid, spend, spendsFor } from '../entitlements/index.ts';
import { actorOf, appendLog, logOf, SYSTEM_ACTOR, type Actor } from '../flow/index.ts';
import {
  charge,
  createPayment,
  type Payment,
  type PaymentHook,
  type PaymentStatus,
} from '../payments/index.ts';
import { personFacts, personIdByIdNumber, personIdByPhone } from '../registry/index.ts';
import {
  dayLifecycle,
  DAY_STATUS_LABELS,
  mealLifecycle,
  MEAL_STATUS_LABELS,
  type CanteenRelation,
  type DayStatus,
  type MealStatus,
} from './canteen.lifecycle.ts';
import { canteenRepository as repo } from './canteen.repository.ts';
import {
  countDifferences,
  DINER_CATEGORIES,
  dinerCategory,
  mealOccasion,
  MEALS,
  priceFor,
  sittingOf,
  type DinerCategory,
  type Meal,
} from './canteen.rules.ts';
import {
  DayActionBodies,
  MealActionBodies,
  type CanteenDay,
  type CanteenMeal,
  type CheckinInput,
} from './canteen.schema.ts';

type Db = Kysely<DB> | Transaction<DB>;
type MealRow = Selectable<CanteenMealTable>;
type DayRow = Selectable<CanteenDayTable>;

export const MODULE = 'canteen';
/** The unit a canteen's differences go to. */
const CIVIL_AFFAIRS = '区民政局';
const PROBLEM = { categoryCode: 'elderly_care', unitName: CIVIL_AFFAIRS, fields: { services: ['助餐'] } };

/** A canteen (a directory place of kind `canteen`), or 404. */
export async function canteenPlace(ctx: AppContext, jid: string, id: string) {
  const place = await getPlace(ctx, jid, id);
  if (place.kind !== 'canteen') throw notFound('食堂 / canteen');
  return place;
}

/** The relations of a principal to a canteen: its provider's staff at the counter, or a supervisor. */
export async function relationsTo(
  db: Db,
  p: Principal,
  place: { providerId: string | null },
): Promise<Set<CanteenRelation>> {
  const r = new Set<CanteenRelation>();
  if (hasRole(p, 'admin', 'supervisor') && p.scope.kind === 'jurisdiction') r.add('supervisor');
  if (p.userId && place.providerId) {
    const w = await workerOfUser(db, p.jurisdictionId, p.userId);
    if (w && w.providerId === place.providerId && w.active) r.add('counter');
  }
  return r;
}

/** 403 unless the principal works the counter of this canteen or supervises. */
function requireCounter(rel: Set<CanteenRelation>): void {
  if (!rel.has('counter') && !rel.has('supervisor'))
    throw forbidden('仅本食堂工作人员或督查人员可操作 / canteen staff only');
}

/** Maps a check-in row. */
async function mealFromRow(db: Db, r: MealRow, rel: Set<CanteenRelation>): Promise<CanteenMeal> {
  const person = r.person_id ? await personFacts(db, r.jurisdiction_id, r.person_id) : null;
  return {
    id: r.id,
    canteenId: r.place_id,
    date: r.date,
    meal: r.meal,
    personId: r.person_id,
    dinerName: person ? maskName(person.name) : null,
    dinerCategory: r.diner_category,
    dinerCategoryLabel: DINER_CATEGORIES[r.diner_category as DinerCategory] ?? r.diner_category,
    method: r.method,
    status: r.status,
    statusLabel: MEAL_STATUS_LABELS[r.status as MealStatus],
    baseFen: Number(r.base_fen),
    subsidyFen: Number(r.subsidy_fen),
    copayFen: Number(r.copay_fen),
    subsidyNote: r.subsidy_note,
    payWith: r.pay_with,
    paymentId: r.payment_id,
    createdAt: r.created_at,
    allowedActions: mealLifecycle.allowedActions(r.status as MealStatus, rel),
  };
}

/** A six-digit code for a phone at a canteen, valid in its ten-minute window and the one before. */
export function phoneCode(
  ctx: AppContext,
  placeId: string,
  phone: string,
  at: Date,
  windowsBack = 0,
): string {
  const window = Math.floor(at.getTime() / 600_000) - windowsBack;
  const h = ctx.cipher.lookupHash(`canteen-code:${placeId}:${phone}:${window}`);
  return String(parseInt(h.slice(0, 12), 16) % 1_000_000).padStart(6, '0');
}

/** Sends a diner the code to check in with by phone (the counter asks for it). */
export async function sendPhoneCode(ctx: AppContext, p: Principal, placeId: string, phone: string) {
  const jid = p.jurisdictionId;
  const place = await canteenPlace(ctx, jid, placeId);
  requireCounter(await relationsTo(ctx.db, p, place));
  if (!(await personIdByPhone(ctx.db, jid, phone)))
    throw notFound('登记该手机号的老人 / a registered diner with this phone');
  const code = phoneCode(ctx, placeId, phone, ctx.clock.now());
  await ctx.sms.send({ to: phone, template: 'otp', params: { code, minutes: '10' }, jurisdictionId: jid });
  return { sent: true };
}

/** Who is checking in: the registered person the method names (null: an unregistered resident). */
async function dinerOf(
  ctx: AppContext,
  jid: string,
  placeId: string,
  input: CheckinInput,
): Promise<string | null> {
  switch (input.method) {
    case 'card': {
      const card = await repo.card(ctx.db, jid, input.cardNo!);
      if (!card) throw notFound('助餐卡 / meal card');
      return card.person_id;
    }
    case 'id_card': {
      const id = await personIdByIdNumber(ctx, ctx.db, jid, input.idNumber!);
      if (!id) throw notFound('该身份证号的登记信息 / a registered diner with this ID number');
      return id;
    }
    case 'phone_code': {
      const now = ctx.clock.now();
      if (![0, 1].some((back) => phoneCode(ctx, placeId, input.phone!, now, back) === input.code))
        throw forbidden('验证码错误或已过期 / wrong or expired code');
      const id = await personIdByPhone(ctx.db, jid, input.phone!);
      if (!id) throw notFound('登记该手机号的老人 / a registered diner with this phone');
      return id;
    }
    case 'staff':
      return input.personId ?? null;
  }
}

/** The day row of a canteen, opened on first use; 409 when it is closed. */
async function openDayFor(
  ctx: AppContext,
  trx: Db,
  jid: string,
  placeId: string,
  date: string,
): Promise<DayRow> {
  const now = ctx.clock.now().toISOString();
  await repo.openDay(trx, {
    jurisdiction_id: jid,
    place_id: placeId,
    date,
    status: 'open',
    counts: '{}',
    kitchen_counts: null,
    problem_id: null,
    closed_by: null,
    closed_at: null,
    created_at: now,
    updated_at: now,
    version: 1,
  });
  const day = (await repo.day(trx, jid, placeId, date))!;
  if (day.status !== 'open') throw conflict(`${date} 已日结，不能再登记就餐 / the day is closed`);
  return day;
}

/** The payment hook of the canteen: a paid copay serves the meal, a failed one voids it. */
export const canteenPaymentHook: PaymentHook = {
  problem: PROBLEM,
  async villageOf(ctx, jid, payment) {
    const meal = await repo.meal(ctx.db, jid, payment.refId);
    if (!meal) return jid;
    return (await getPlace(ctx, jid, meal.place_id)).villageCode;
  },
  async onStatus(ctx, trx, jid, payment: Payment, _previous: PaymentStatus) {
    const row = await repo.meal(trx, jid, payment.refId);
    if (!row || row.status !== 'awaiting_payment') return;
    const action =
      payment.status === 'paid' ? 'confirm_payment' : payment.status === 'failed' ? 'fail_payment' : null;
    if (!action) return;
    await applyMealAction(ctx, trx, row, action, new Set(['system']), SYSTEM_ACTOR, {
      paymentId: payment.id,
    });
  },
};

/** Moves a check-in by its table, with the ledger correction a void needs. */
async function applyMealAction(
  ctx: AppContext,
  trx: Db,
  row: MealRow,
  action: 'confirm_payment' | 'fail_payment' | 'void',
  rel: Set<CanteenRelation>,
  actor: Actor,
  data: Record<string, unknown>,
): Promise<void> {
  const jid = row.jurisdiction_id;
  const to = mealLifecycle.enforce(action, row.status as MealStatus, rel);
  if (to === 'voided') {
    const day = await repo.day(trx, jid, row.place_id, row.date);
    if (day && day.status !== 'open') throw conflict('已日结，不能作废 / the day is closed');
    if (row.entitlement_entry_id)
      await correct(ctx.clock, trx, jid, row.entitlement_entry_id, Number(row.subsidy_fen), {
        module: MODULE,
        ref: row.id,
        actorUserId: actor.userId,
        note: `作废就餐 ${row.date} ${MEALS[row.meal as Meal]}`,
      });
  }
  if (
    !(await repo.updateMeal(trx, jid, row.id, row.version, {
      status: to,
      updated_at: ctx.clock.now().toISOString(),
    }))
  )
    throw conflict('就餐记录已被更新，请刷新 / changed meanwhile');
  await appendLog(ctx.clock, trx, jid, {
    module: MODULE,
    refId: row.id,
    action,
    from: row.status,
    to,
    actor,
    data,
  });
}

/**
 * Checks a diner in at the counter for the current sitting: prices them, draws the subsidy for the
 * sitting's occasion (none when it was paid already, e.g. by a 助餐 delivery, or the balance is short),
 * and starts the copay's payment. 409 for a second check-in of one sitting or a closed day.
 */
export async function checkIn(
  ctx: AppContext,
  p: Principal,
  placeId: string,
  input: CheckinInput,
): Promise<CanteenMeal> {
  const jid = p.jurisdictionId;
  const place = await canteenPlace(ctx, jid, placeId);
  const rel = await relationsTo(ctx.db, p, place);
  requireCounter(rel);
  const personId = await dinerOf(ctx, jid, placeId, input);
  const person = personId ? await personFacts(ctx.db, jid, personId) : null;
  if (personId && !person) throw notFound('就餐人 / diner');
  const now = ctx.clock.now();
  const { date, meal } = sittingOf(now);
  const category = dinerCategory(person ?? null, date);
  const price = priceFor(category, meal);
  const id = uuidv7();
  const created = await ctx.database.write(async (trx) => {
    await openDayFor(ctx, trx, jid, placeId, date);
    if (personId && (await repo.dinerMeal(trx, jid, placeId, date, meal, personId)))
      throw conflict(`该老人已登记本餐（${MEALS[meal]}）/ already checked in for this sitting`);
    let subsidyFen = 0;
    let note: string | null = null;
    let entryId: string | null = null;
    if (price.subsidyFen > 0 && personId) {
      const account = await accountOf(trx, jid, personId, 'meal_subsidy');
      const occasion = mealOccasion(date, meal);
      if (!account) note = '无助餐补贴资格 / no meal subsidy';
      else if (await occasionPaid(trx, jid, account.id, occasion))
        note = '本餐已享受过补贴（如助餐上门）/ this sitting was subsidised already';
      else if (account.balance < price.subsidyFen) note = '补贴余额不足 / subsidy balance too low';
      else {
        const entry = await spend(
          ctx.clock,
          trx,
          jid,
          account.id,
          price.subsidyFen,
          { module: MODULE, ref: id, actorUserId: p.userId, note: `${place.name} ${date} ${MEALS[meal]}` },
          occasion,
        );
        subsidyFen = price.subsidyFen;
        entryId = entry.id;
      }
    }
    const copayFen = price.baseFen - subsidyFen;
    const viaChannel = copayFen > 0 && input.payWith !== 'cash';
    const payment = viaChannel
      ? await createPayment(ctx, trx, jid, {
          module: MODULE,
          refId: id,
          channel: input.payWith as PaymentChannel,
          amountFen: copayFen,
          description: `${place.name} ${date} ${MEALS[meal]}`,
          businessDate: date,
        })
      : null;
    const row: CanteenMealTable = {
      jurisdiction_id: jid,
      id,
      place_id: placeId,
      date,
      meal,
      person_id: personId,
      diner_category: category,
      method: input.method,
      status: viaChannel ? 'awaiting_payment' : 'served',
      base_fen: price.baseFen,
      subsidy_fen: subsidyFen,
      copay_fen: copayFen,
      subsidy_note: note,
      entitlement_entry_id: entryId,
      pay_with: copayFen > 0 ? input.payWith : 'none',
      payment_id: payment?.id ?? null,
      served_by: p.userId,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      version: 1,
    };
    await repo.insertMeal(trx, row);
    await appendLog(ctx.clock, trx, jid, {
      module: MODULE,
      refId: id,
      action: 'check_in',
      from: null,
      to: row.status,
      actor: actorOf(p),
      data: { method: input.method, category, ...price, subsidyFen, copayFen, note },
    });
    if (subsidyFen > 0)
      await recordIndicator(trx, jid, {
        code: 'meals_served',
        module: MODULE,
        refId: id,
        value: 1,
        villageCode: place.villageCode,
        at: now.toISOString(),
      });
    return payment;
  });
  if (created) await charge(ctx, { [MODULE]: canteenPaymentHook }, jid, created, input.authCode);
  const row = (await repo.meal(ctx.db, jid, id))!;
  return mealFromRow(ctx.db, row, rel);
}

/** Takes an action on a check-in (`void`); the system's payment actions come through the payment hook. */
export async function mealAct(
  ctx: AppContext,
  p: Principal,
  placeId: string,
  mealId: string,
  action: string,
  body: unknown,
): Promise<CanteenMeal> {
  if (!mealLifecycle.isAction(action)) throw notFound(`action ${action}`);
  const jid = p.jurisdictionId;
  const place = await canteenPlace(ctx, jid, placeId);
  const rel = await relationsTo(ctx.db, p, place);
  const parsed = MealActionBodies[action].safeParse(body ?? {});
  await ctx.database.write(async (trx) => {
    const row = await repo.meal(trx, jid, mealId);
    if (!row || row.place_id !== placeId) throw notFound('就餐记录 / check-in');
    mealLifecycle.enforce(action, row.status as MealStatus, rel);
    if (!parsed.success)
      throw badRequest(
        parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      );
    await applyMealAction(ctx, trx, row, action, rel, actorOf(p), parsed.data);
  });
  return mealFromRow(ctx.db, (await repo.meal(ctx.db, jid, mealId))!, rel);
}

/** The check-ins of a day at a canteen, newest first (counter and supervisors). */
export async function listMeals(
  ctx: AppContext,
  p: Principal,
  placeId: string,
  q: { date?: string; page: number; pageSize: number },
) {
  const jid = p.jurisdictionId;
  const place = await canteenPlace(ctx, jid, placeId);
  const rel = await relationsTo(ctx.db, p, place);
  requireCounter(rel);
  const date = q.date ?? sittingOf(ctx.clock.now()).date;
  const [rows, count] = await repo.mealsOfDay(
    ctx.db,
    jid,
    placeId,
    date,
    q.pageSize,
    (q.page - 1) * q.pageSize,
  );
  const items: CanteenMeal[] = [];
  for (const r of rows) items.push(await mealFromRow(ctx.db, r, rel));
  const total = Number(count.n);
  return { items, total, nextCursor: q.page * q.pageSize < total ? String(q.page + 1) : null };
}

/** The day's counts per sitting and the money they carry. */
async function dayTotals(db: Db, jid: string, placeId: string, date: string) {
  const counts: Record<string, number> = {};
  let subsidyFen = 0;
  let copayFen = 0;
  for (const r of await repo.dayTotals(db, jid, date, placeId)) {
    counts[r.meal] = Number(r.n);
    subsidyFen += Number(r.subsidy ?? 0);
    copayFen += Number(r.copay ?? 0);
  }
  return { counts, subsidyFen, copayFen };
}

/** A canteen's service day: status, counts, the kitchen's counts, its log (counter and supervisors). */
export async function getDay(
  ctx: AppContext,
  p: Principal,
  placeId: string,
  date: string,
): Promise<CanteenDay> {
  const jid = p.jurisdictionId;
  const place = await canteenPlace(ctx, jid, placeId);
  const rel = await relationsTo(ctx.db, p, place);
  requireCounter(rel);
  const row = await repo.day(ctx.db, jid, placeId, date);
  const totals = await dayTotals(ctx.db, jid, placeId, date);
  const status = (row?.status ?? 'open') as DayStatus;
  return {
    canteenId: placeId,
    date,
    status,
    statusLabel: DAY_STATUS_LABELS[status],
    counts: row && row.status !== 'open' ? (JSON.parse(row.counts) as Record<string, number>) : totals.counts,
    kitchenCounts: row?.kitchen_counts ? (JSON.parse(row.kitchen_counts) as Record<string, number>) : null,
    subsidyFen: totals.subsidyFen,
    copayFen: totals.copayFen,
    problemId: row?.problem_id ?? null,
    closedAt: row?.closed_at ?? null,
    allowedActions: dayLifecycle.allowedActions(status, rel),
    actions: (await logOf(ctx.db, jid, MODULE, `day:${placeId}:${date}`)).map((e) => ({
      action: e.action,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      actorName: e.actorName,
      at: e.at,
      data: e.data,
    })),
  };
}

/**
 * Acts on a service day. `close` counts the live check-ins of each sitting against the kitchen's count;
 * when they differ the day is flagged and the difference is filed as a problem for the civil-affairs unit.
 */
export async function dayAct(
  ctx: AppContext,
  p: Principal,
  placeId: string,
  date: string,
  action: string,
  body: unknown,
): Promise<CanteenDay> {
  if (!dayLifecycle.isAction(action)) throw notFound(`action ${action}`);
  const jid = p.jurisdictionId;
  const place = await canteenPlace(ctx, jid, placeId);
  const rel = await relationsTo(ctx.db, p, place);
  const parsed = DayActionBodies[action].safeParse(body ?? {});
  const refId = `day:${placeId}:${date}`;
  const mismatch = await ctx.database.write(async (trx) => {
    let row = await repo.day(trx, jid, placeId, date);
    if (!row && action === 'close') row = await openDayFor(ctx, trx, jid, placeId, date);
    const status = (row?.status ?? 'open') as DayStatus;
    const to = dayLifecycle.enforce(action, status, rel);
    if (!parsed.success)
      throw badRequest(
        parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      );
    if (!row) throw notFound('营业日 / service day');
    const now = ctx.clock.now().toISOString();
    const patch: Partial<CanteenDayTable> = { status: to, updated_at: now };
    const data: Record<string, unknown> = { ...parsed.data };
    let diffs: ReturnType<typeof countDifferences> = [];
    if (action === 'close') {
      const { counts } = await dayTotals(trx, jid, placeId, date);
      const kitchen = (parsed.data as { kitchenCounts: Record<string, number> }).kitchenCounts;
      diffs = countDifferences(counts, kitchen);
      Object.assign(patch, {
        counts: JSON.stringify(counts),
        kitchen_counts: JSON.stringify(kitchen),
        closed_by: p.userId,
        closed_at: now,
      });
      Object.assign(data, { counts, differences: diffs });
    }
    if (action === 'reopen') Object.assign(patch, { closed_at: null, closed_by: null });
    if (!(await repo.updateDay(trx, jid, placeId, date, row.version, patch)))
      throw conflict('营业日已被更新，请刷新 / changed meanwhile');
    await appendLog(ctx.clock, trx, jid, {
      module: MODULE,
      refId,
      action,
      from: status,
      to,
      actor: actorOf(p),
      data,
    });
    return diffs;
  });
  if (mismatch.length > 0) {
    const raised = await raiseProblem(ctx, {
      reporter: p,
      module: MODULE,
      refId,
      categoryCode: PROBLEM.categoryCode,
      unitName: PROBLEM.unitName,
      title: `${place.name} ${date} 日结数量不符`,
      description: mismatch
        .map((d) => `${MEALS[d.meal as Meal] ?? d.meal}：窗口登记 ${d.counter} 份，后厨出餐 ${d.kitchen} 份`)
        .join('；'),
      villageCode: place.villageCode,
      fields: PROBLEM.fields,
    });
    await ctx.database.write(async (trx) => {
      const row = (await repo.day(trx, jid, placeId, date))!;
      const to = dayLifecycle.enforce('flag_mismatch', row.status as DayStatus, new Set(['system']));
      await repo.updateDay(trx, jid, placeId, date, row.version, {
        status: to,
        problem_id: raised.problemId,
        updated_at: ctx.clock.now().toISOString(),
      });
      await appendLog(ctx.clock, trx, jid, {
        module: MODULE,
        refId,
        action: 'flag_mismatch',
        from: row.status,
        to,
        actor: SYSTEM_ACTOR,
        data: { problemId: raised.problemId, number: raised.number, differences: mismatch },
      });
    });
  }
  return getDay(ctx, p, placeId, date);
}

/** Registers a meal card for a person (supervisors). */
export async function issueCard(
  ctx: AppContext,
  p: Principal,
  placeId: string,
  cardNo: string,
  personId: string,
) {
  const jid = p.jurisdictionId;
  const place = await canteenPlace(ctx, jid, placeId);
  if (!(await relationsTo(ctx.db, p, place)).has('supervisor')) throw forbidden();
  if (!(await personFacts(ctx.db, jid, personId))) throw notFound('人员 / person');
  const ok = await ctx.database.write((trx) =>
    repo.insertCard(trx, jid, cardNo, personId, ctx.clock.now().toISOString()),
  );
  if (!ok) throw conflict('卡号已登记 / card registered already');
  return { cardNo, personId };
}

/** The subsidy the canteen drew for its check-ins (from the ledger's own entries). */
export async function subsidyDrawn(ctx: AppContext, jid: string, mealIds: string[]): Promise<number> {
  return (await spendsFor(ctx.db, jid, MODULE, mealIds)).reduce((s, e) => s - e.amount, 0);
}
